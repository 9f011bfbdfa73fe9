"""Errors an operator can read: the real start commands, with broken content or a bad setting,
print one line per problem and exit non-zero, without a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.content import CODES_TOML, write_content

from webapp.config import PROJECT_ROOT

pytestmark = pytest.mark.slow  # real servers and processes

BIN = Path(sys.executable).parent
BROKEN_LINES = [
    "content/codes.toml: code #1 (0xCAA20003): fixer 'nobody' is unknown: write one of you, it, "
    "wait",
    "content/pages/faq.md: body: broken link '/codes/0xCAA20003': no code 0xCAA20003 in the "
    "code table",
]
COMMANDS = {
    "gunicorn": ["gunicorn", "webapp:create_app()"],
    "flask run": ["flask", "--app", "webapp", "run", "--port", "0"],
    "flask check-content": ["flask", "--app", "webapp", "check-content"],
}


def run(command: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in {"APP_ENV", "HTTPS", "CI"}}
    environ.update(
        {
            "SECRET_KEY": "k3y-for-these-tests-only-9f8e7d6c5b4a3210",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'errors.sqlite3'}",
            "BIND": "127.0.0.1:0",
            **env,
        }
    )
    return subprocess.run(
        [str(BIN / command[0]), *command[1:]],
        cwd=PROJECT_ROOT,  # as an operator starts it, with the project's gunicorn.conf.py
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def printed(result: subprocess.CompletedProcess[str]) -> list[str]:
    return (result.stdout + result.stderr).strip().splitlines()


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_broken_content_is_one_line_per_problem(command: list[str], tmp_path: Path) -> None:
    broken = CODES_TOML.replace('fixer = "you"', 'fixer = "nobody"', 1)
    content = write_content(tmp_path / "content", **{"codes.toml": broken})
    result = run(command, tmp_path, CONTENT_DIR=str(content))
    assert result.returncode != 0
    assert printed(result) == BROKEN_LINES


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_bad_setting_is_one_line_naming_the_variable(command: list[str], tmp_path: Path) -> None:
    content = write_content(tmp_path / "content")
    result = run(command, tmp_path, CONTENT_DIR=str(content), PAGE_CACHE_MB="lots")
    assert result.returncode != 0
    [line] = printed(result)
    assert "PAGE_CACHE_MB must be a whole number of at least 0, not 'lots'." in line
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_an_it_language_the_content_lacks_is_one_line_naming_the_variable(
    command: list[str], tmp_path: Path
) -> None:
    content = write_content(tmp_path / "content")  # English only
    result = run(command, tmp_path, CONTENT_DIR=str(content), IT_LANGUAGE="es")
    assert result.returncode != 0
    [line] = printed(result)
    assert "IT_LANGUAGE must be one of the content's languages (en), not 'es'." in line
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "why"),
    [
        # Gunicorn itself reads WEB_CONCURRENCY as a number when it is imported, before any
        # settings file; a number it takes but the site does not is the site's to refuse.
        ("WEB_CONCURRENCY", "0", "must be a whole number of at least 1, not '0'."),
        ("GUNICORN_THREADS", "lots", "must be a whole number of at least 1, not 'lots'."),
        ("LOG_LEVEL", "loud", "must be one of debug, info, warning, error, critical, not 'loud'."),
    ],
)
def test_a_bad_gunicorn_setting_is_one_line_naming_the_variable(
    variable: str, value: str, why: str, tmp_path: Path
) -> None:
    content = write_content(tmp_path / "content")
    result = run(COMMANDS["gunicorn"], tmp_path, CONTENT_DIR=str(content), **{variable: value})
    assert result.returncode != 0
    assert printed(result) == [f"{variable} {why}"]


@pytest.mark.parametrize("command", list(COMMANDS.values())[:2], ids=list(COMMANDS)[:2])
def test_production_without_a_secret_key_says_how_to_make_one(
    command: list[str], tmp_path: Path
) -> None:
    content = write_content(tmp_path / "content")
    result = run(command, tmp_path, CONTENT_DIR=str(content), APP_ENV="production", SECRET_KEY="")
    assert result.returncode != 0
    [line] = printed(result)
    assert line.startswith("SECRET_KEY is not set.")
    assert "secrets.token_hex(32)" in line
