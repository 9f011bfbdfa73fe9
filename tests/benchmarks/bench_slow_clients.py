"""Slow clients against Gunicorn alone and against nginx in front of it (deploy/nginx/).

Run on demand: ``.venv/bin/python tests/benchmarks/bench_slow_clients.py [--slow 300]
[--idle 300] [--workers 1]``. Starts the site with the project's Gunicorn settings, opens the
slow connections (one header line every 2 s) and the idle ones, then makes ten normal requests
with a 10 s limit each, and reports how many were answered and how long they took; first with
the attackers on Gunicorn's port, then on nginx's (Debian's nginx and openssl needed).
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import secrets
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import test_reverse_proxy as proxy_test
from support.servers import free_port, start_gunicorn, stop_process, wait_for_server

PATHS = ("/", "/faq", "/codes", "/codes/0xCAA20003", "/search?q=clock") * 2


def normal_request(port: int, context: ssl.SSLContext | None) -> tuple[bool, float]:
    started = time.monotonic()
    if context:
        connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/faq", headers={"Host": proxy_test.HOST})
        ok = connection.getresponse().status == 200
    except OSError:
        ok = False
    finally:
        connection.close()
    return ok, time.monotonic() - started


async def attack(port: int, context: ssl.SSLContext | None, slow: int, idle: int) -> list:
    stop = asyncio.Event()

    async def slow_client(number: int) -> None:
        try:
            reader, writer = await asyncio.open_connection(
                "127.0.0.1", port, ssl=context, server_hostname=proxy_test.HOST if context else None
            )
        except OSError:
            return
        writer.write(f"GET /faq HTTP/1.1\r\nHost: {proxy_test.HOST}\r\n".encode())
        line = 0
        try:
            while not stop.is_set():
                try:
                    if await asyncio.wait_for(reader.read(1024), 2.0) == b"":
                        return
                except TimeoutError:
                    line += 1
                    writer.write(f"X-Slow-{number}-{line}: x\r\n".encode())
                    await writer.drain()
        except (ConnectionError, ssl.SSLError):
            return
        finally:
            writer.close()

    async def idle_client() -> None:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            return
        await stop.wait()
        writer.close()

    tasks = [asyncio.ensure_future(slow_client(n)) for n in range(slow)]
    tasks += [asyncio.ensure_future(idle_client()) for _ in range(idle)]
    await asyncio.sleep(4)
    results = await asyncio.gather(
        *(asyncio.to_thread(normal_request, port, context) for _ in PATHS)
    )
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    return results


def report(name: str, results: list) -> None:
    answered = [seconds for ok, seconds in results if ok]
    median = f"{statistics.median(answered):.2f} s" if answered else "-"
    print(f"{name:<28} {len(answered)} of {len(results)} answered, median {median}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slow", type=int, default=300)
    parser.add_argument("--idle", type=int, default=300)
    parser.add_argument("--workers", default="1")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-slow-"))
    (folder / "acme").mkdir()
    site, port, _ = start_gunicorn(
        folder, APP_ENV="production", SECRET_KEY=secrets.token_hex(32), HTTPS="1",
        PROXY_COUNT="1", TRUSTED_HOSTS=proxy_test.HOST, WEB_CONCURRENCY=args.workers,
    )  # fmt: skip
    try:
        print(f"{args.slow} slow + {args.idle} idle connections, {args.workers} worker(s) x 2")
        report("Gunicorn alone", asyncio.run(attack(port, None, args.slow, args.idle)))
        cert, key = proxy_test.make_certificate(folder)
        http_port, https_port = free_port(), free_port()
        site_file = folder / "signin-help.conf"
        site_file.write_text(proxy_test.site_config(folder, port, http_port, https_port, cert, key))
        conf = folder / "nginx.conf"
        conf.write_text(proxy_test.main_config(folder, site_file))
        nginx = [proxy_test.nginx_binary(), "-p", str(folder), "-c", str(conf)]
        nginx += ["-e", str(folder / "error.log")]
        log = folder / "nginx.out"
        with log.open("wb") as out:
            process = subprocess.Popen(nginx, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_for_server(https_port, process, log, seconds=30)
            context = proxy_test.Proxy(https_port, http_port, cert, folder).context()
            report("Through nginx", asyncio.run(attack(https_port, context, args.slow, args.idle)))
        finally:
            stop_process(process)
    finally:
        stop_process(site)


if __name__ == "__main__":
    main()
