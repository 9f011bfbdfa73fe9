"""Real servers on loopback: Gunicorn with the project's settings."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server

from support.content import FIXTURE_CONTENT
from webapp.config import PROJECT_ROOT

GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], object], seconds: float = 10, what: str = "") -> None:
    """Return once ``condition()`` is true; fail after ``seconds`` (every wait has a bound)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what or f"not true within {seconds} s: {condition}"
        time.sleep(0.01)


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


def start_gunicorn(
    folder: Path,
    command: list[str | Path] | None = None,
    cwd: Path = PROJECT_ROOT,
    **settings: str | None,
) -> tuple[subprocess.Popen, int, Path]:
    """Start the site as ``gunicorn 'webapp:create_app()'`` from the project folder (so with
    gunicorn.conf.py), one worker, over the fixture content; or as ``command`` run in ``cwd``.
    Settings as keyword arguments, None to leave a variable unset (``PORT`` is a free port
    unless ``BIND`` is given). Returns once it accepts connections: the process, its port and
    its log file (in ``folder``). The one way the tests start Gunicorn."""
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
    for name, value in settings.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(part) for part in command or [GUNICORN, "webapp:create_app()"]],
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    bind = env.get("BIND", "")
    try:
        where = bind[len("unix:") :] if bind.startswith("unix:") else port
        wait_for_server(where, process, log, seconds=120)
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


def environment(tmp_path: Path, port: int, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"APP_ENV", "SECRET_KEY", "LOG_FORMAT", "HTTPS", "PROXY_COUNT"}
    }
    env.update(
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="2",
        DATABASE_URL=f"sqlite:///{tmp_path / 'serving.sqlite3'}",
        **extra,
    )
    return env


@contextmanager
def served(app: Callable[..., Any], name: str, port: int = 0) -> Iterator[str]:
    """Serve a WSGI ``app`` with Werkzeug on a thread, on loopback (a free port unless
    ``port``); yields its base URL and stops it afterwards."""
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
