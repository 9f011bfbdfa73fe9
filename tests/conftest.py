"""Shared fixtures: an app over a small content folder made for the test, and one over the
shipped content."""

from __future__ import annotations

import os
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from webapp import create_app
from webapp.config import PROJECT_ROOT
from webapp.storage import database_url as resolve_database_url

SHIPPED_CONTENT = PROJECT_ROOT / "content"
# Every entry of the original help article, in its order; "none" is the smart-card prompt.
ORIGINAL_ARTICLE_CODES = (
    "0xCAA20003",
    "0xCAA20004",
    "0xCAA70004",
    "0xCAA70007",
    "0xCAA82EE2",
    "0xCAA82EE7",
    "0xCAA90018",
    "none",
)

CODES_TOML = """
[[code]]
code = "0xCAA20003"
title = "Check your clock"
summary = "Your device's **date and time** are wrong."
steps = ["Set the time automatically.", "Restart Teams."]
contact_it = "Contact IT if the clock is right."
keywords = ["clock"]

[[code]]
code = "0xCAA82EE2"
title = "The request timed out"
summary = "The connection was too slow and the request timed out."
steps = ["Check your Wi-Fi.", "See [the questions](/faq#why)."]
contact_it = "Contact IT if other sites work."
keywords = ["timeout", "slow"]

[[code]]
code = "none"
title = "Re-enter your smart card PIN"
summary = "Teams asks for your smart card PIN again."
steps = ["Take the smart card out and put it back in."]
contact_it = "Contact IT if the card is not accepted."
keywords = ["smart card", "PIN"]
"""

FAMILIES_TOML = """
[[family]]
prefix = "0xCAA8"
name = "Network problem"
summary = "Teams could not reach the sign-in service over the network."
steps = ["Check your internet connection."]
contact_it = "Send IT the code."
decoder = "wininet"

[[family]]
prefix = "0xCAA"
name = "Teams sign-in problem"
summary = "Something went wrong while signing in."
steps = ["Restart Teams."]
contact_it = "Send IT the code."
"""

WININET_TOML = """
[[error]]
number = 12029
name = "ERROR_INTERNET_CANNOT_CONNECT"
title = "Could not connect"
meaning = "The connection to the server could not be made."
steps = ["Check that you are online."]

[[error]]
number = 12002
name = "ERROR_INTERNET_TIMEOUT"
title = "Timed out"
meaning = "The request timed out."
"""

HOME_MD = """+++
title = "Sign-in help"
description = "Help with Teams sign-in."
+++
Find your code in [the table](/codes).
"""

FAQ_MD = """+++
title = "Questions"
description = "Common questions."
order = 1
keywords = ["help"]
+++
Answers to common questions.

## Why can't I sign in? {#why}

Usually the clock, the network or the password. See [0xCAA20003](/codes/0xCAA20003).

## What is multi-factor authentication? {#mfa}

A second check, such as a code on your phone.
"""


def write_content(root: Path, **overrides: str) -> Path:
    """Write a small valid content folder; ``overrides`` replace files by relative path."""
    files = {
        "codes.toml": CODES_TOML,
        "families.toml": FAMILIES_TOML,
        "wininet.toml": WININET_TOML,
        "home.md": HOME_MD,
        "pages/faq.md": FAQ_MD,
    }
    files.update({name.replace("__", "/"): text for name, text in overrides.items()})
    for name, text in files.items():
        if text is None:
            continue
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A small, valid content folder made for the test."""
    return write_content(tmp_path / "content")


def make_app(content: Path, tmp_path: Path, **config) -> Flask:
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production-0123456789",
        "CONTENT_DIR": str(content),
        "IT_CONTACT_NAME": "the Service Desk",
        "IT_CONTACT_EMAIL": "help@example.org",
        # Each test its own database, never the instance folder.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'signin-help.sqlite3'}",
    }
    settings.update(config)
    return create_app(settings)


@pytest.fixture
def app(content_dir: Path, tmp_path: Path) -> Flask:
    """The application over the small test content."""
    return make_app(content_dir, tmp_path)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def shipped_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The application over the content the site ships with."""
    database = tmp_path_factory.mktemp("shipped") / "signin-help.sqlite3"
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-not-for-production-0123456789",
            "CONTENT_DIR": str(SHIPPED_CONTENT),
            "DATABASE_URL": f"sqlite:///{database}",
        }
    )


@pytest.fixture
def shipped_client(shipped_app: Flask) -> FlaskClient:
    return shipped_app.test_client()


# --- Databases: the storage tests run on SQLite and on PostgreSQL ----------------------------


def postgres_url() -> str:
    """``TEST_DATABASE_URL`` (``bash .ci/run`` starts a server and sets it). Without it the
    PostgreSQL tests are skipped, except in CI (``CI=true``), where they fail."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url:
        return url
    if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
        pytest.fail("TEST_DATABASE_URL is not set: CI must run the PostgreSQL tests (.ci/run).")
    pytest.skip("TEST_DATABASE_URL is not set; `bash .ci/run` starts PostgreSQL for these tests")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'signin-help.sqlite3'}"
        return
    server = resolve_database_url(postgres_url(), tmp_path)
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(server, poolclass=sa.NullPool)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        url = server.update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()
