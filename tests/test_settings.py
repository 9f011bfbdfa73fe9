"""Settings: read once from the environment into typed values, with safe defaults; a value
that cannot be used stops the start-up with a message naming the variable and why."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from support.apps import TEST_SECRET_KEY, make_app

from webapp import create_app
from webapp.config import PROJECT_ROOT, SettingError, Settings, settings_of


@pytest.mark.parametrize(
    ("setting", "value", "why"),
    [
        ("APP_ENV", "staging", "must be one of development, production, not 'staging'."),
        ("HTTPS", "maybe", "must be 1 or 0 (true/false, yes/no, on/off), not 'maybe'."),
        ("PROXY_COUNT", "-1", "must be a whole number of at least 0, not '-1'."),
        ("PROXY_COUNT", "two", "must be a whole number of at least 0, not 'two'."),
        ("MAX_CONTENT_LENGTH", "0", "must be a whole number of at least 1, not '0'."),
        ("COMPRESS", "sometimes", "must be 1 or 0 (true/false, yes/no, on/off), not 'sometimes'."),
        ("PAGE_CACHE_MB", "lots", "must be a whole number of at least 0, not 'lots'."),
        ("CACHE_MAX_AGE", "1.5", "must be a whole number of at least 0, not '1.5'."),
        ("LOG_FORMAT", "xml", "must be one of text, json, not 'xml'."),
        ("LOG_LEVEL", "loud", "must be one of debug, info, warning, error, critical, not 'loud'."),
        ("POST_RATE_LIMIT", "many", "must be like '30 per minute; 300 per hour', not 'many'."),
        ("MISSES_PER_DAY", "-1", "must be a whole number of at least 0 (0 keeps none), not '-1'."),
    ],
)
def test_a_setting_that_cannot_be_used_stops_the_start_up_and_says_why(
    content_dir: Path, tmp_path: Path, setting: str, value: str, why: str
) -> None:
    with pytest.raises(SettingError) as raised:
        make_app(content_dir, tmp_path, **{setting: value})
    assert str(raised.value) == f"{setting} {why}"
    assert raised.value.variable == setting


def test_without_any_variable_every_setting_has_its_safe_default() -> None:
    settings = Settings.from_environ({})
    assert settings == Settings()
    assert settings.content_dir == PROJECT_ROOT / "content"
    assert not settings.production and not settings.https and settings.proxy_count == 0
    assert settings.secret_key is None and settings.trusted_hosts is None
    assert settings.post_rate_limit == "30 per minute; 300 per hour"


def test_settings_from_the_environment_are_read_as_values(
    content_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {
        "HTTPS": "yes",
        "PROXY_COUNT": "2",
        "MAX_CONTENT_LENGTH": "1000",
        "TRUSTED_HOSTS": "help.example.org, .example.com",
        "APP_ENV": "Production",
        "SECRET_KEY": TEST_SECRET_KEY,
        "COMPRESS": "off",
        "LOG_LEVEL": "WARNING",
    }.items():
        monkeypatch.setenv(name, value)
    app = create_app(
        {"CONTENT_DIR": str(content_dir), "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    )
    settings = settings_of(app)
    assert settings.https is True
    assert settings.proxy_count == 2
    assert settings.app_env == "production"
    assert settings.compress is False
    assert settings.log_level == "warning"
    assert settings.content_dir == content_dir  # the override, made a Path
    # Flask's own keys are set from them.
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["PREFERRED_URL_SCHEME"] == "https"
    assert app.config["MAX_CONTENT_LENGTH"] == 1000
    assert app.config["TRUSTED_HOSTS"] == ["help.example.org", ".example.com"]


def test_overrides_may_be_python_values_and_are_checked_the_same(
    content_dir: Path, tmp_path: Path
) -> None:
    settings = settings_of(make_app(content_dir, tmp_path, PAGE_CACHE_MB=0, HTTPS=True))
    assert settings.page_cache_mb == 0 and settings.https is True
    with pytest.raises(SettingError, match="PROXY_COUNT must be a whole number"):
        make_app(content_dir, tmp_path, PROXY_COUNT=-1)


def test_settings_live_in_one_place_not_in_flask_config(content_dir: Path, tmp_path: Path) -> None:
    app = make_app(content_dir, tmp_path, PAGE_CACHE_MB="8")
    assert settings_of(app).page_cache_mb == 8
    for name in ("PAGE_CACHE_MB", "APP_ENV", "HTTPS", "COMPRESS", "CONTENT_DIR", "LOG_FORMAT"):
        assert name not in app.config
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings_of(app).https = True  # type: ignore[misc]
