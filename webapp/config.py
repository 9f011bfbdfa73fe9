"""Settings from environment variables, with safe defaults.

Each setting is documented in the README's configuration table; keep the two in step.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# environment variable -> (Flask config key, default)
_SETTINGS: dict[str, tuple[str, Any]] = {
    "CONTENT_DIR": ("CONTENT_DIR", str(PROJECT_ROOT / "content")),
    # Empty: the translated "Teams sign-in help" / "the IT service desk" of each language.
    "SITE_NAME": ("SITE_NAME", ""),
    "IT_CONTACT_NAME": ("IT_CONTACT_NAME", ""),
    "IT_CONTACT_EMAIL": ("IT_CONTACT_EMAIL", ""),
    "IT_CONTACT_URL": ("IT_CONTACT_URL", ""),
    "SECRET_KEY": ("SECRET_KEY", None),
    # Feedback and search misses (webapp.storage): SQLite in the instance folder when unset
    "DATABASE_URL": ("DATABASE_URL", None),
    "MISSES_PER_DAY": ("MISSES_PER_DAY", 1000),
    # Production readiness (webapp.security, webapp.ratelimit, webapp.caching, webapp.logs)
    "APP_ENV": ("APP_ENV", "development"),
    "HTTPS": ("HTTPS", False),
    "PROXY_COUNT": ("PROXY_COUNT", 0),
    "TRUSTED_HOSTS": ("TRUSTED_HOSTS", None),
    "MAX_CONTENT_LENGTH": ("MAX_CONTENT_LENGTH", 16 * 1024),
    "POST_RATE_LIMIT": ("POST_RATE_LIMIT", "30 per minute; 300 per hour"),
    "RATELIMIT_STORAGE_URI": ("RATELIMIT_STORAGE_URI", "memory://"),
    "COMPRESS": ("COMPRESS", True),
    "PAGE_CACHE_MB": ("PAGE_CACHE_MB", 32),
    "CACHE_MAX_AGE": ("CACHE_MAX_AGE", 300),
    "LOG_FORMAT": ("LOG_FORMAT", "text"),
    "LOG_LEVEL": ("LOG_LEVEL", "info"),
}


def from_environ(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The application's settings: each from its environment variable, or its default."""
    environ = os.environ if environ is None else environ
    return {key: environ.get(name, default) for name, (key, default) in _SETTINGS.items()}


class SettingError(ValueError):
    """A setting whose value cannot be used; the application refuses to start."""


def flag(name: str, value: Any) -> bool:
    """A yes/no setting: ``1``/``true``/``yes``/``on`` or ``0``/``false``/``no``/``off``/empty."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"", "0", "false", "no", "off"}:
        return False
    raise SettingError(f"{name} must be 1 or 0 (true/false, yes/no, on/off), not {value!r}.")


def whole_number(name: str, value: Any, minimum: int = 0) -> int:
    """A setting that is a whole number of at least ``minimum``."""
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        number = None
    if number is None or isinstance(number, bool) or number < minimum:
        raise SettingError(f"{name} must be a whole number of at least {minimum}, not {value!r}.")
    return number
