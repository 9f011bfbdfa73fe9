"""Publishing a content edit with ``kill -HUP``, on a real Gunicorn under steady traffic.

The server runs as in production (the project's Gunicorn settings, ``preload_app``, two
workers) over a copy of the shipped content. Clients keep requesting a code page over kept-alive
connections while its entry in ``codes.toml`` is edited and the master gets HUP: not one request
may fail, and the new text must be served. Then a broken edit and HUP: the last good text stays,
and the log says why in one line.
"""

from __future__ import annotations

import http.client
import shutil
import signal
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from support.content import CODES_TOML, SHIPPED_CONTENT, write_content
from support.servers import environment, free_port, start_gunicorn, stop_process

pytestmark = pytest.mark.slow  # real servers and processes

CODE = "0xCAA70004"  # an entry of content/codes.toml
PAGE = f"/codes/{CODE}"
NEW_TITLE = "Edited while the site was running"
CLIENTS = 4
GUARD = 60  # seconds: only so that a broken server cannot hang the run


@dataclass
class Traffic:
    """Clients requesting PAGE in a loop, each on its own kept-alive connection."""

    port: int
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    answers: list[tuple[float, bool]] = field(default_factory=list)  # (when, shows NEW_TITLE)
    failures: list[str] = field(default_factory=list)

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        while not self.stop.is_set():
            try:
                connection.request("GET", PAGE)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as exc:
                with self.lock:
                    self.failures.append(f"{type(exc).__name__}: {exc}")
                connection.close()
                continue
            with self.lock:
                if response.status != 200:
                    self.failures.append(f"status {response.status}")
                self.answers.append((time.monotonic(), NEW_TITLE.encode() in body))
        connection.close()

    def answers_since(self, moment: float) -> list[bool]:
        with self.lock:
            return [new for when, new in self.answers if when > moment]


@pytest.fixture
def traffic_server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen, int, Path, Path]]:
    """Gunicorn with two workers over a copy of the shipped content, from the project folder
    (so with its gunicorn.conf.py); yields the process, its port, the content and the log."""
    content = tmp_path / "content"
    shutil.copytree(SHIPPED_CONTENT, content)
    process, port, log = start_gunicorn(tmp_path, CONTENT_DIR=str(content), WEB_CONCURRENCY="2")
    try:
        yield process, port, content, log
    finally:
        stop_process(process)


def fetch(port: int, path: str) -> tuple[int, bytes]:
    """One request on a new connection; (0, b"") when the server does not answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    except OSError:
        return 0, b""
    finally:
        connection.close()


def wait_until(condition, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + GUARD
    while not condition():
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.05)


def serves_new_text_on_every_worker(port: int) -> bool:
    """Twenty requests in a row, each on a new connection (so spread over the workers), all
    show the edit."""
    return all(NEW_TITLE.encode() in fetch(port, PAGE)[1] for _ in range(20))


def edit_title(content: Path, title: str) -> None:
    codes = content / "codes.toml"
    text = codes.read_text(encoding="utf-8")
    entry = next(e for e in tomllib.loads(text)["code"] if e["code"] == CODE)
    old = f'title = "{entry["title"]}"'
    assert text.count(old) == 1
    codes.write_text(text.replace(old, f'title = "{title}"'), encoding="utf-8")


def test_hup_publishes_an_edit_under_traffic_and_refuses_a_broken_one(traffic_server) -> None:
    process, port, content, log = traffic_server
    traffic = Traffic(port)
    clients = [threading.Thread(target=traffic.run, daemon=True) for _ in range(CLIENTS)]
    for client in clients:
        client.start()
    try:
        started = time.monotonic()
        wait_until(lambda: len(traffic.answers_since(started)) >= 50, process, log)
        assert not any(traffic.answers_since(started))  # the shipped text, cached by the workers

        edit_title(content, NEW_TITLE)
        published = time.monotonic()
        process.send_signal(signal.SIGHUP)
        wait_until(lambda: serves_new_text_on_every_worker(port), process, log)
        assert "Reloaded the content" in log.read_text()

        # A broken edit: the file is no longer TOML. The last good content stays.
        codes = content / "codes.toml"
        codes.write_text(codes.read_text(encoding="utf-8") + '\n[[code]\ncode = "0x', "utf-8")
        refused = time.monotonic()
        process.send_signal(signal.SIGHUP)
        wait_until(lambda: "Reload refused" in log.read_text(), process, log)
        # Gunicorn still replaces the workers: the new ones fork with the last good content.
        wait_until(
            lambda: log.read_text().split("Reload refused", 1)[1].count("Booting worker") >= 2,
            process,
            log,
        )
        assert serves_new_text_on_every_worker(port)
        after = time.monotonic()
        wait_until(lambda: len(traffic.answers_since(after)) >= 20, process, log)
    finally:
        traffic.stop.set()
        for client in clients:
            client.join(timeout=15)

    assert traffic.failures == []
    # The traffic ran through both reloads, and the clients saw the edit go live.
    assert len(traffic.answers_since(published)) > len(traffic.answers_since(refused)) > 0
    assert any(traffic.answers_since(published))
    lines = log.read_text().splitlines()
    reasons = [line for line in lines if "Reload refused" in line]
    assert len(reasons) == 1
    assert "codes.toml" in reasons[0] and "not valid TOML" in reasons[0]
    assert "Traceback" not in log.read_text()
    assert process.poll() is None  # still serving


def test_flask_run_debug_shows_a_content_edit_on_the_next_request(tmp_path: Path) -> None:
    """An editor previews with ``flask --app webapp run --debug``: an edit shows when the page
    is reloaded, a broken one shows its problems instead, and fixing it brings the page back."""
    content = write_content(tmp_path / "content")
    port = free_port()
    env = environment(tmp_path, port, CONTENT_DIR=str(content))
    log = tmp_path / "flask.log"
    flask = Path(sys.executable).with_name("flask")
    command = [str(flask), "--app", "webapp", "run", "--debug", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_until(lambda: fetch(port, "/codes/0xCAA20003")[0] == 200, process, log)
        assert b"Check your clock" in fetch(port, "/codes/0xCAA20003")[1]

        codes = content / "codes.toml"
        codes.write_text(CODES_TOML.replace("Check your clock", "Set the clock right"), "utf-8")
        status, body = fetch(port, "/codes/0xCAA20003")
        assert status == 200 and b"Set the clock right" in body

        codes.write_text(CODES_TOML.replace('fixer = "you"', 'fixer = "nobody"', 1), "utf-8")
        status, body = fetch(port, "/codes/0xCAA20003")
        assert status == 500
        assert b"codes.toml" in body and b"fixer" in body

        codes.write_text(CODES_TOML, "utf-8")
        status, body = fetch(port, "/codes/0xCAA20003")
        assert status == 200 and b"Check your clock" in body
    finally:
        process.terminate()
        process.wait(timeout=30)
