"""The site as a new user serves it: Gunicorn with gunicorn.conf.py, on a loopback port.

Headers, request ids, JSON access logs and the production secret-key check, end to end.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from support.servers import GUNICORN, environment, free_port

from webapp.config import PROJECT_ROOT

pytestmark = pytest.mark.slow  # real servers and processes


@pytest.fixture
def server(gunicorn_site) -> tuple[str, Path]:
    """The site in production mode with JSON logs: its address and its log file."""
    port, log = gunicorn_site(
        APP_ENV="production", SECRET_KEY=secrets.token_hex(32), LOG_FORMAT="json"
    )
    return f"http://127.0.0.1:{port}", log


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.skipif(not GUNICORN.exists(), reason="Gunicorn is not installed beside Python")
def test_gunicorn_serves_with_headers_request_ids_and_json_logs(server) -> None:
    base, log = server
    seen = []
    for path in ("/codes/0xCAA20003", "/codes/0xCAA20003", "/search?q=clock", "/nope"):
        status, headers, _ = get(base + path, **{"X-Request-ID": f"serving-{len(seen)}"})
        seen.append((path, status, headers))
    for path, status, headers in seen:
        assert status in (200, 404), path
        assert headers["Content-Security-Policy"].startswith("default-src 'none'")
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Server"] == "signin-help"  # not the server software and its version
    assert [h["X-Request-ID"] for _, _, h in seen] == [f"serving-{n}" for n in range(4)]
    status, headers, _ = get(base + "/codes", **{"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip"

    deadline = time.monotonic() + 10
    while True:
        lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        access = [line for line in lines if line.get("logger") == "gunicorn.access"]
        if len(access) >= 5 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    by_id = {line["request_id"]: line for line in access}
    assert by_id["serving-0"]["path"] == "/codes/0xCAA20003"
    assert by_id["serving-0"]["status"] == 200
    assert by_id["serving-3"]["status"] == 404
    assert all(line["level"] in {"info", "warning"} for line in lines)  # the log is JSON only


@pytest.mark.skipif(not GUNICORN.exists(), reason="Gunicorn is not installed beside Python")
def test_gunicorn_refuses_to_start_in_production_without_a_secret_key(tmp_path: Path) -> None:
    env = environment(tmp_path, free_port(), APP_ENV="production")
    result = subprocess.run(
        [str(GUNICORN), "webapp:create_app()"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stdout + result.stderr
