"""Reload benchmark: publishing content edits with ``kill -HUP`` while ``wrk`` keeps the site busy.

Run on demand (never in CI), from the project folder, with ``wrk`` installed:

    .venv/bin/python tests/benchmarks/bench_reload.py [--reloads 5] [--connections 64]

It serves a copy of the shipped content with the project's Gunicorn settings
(``APP_ENV=production``, as many workers as the settings choose) on a free loopback port, and
runs ``wrk`` on a code page for the whole run. Meanwhile it edits that code's title in
``codes.toml`` and sends HUP, again and again, and measures for each reload the time the master
took to load the content again (from its log line) and the time from HUP until a request on a
new connection shows the new title. Last, a broken edit and HUP: the last good title must stay.

Reported: the reload times (median and worst), and wrk's requests and errors over the run. The
exit status is 0 when wrk saw no error and the broken edit was refused, 1 otherwise.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from pathlib import Path

from bench_load import HOST, PROJECT, free_port, serve

CODE = "0xCAA70004"  # an entry of content/codes.toml
PAGE = f"/codes/{CODE}"


def fetch(port: int) -> bytes:
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request("GET", PAGE)
        return connection.getresponse().read()
    except OSError:
        return b""
    finally:
        connection.close()


def set_title(codes: Path, title: str) -> None:
    text = codes.read_text(encoding="utf-8")
    entry = next(e for e in tomllib.loads(text)["code"] if e["code"] == CODE)
    codes.write_text(text.replace(f'title = "{entry["title"]}"', f'title = "{title}"'), "utf-8")


def wait_for(port: int, title: str, timeout: float = 60) -> float:
    """Seconds until a request on a new connection shows ``title``."""
    started = time.monotonic()
    while title.encode() not in fetch(port):
        if time.monotonic() - started > timeout:
            raise SystemExit(f"{title!r} was not served within {timeout} s")
    return time.monotonic() - started


def wrk(url: str, connections: int, duration: int) -> tuple[int, int, str]:
    """wrk's requests, its errors (socket errors and non-2xx/3xx answers), and its error line."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", output)[1])
    errors, lines = 0, []
    for pattern in (
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
        r"Non-2xx or 3xx responses: (\d+)",
    ):
        if match := re.search(pattern, output):
            errors += sum(int(n) for n in match.groups())
            lines.append(match[0])
    return requests, errors, "; ".join(lines) or "no errors"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reloads", type=int, default=5)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    with tempfile.TemporaryDirectory(prefix="bench-reload-") as folder:
        work = Path(folder)
        content = work / "content"
        shutil.copytree(PROJECT / "content", content)
        codes = content / "codes.toml"
        log = work / "gunicorn.log"
        port = free_port()
        env = {
            "CONTENT_DIR": str(content),
            "APP_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
        }
        duration = 8 + 6 * args.reloads
        with serve("webapp:create_app()", port, env, log, PROJECT) as master:
            load: dict[str, object] = {}
            runner = threading.Thread(
                target=lambda: load.update(
                    result=wrk(f"http://{HOST}:{port}{PAGE}", args.connections, duration)
                )
            )
            runner.start()
            time.sleep(3)
            live = []
            for n in range(args.reloads):
                title = f"Edited for reload {n + 1}"
                set_title(codes, title)
                os.kill(master, signal.SIGHUP)
                live.append(wait_for(port, title))
                time.sleep(2)
            codes.write_text(codes.read_text(encoding="utf-8") + "\n[[code]\n", "utf-8")
            os.kill(master, signal.SIGHUP)
            deadline = time.monotonic() + 30
            while "Reload refused" not in log.read_text() and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(2)
            kept = all(title.encode() in fetch(port) for _ in range(20))
            runner.join()
        text = log.read_text()
    loads = [float(s) for s in re.findall(r"Reloaded the content in ([\d.]+) s", text)]
    requests, errors, detail = load["result"]
    refused = "Reload refused" in text
    print(f"Reloads: {len(loads)} under wrk ({args.connections} connections, {duration} s)")
    for what, figures in (("master loads the content", loads), ("HUP until all is new", live)):
        print(f"  {what}: median {statistics.median(figures):.2f} s, max {max(figures):.2f} s")
    print(f"  wrk: {requests} requests, {errors} errors ({detail})")
    print(f"Broken edit refused: {refused}; last good content still served: {kept}")
    return 0 if errors == 0 and refused and kept else 1


if __name__ == "__main__":
    sys.exit(main())
