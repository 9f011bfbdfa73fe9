"""An install that works anywhere: the wheel, installed (not editable) into a fresh virtual
environment, serves the whole site from another folder with the project's Gunicorn settings."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.servers import free_port, start_gunicorn, stop_process

from webapp.config import PROJECT_ROOT

# What a clone holds that the wheel is built from; tests/ and the rest stay out.
SOURCES = ("pyproject.toml", "README.md", "webapp", "templates", "static", "content")


def test_every_folder_of_python_files_is_a_listed_package() -> None:
    """The packages are listed by name in pyproject.toml (the mapped folders cannot be found by
    searching): a new folder of code left out of the list would be left out of the wheel."""
    listed = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    folders = {
        ".".join(path.parent.relative_to(PROJECT_ROOT).parts)
        for path in (PROJECT_ROOT / "webapp").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert folders <= set(listed["packages"])


def run(*command: str | Path, cwd: Path) -> None:
    result = subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the site's wheel installed; its bin folder."""
    root = tmp_path_factory.mktemp("install")
    source = root / "source"
    for name in SOURCES:
        path = PROJECT_ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(path, source / name)
    python = sys.executable
    run(python, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", root / "dist", source, cwd=root)
    [wheel] = (root / "dist").glob("*.whl")
    run(python, "-m", "venv", root / "venv", cwd=root)
    # Exactly the locked versions, checked against their hashes, then the wheel alone: as the
    # image installs it (deploy/Containerfile), and nothing resolved afresh from an index.
    pip = (root / "venv" / "bin" / "python", "-m", "pip", "install", "--quiet")
    run(*pip, "--require-hashes", "-r", PROJECT_ROOT / "requirements.lock", cwd=root)
    run(*pip, "--no-deps", wheel, cwd=root)
    shutil.rmtree(source)  # nothing may come from the source any more
    return root / "venv" / "bin"


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    folder = tmp_path / "somewhere-else"
    folder.mkdir()
    return folder


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"CONTENT_DIR", "PYTHONPATH"}}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}", **extra)
    return env


@pytest.fixture
def server(installed: Path, elsewhere: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The installed site, started from another folder with the package's Gunicorn settings
    and its own content (no CONTENT_DIR)."""
    process, port, log = start_gunicorn(
        tmp_path,
        command=[installed / "gunicorn", "-c", "python:webapp.gunicorn_conf"],
        cwd=elsewhere,
        CONTENT_DIR=None,
        PYTHONPATH=None,
        WEB_CONCURRENCY="2",
    )
    try:
        yield f"http://127.0.0.1:{port}", log
    finally:
        stop_process(process)


@pytest.mark.slow
@pytest.mark.timeout(900)  # with the fresh environment's install: minutes on a busy machine
def test_the_installed_wheel_serves_the_whole_site_from_another_folder(server) -> None:
    base, log = server
    status, kind, body = get(base + "/healthz")
    assert status == 200 and b'"status":"ok"' in body.replace(b" ", b"")
    status, kind, body = get(base + "/codes/AADSTS50126")  # from the shipped catalogue
    assert status == 200 and kind.startswith("text/html")
    assert b"AADSTS50126" in body and b'href="/static/site.' in body
    stylesheet = body.split(b'href="/static/site.', 1)[1].split(b'"', 1)[0]
    status, kind, css = get(base + "/static/site." + stylesheet.decode())
    assert status == 200 and kind.startswith("text/css") and len(css) > 1000
    status, _, body = get(base + "/de/codes/0xCAA20003")  # the German content and catalogue
    assert status == 200 and b'lang="de"' in body
    # The project's settings, not Gunicorn's defaults (one sync worker).
    text = log.read_text()
    assert "Using worker: gthread" in text
    assert text.count("Booting worker") == 2


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_plain_gunicorn_elsewhere_names_the_missing_settings(
    installed: Path, elsewhere: Path, tmp_path: Path
) -> None:
    """Outside the project folder, ``gunicorn 'webapp:create_app()'`` alone would run without
    the settings (one sync worker, and HUP would not publish content): it stops at once."""
    port = free_port()
    result = subprocess.run(
        [str(installed / "gunicorn"), "--bind", f"127.0.0.1:{port}", "webapp:create_app()"],
        cwd=elsewhere,
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Gunicorn was started without the site's settings: add '-c python:webapp." in output
    assert "Traceback" not in output
