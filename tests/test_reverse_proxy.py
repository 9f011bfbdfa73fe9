"""The reverse proxy of deploy/nginx/, run for real: Debian's nginx on loopback with TLS, in
front of the site under Gunicorn with the matching settings (HTTPS=1, PROXY_COUNT=1,
TRUSTED_HOSTS).

The nginx configuration is the deploy example itself, with only its addresses, ports and file
paths replaced. Without nginx these tests are skipped, except under ``CI=true``, where they
fail (``.ci/run`` installs it).
"""

from __future__ import annotations

import asyncio
import http.client
import os
import re
import secrets
import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from support.environment import in_ci
from support.servers import free_port, start_gunicorn, stop_process, wait_for_server

from webapp.config import PROJECT_ROOT
from webapp.security import security_headers

pytestmark = pytest.mark.slow  # real servers and processes

Result = TypeVar("Result")

EXAMPLE = PROJECT_ROOT / "deploy" / "nginx" / "signin-help.conf"
HOST = "help.example.org"

# The attack of issue 15, bounded: slow connections sending one header line every few seconds,
# and as many that connect and send nothing.
SLOW_CONNECTIONS = 300
IDLE_CONNECTIONS = 300
HEADER_LINE_EVERY = 2.0  # seconds
NORMAL_REQUESTS = ("/", "/faq", "/codes", "/codes/0xCAA20003", "/search?q=clock") * 2


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if found:
        return found
    if in_ci():
        pytest.fail("nginx is not installed: CI must run the reverse-proxy tests (.ci/run).")
    pytest.skip("nginx is not installed (apt-get install nginx; .ci/run does it)")


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for HOST, made with openssl."""
    openssl = shutil.which("openssl")
    if not openssl:
        if in_ci():
            pytest.fail("openssl is not installed (.ci/run installs it).")
        pytest.skip("openssl is not installed")
    cert, key = folder / "cert.pem", folder / "key.pem"
    key_type = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    subject = ["-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}"]
    subprocess.run(
        [openssl, "req", "-x509", *key_type, "-days", "2", *subject, "-keyout", key, "-out", cert],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def site_config(
    folder: Path, upstream: int, http_port: int, https_port: int, cert: Path, key: Path
) -> str:
    """The deploy example with this test's ports and files; each replaced text must be there,
    so a change to the example cannot quietly leave it untested."""
    text = EXAMPLE.read_text(encoding="utf-8")
    replacements = {
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstream};",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;\n": "",
        "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
        "listen [::]:443 ssl;\n": "",
        f"/etc/letsencrypt/live/{HOST}/fullchain.pem": str(cert),
        f"/etc/letsencrypt/live/{HOST}/privkey.pem": str(key),
        "/var/log/nginx/signin-help.access.log": str(folder / "access.log"),
        "/var/www/letsencrypt": str(folder / "acme"),
    }
    for old, new in replacements.items():
        assert text.count(old) == 1, f"{EXAMPLE.name} no longer has {old!r} once"
        text = text.replace(old, new)
    return text


def main_config(folder: Path, site: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf gives a site file, in a folder of the test's own."""
    user = "user root;" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    return f"""
daemon off;
{user}
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{
    worker_connections 4096;
}}
http {{
{temp}
    uwsgi_temp_path {folder / "uwsgi"};
    scgi_temp_path {folder / "scgi"};
    access_log off;
    include {site};
}}
"""


@dataclass
class Proxy:
    https_port: int
    http_port: int
    cert: Path
    folder: Path

    def context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=str(self.cert))
        context.check_hostname = False  # connecting to 127.0.0.1; the chain is still checked
        return context

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.https_port, context=self.context(), timeout=20
        )
        try:
            connection.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    nginx = nginx_binary()
    folder = tmp_path_factory.mktemp("proxy")
    (folder / "acme").mkdir()
    cert, key = make_certificate(folder)
    site, port, _ = start_gunicorn(
        folder,
        APP_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
        HTTPS="1",
        PROXY_COUNT="1",
        TRUSTED_HOSTS=HOST,
    )
    http_port, https_port = free_port(), free_port()
    site_file = folder / "signin-help.conf"
    site_file.write_text(site_config(folder, port, http_port, https_port, cert, key))
    conf = folder / "nginx.conf"
    conf.write_text(main_config(folder, site_file))
    command = [nginx, "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")]
    try:
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stderr
        log = folder / "nginx.out"
        with log.open("wb") as out:
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_for_server(https_port, process, log, seconds=30)
            yield Proxy(https_port, http_port, cert, folder)
        finally:
            stop_process(process)
    finally:
        stop_process(site)


def test_the_site_is_served_over_https_with_its_headers_once(proxy: Proxy) -> None:
    status, headers, body = proxy.request("GET", "/opensearch.xml")
    assert status == 200
    # HTTPS=1 and PROXY_COUNT=1: links carry the scheme and name people use.
    assert f'template="https://{HOST}/search' in body.decode()
    for name, value in security_headers(https=True):
        assert headers.get_all(name) == [value], name  # the site's, never doubled by nginx
    assert headers["Server"] == "nginx"  # no version
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])  # nginx's $request_id


def test_plain_http_is_sent_to_https(proxy: Proxy) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", proxy.http_port, timeout=20)
    try:
        connection.request("GET", "/codes?from=mail", headers={"Host": HOST})
        response = connection.getresponse()
        assert response.status == 301
        assert response.headers["Location"] == f"https://{HOST}/codes?from=mail"
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("who", "method", "path", "body", "extra", "expected"),
    [
        ("nginx", "POST", "/feedback", b"x" * 20_000, {}, 413),
        ("Gunicorn", "GET", "/search?q=" + "a" * 5000, None, {}, 414),
        ("Gunicorn", "GET", "/", None, {f"X-Many-{n}": "1" for n in range(120)}, 431),
    ],
)
def test_answers_the_site_never_saw_carry_its_security_headers(
    proxy: Proxy, who: str, method: str, path: str, body, extra: dict, expected: int
) -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded", **extra} if body else extra
    status, answer, _ = proxy.request(method, path, body=body, headers=headers)
    assert status == expected, who
    for name, value in security_headers(https=True):
        assert answer.get_all(name) == [value], f"{who} {expected}: {name}"


def test_the_proxy_logs_paths_without_queries(proxy: Proxy) -> None:
    status, headers, _ = proxy.request(
        "GET", "/search?q=jane.doe%40example.org", headers={"Referer": f"https://{HOST}/?q=jane"}
    )
    assert status == 200
    log = proxy.folder / "access.log"
    # nginx writes the line just after the answer has gone out; it ends with the request id.
    request_id = headers["X-Request-ID"]
    deadline = time.monotonic() + 10
    while request_id not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    line = next(line for line in log.read_text().splitlines() if line.endswith(request_id))
    assert '"GET /search HTTP/1.1" 200 ' in line
    assert f'"https://{HOST}/"' in line  # the referrer, without its query
    assert "jane" not in log.read_text()


# --- Slow clients --------------------------------------------------------------------------


@dataclass
class Attack:
    opened: int = 0
    closed_by_server: int = 0


async def slow_client(proxy: Proxy, attack: Attack, stop: asyncio.Event, number: int) -> None:
    """A TLS connection that sends a request head one line every HEADER_LINE_EVERY seconds
    and never finishes it, until the server closes it or the attack stops."""
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", proxy.https_port, ssl=proxy.context(), server_hostname=HOST
    )
    attack.opened += 1
    try:
        writer.write(f"GET /faq HTTP/1.1\r\nHost: {HOST}\r\n".encode())
        line = 0
        while not stop.is_set():
            try:
                if await asyncio.wait_for(reader.read(1024), HEADER_LINE_EVERY) == b"":
                    attack.closed_by_server += 1
                    return
            except TimeoutError:
                line += 1
                writer.write(f"X-Slow-{number}-{line}: still typing\r\n".encode())
                await writer.drain()
    except (ConnectionError, ssl.SSLError):
        attack.closed_by_server += 1
    finally:
        writer.close()


async def idle_client(proxy: Proxy, attack: Attack, stop: asyncio.Event) -> None:
    """A connection that sends nothing at all, not even a TLS handshake."""
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy.https_port)
    attack.opened += 1
    try:
        stopped = asyncio.ensure_future(stop.wait())
        read = asyncio.ensure_future(reader.read(1024))
        await asyncio.wait({stopped, read}, return_when=asyncio.FIRST_COMPLETED)
        if read.done():
            attack.closed_by_server += 1
        for task in (stopped, read):
            task.cancel()
    except ConnectionError:
        attack.closed_by_server += 1
    finally:
        writer.close()


def run_in_own_loop(main: Callable[[], Coroutine[Any, Any, Result]]) -> Result:
    """``asyncio.run(main())`` on a thread of its own: the browser tests' Playwright keeps an
    event loop running on the main thread for the whole session, where asyncio.run refuses."""
    results: list[Result] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            results.append(asyncio.run(main()))
        except BaseException as error:  # handed to the test's thread
            errors.append(error)

    thread = threading.Thread(target=target, name="attack")
    thread.start()
    thread.join(timeout=300)
    assert not thread.is_alive(), "the attack did not end within 300 s"
    if errors:
        raise errors[0]
    return results[0]


def test_slow_and_idle_connections_do_not_stop_the_site(proxy: Proxy) -> None:
    """Issue 15: with Gunicorn facing them, 16 slow connections left 0 of 6 normal requests
    answered, and 300 idle ones 0 of 4. Through the proxy, with one Gunicorn worker of two
    threads behind it, 300 of each leave every normal request answered; then nginx closes
    them itself (client_header_timeout), though the slow ones are still sending."""

    async def run() -> tuple[Attack, int, list[int]]:
        attack, stop = Attack(), asyncio.Event()
        clients = [
            *(slow_client(proxy, attack, stop, n) for n in range(SLOW_CONNECTIONS)),
            *(idle_client(proxy, attack, stop) for _ in range(IDLE_CONNECTIONS)),
        ]
        tasks = [asyncio.ensure_future(client) for client in clients]
        total = SLOW_CONNECTIONS + IDLE_CONNECTIONS
        deadline = time.monotonic() + 60
        while attack.opened < total and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert attack.opened == total, f"only {attack.opened} of {total} connections opened"
        await asyncio.sleep(HEADER_LINE_EVERY + 0.5)  # every slow client has sent more lines
        answers = await asyncio.gather(
            *(asyncio.to_thread(proxy.request, "GET", path) for path in NORMAL_REQUESTS)
        )
        still_open = total - attack.closed_by_server
        # nginx's client_header_timeout (10 s) ends them all; bounded, never a timing assertion.
        deadline = time.monotonic() + 45
        while attack.closed_by_server < total and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        return attack, still_open, [status for status, _, _ in answers]

    attack, still_open, statuses = run_in_own_loop(run)
    assert statuses == [200] * len(NORMAL_REQUESTS)
    total = SLOW_CONNECTIONS + IDLE_CONNECTIONS
    # The attack was on while they were answered (on a slow machine a few may have hit the
    # header timeout already).
    assert still_open >= 0.9 * total, f"only {still_open} of {total} attackers were connected"
    assert attack.closed_by_server == total
