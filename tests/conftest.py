"""Shared fixtures: an app over a small content folder made for the test, and one over the
shipped content."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from support.apps import TEST_SECRET_KEY, make_app
from support.content import SHIPPED_CONTENT, write_content
from support.environment import postgres_url
from support.oidc import start_provider
from support.servers import start_gunicorn, stop_process

from webapp import create_app
from webapp.logs import configure_logging
from webapp.storage import database_url as resolve_database_url

# As the entry points do (webapp/cli.py, webapp/gunicorn_conf.py) before the app loads.
configure_logging("text", "info")


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A small, valid content folder made for the test."""
    return write_content(tmp_path / "content")


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
            "SECRET_KEY": TEST_SECRET_KEY,
            "CONTENT_DIR": str(SHIPPED_CONTENT),
            "DATABASE_URL": f"sqlite:///{database}",
        }
    )


@pytest.fixture
def shipped_client(shipped_app: Flask) -> FlaskClient:
    return shipped_app.test_client()


# --- Databases: the storage tests run on SQLite and on PostgreSQL ----------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
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


# --- Real servers on loopback: Gunicorn with the project's settings -------------------------


@pytest.fixture
def gunicorn_site(tmp_path: Path) -> Iterator[Callable[..., tuple[int, Path]]]:
    """Start the site with Gunicorn (:func:`start_gunicorn`); returns its port and log file.
    Every server started is stopped after the test."""
    started: list[subprocess.Popen] = []

    def start(**settings: str) -> tuple[int, Path]:
        process, port, log = start_gunicorn(tmp_path, **settings)
        started.append(process)
        return port, log

    yield start
    for process in started:
        stop_process(process)


# --- A real OpenID Connect provider for the IT desk's sign-in -------------------------------


@pytest.fixture
def oidc_provider(tmp_path: Path) -> Iterator[Callable[..., tuple[str, subprocess.Popen]]]:
    """Start node-oidc-provider on a free loopback port (:func:`support.oidc.start_provider`):
    ``start(redirect_uri, host="localhost", keys=None)`` returns its issuer and process. Every
    provider started is stopped after the test."""
    started: list[subprocess.Popen] = []

    def start(
        redirect_uri: str, host: str = "localhost", keys: Path | None = None
    ) -> tuple[str, subprocess.Popen]:
        issuer, process = start_provider(tmp_path, redirect_uri, host, keys)
        started.append(process)
        return issuer, process

    yield start
    for process in started:
        stop_process(process)
