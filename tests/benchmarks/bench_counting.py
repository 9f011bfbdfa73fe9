"""What counting costs a request, without the network: the site's whole WSGI stack called in
this process, counting on and off, against Flask's hello-world, in interleaved rounds.

Run on demand (never in CI), from the project folder:

    .venv/bin/python tests/benchmarks/bench_counting.py [--requests 20000] [--rounds 5]

The load benchmark (bench_load.py) measures the same through Gunicorn and wrk, but on a machine
shared with other work its hello-world runs vary too much to see a few microseconds; here each
round times hello-world, the site with counting and the site without it back to back, and the
median of the rounds is reported. Prometheus runs in its multiprocess mode, as in production.
"""

from __future__ import annotations

import argparse
import io
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def environ(path: str, **headers: str) -> dict:
    target, _, query = path.partition("?")
    env = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": target,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_ACCEPT_ENCODING": "gzip",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    env.update({"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()})
    return env


def per_request_us(app, paths: list[str], requests: int) -> float:
    def start_response(status, headers, exc_info=None):
        return None

    started = time.perf_counter()
    for i in range(requests):
        body = app(environ(paths[i % len(paths)]), start_response)
        for _ in body:
            pass
        if hasattr(body, "close"):
            body.close()
    return (time.perf_counter() - started) / requests * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-counting-"))
    (folder / "prometheus").mkdir()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder / "prometheus")  # before the import
    sys.path.insert(0, str(HERE))
    import logging

    from hello import app as hello

    import webapp.counting
    from webapp import create_app

    site = create_app(
        {
            "APP_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "LOG_FORMAT": "json",
            "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
            "PROMETHEUS_MULTIPROC_DIR": str(folder / "prometheus"),
        }
    )
    logging.disable(logging.WARNING)
    counting_call = webapp.counting.Counting.__call__

    def not_counting(self, environ, start_response):
        return self.wsgi_app(environ, start_response)

    scenarios = {
        "Code page": ["/codes/0xCAA20003"],
        "Search that lands on a code": ["/search?q=0xcaa20003", "/codes/0xCAA20003"],
        "Search that finds nothing": ["/search?q=zebra+crossing"],
    }
    for paths in scenarios.values():  # rendered once, then from the page cache
        per_request_us(site.wsgi_app, paths, 10)
    print(f"{args.rounds} rounds of {args.requests} requests each, in this process\n")
    print(
        "| Scenario | Hello µs | Site µs, counting | Site µs, not counting | Counting costs µs "
        "| Ratio to hello, counting |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, paths in scenarios.items():
        rounds = []
        for _ in range(args.rounds):
            hello_us = per_request_us(hello.wsgi_app, ["/"], args.requests)
            webapp.counting.Counting.__call__ = counting_call
            on = per_request_us(site.wsgi_app, paths, args.requests)
            webapp.counting.Counting.__call__ = not_counting
            off = per_request_us(site.wsgi_app, paths, args.requests)
            webapp.counting.Counting.__call__ = counting_call
            rounds.append((hello_us, on, off))
        hello_us = statistics.median(r[0] for r in rounds)
        on = statistics.median(r[1] for r in rounds)
        off = statistics.median(r[2] for r in rounds)
        ratio = statistics.median(r[0] / r[1] for r in rounds)
        print(f"| {name} | {hello_us:.0f} | {on:.0f} | {off:.0f} | {on - off:.1f} | {ratio:.2f} |")
    site.extensions["storage"].flush(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
