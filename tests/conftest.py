"""Shared fixtures: an app over a small content folder made for the test, and one over the
shipped content."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Callable, Iterator
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

# Strong and made up for each run, so no key the tests use could ever sign anything real.
TEST_SECRET_KEY = secrets.token_hex(32)

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
# The fixture files as text, for tests that write a broken variant of one.
CODES_TOML = (FIXTURE_CONTENT / "codes.toml").read_text(encoding="utf-8")
FAMILIES_TOML = (FIXTURE_CONTENT / "families.toml").read_text(encoding="utf-8")
HOME_MD = (FIXTURE_CONTENT / "home.md").read_text(encoding="utf-8")
FAQ_MD = (FIXTURE_CONTENT / "pages" / "faq.md").read_text(encoding="utf-8")


def write_content(root: Path, **overrides: str | None) -> Path:
    """Copy the fixture content folder to ``root``; ``overrides`` replace files by relative
    path (``"de__codes.toml"`` for ``de/codes.toml``), and None removes one."""
    shutil.copytree(FIXTURE_CONTENT, root, dirs_exist_ok=True)
    for name, text in overrides.items():
        path = root / name.replace("__", "/")
        if text is None:
            path.unlink(missing_ok=True)
            continue
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
        "SECRET_KEY": TEST_SECRET_KEY,
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
            "SECRET_KEY": TEST_SECRET_KEY,
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


# --- Real servers on loopback: Gunicorn with the project's settings -------------------------


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_server(
    address: int | str, process: subprocess.Popen, log: Path, seconds: float = 60
) -> None:
    """Return once something accepts connections at ``address`` (a loopback port, or the path
    of a unix socket); fail with the log if ``process`` exits first."""
    deadline = time.monotonic() + seconds
    while True:
        assert process.poll() is None, log.read_text(errors="replace")
        try:
            if isinstance(address, int):
                socket.create_connection(("127.0.0.1", address), timeout=1).close()
            else:
                with socket.socket(socket.AF_UNIX) as unix:
                    unix.settimeout(1)
                    unix.connect(address)
            return
        except OSError:
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.2)


def start_gunicorn(folder: Path, **settings: str) -> tuple[subprocess.Popen, int, Path]:
    """Start the site as ``gunicorn 'webapp:create_app()'`` from the project folder (so with
    gunicorn.conf.py), one worker, over the fixture content; settings as keyword arguments
    (``PORT`` is a free port unless ``BIND`` is given). Returns once it accepts connections:
    the process, its port and its log file (in ``folder``)."""
    port = free_port()
    log = folder / f"gunicorn-{port}.log"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"APP_ENV", "SECRET_KEY", "LOG_FORMAT", "LOG_QUERIES", "HTTPS"}
        and key not in {"PROXY_COUNT", "FORWARDED_ALLOW_IPS", "BIND", "TRUSTED_HOSTS"}
    }
    env.update(
        PORT=str(port),
        WEB_CONCURRENCY="1",
        CONTENT_DIR=str(FIXTURE_CONTENT),
        DATABASE_URL=f"sqlite:///{folder / 'gunicorn-site.sqlite3'}",
    )
    env.update(settings)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "webapp:create_app()"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    bind = env.get("BIND", "")
    try:
        wait_for_server(bind[len("unix:") :] if bind.startswith("unix:") else port, process, log)
    except BaseException:
        stop_process(process)
        raise
    return process, port, log


def stop_process(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


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
    """Start node-oidc-provider (tests/oidc/provider.mjs, installed by .ci/run) on a free
    loopback port: ``start(redirect_uri, host="localhost", keys=None)`` returns its issuer and
    process. ``localhost`` is another site than the app's 127.0.0.1, as an identity provider
    is in real life. Every provider started is stopped after the test."""
    from support.oidc import PROVIDER_PACKAGE, PROVIDER_SCRIPT

    node = shutil.which("node")
    if node is None or not PROVIDER_PACKAGE.is_file():
        reason = "node and oidc-provider (npm, under tests/oidc; .ci/run installs it) are needed"
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    started: list[subprocess.Popen] = []

    def start(
        redirect_uri: str, host: str = "localhost", keys: Path | None = None
    ) -> tuple[str, subprocess.Popen]:
        port = free_port()
        issuer = f"http://{host}:{port}"
        log = tmp_path / f"oidc-provider-{port}.log"
        arguments = [node, str(PROVIDER_SCRIPT), issuer, str(port), redirect_uri]
        with log.open("wb") as out:
            process = subprocess.Popen(
                [*arguments, *([str(keys)] if keys else [])], stdout=out, stderr=subprocess.STDOUT
            )
        started.append(process)
        wait_for_server(port, process, log)
        return issuer, process

    yield start
    for process in started:
        stop_process(process)
