"""Notices benchmark: a code page with active notices (one for everyone, one about the code),
as a first visit and as a returning visitor, against Flask's hello-world under the same
Gunicorn settings; the same method as ``bench_load.py`` (whose helpers it uses): wrk runs
alternating hello, site, hello, site, and the median ratio over the rounds. Target: 0.9.

    .venv/bin/python tests/benchmarks/bench_notices.py [--duration 5] [--rounds 3]

The notices are posted with ``flask notice post`` into the site's database before it starts;
each worker's board polls it every ``NOTICE_POLL_SECONDS`` (2 s) during the runs, as in
production. Exit status 0 when the target is met.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from bench_load import HERE, HOST, PROJECT, free_port, returning_cookie, serve, warm, wrk

PATH = "/codes/0xCAA20003"
TARGET = 0.9
NOTICES = [
    ["--title", "Teams sign-in is down for everyone", "--text", "We *know* and are on it."],
    ["--title", "Proxy change", "--code", "0xCAA20003", "--level", "maintenance", "--no-report"],
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-notices-") as tmp:
        tmp_path = Path(tmp)
        env = {
            "APP_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "LOG_FORMAT": "json",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}",
        }
        flask = str(Path(sys.executable).with_name("flask"))
        for notice in NOTICES:
            subprocess.run(
                [flask, "--app", "webapp", "notice", "post", *notice, "--until", "4h"],
                cwd=PROJECT,
                env={**os.environ, **env},
                check=True,
                capture_output=True,
            )
        site_port, hello_port = free_port(), free_port()
        with (
            serve("webapp:create_app()", site_port, env, tmp_path / "site.log", PROJECT),
            serve("hello:app", hello_port, env, tmp_path / "hello.log", HERE),
        ):
            site, hello = f"http://{HOST}:{site_port}", f"http://{HOST}:{hello_port}"
            warm(site, [PATH])
            with urllib.request.urlopen(site + PATH) as answer:
                page = answer.read().decode()
            assert "Proxy change" in page and "down for everyone" in page, "no notice shown"
            cookie = returning_cookie(site)
            ok = True
            print("| Scenario | Site req/s | Hello req/s | Ratio | Site p99 ms | Errors |")
            print("| --- | ---: | ---: | ---: | ---: | ---: |")
            for name, sent in (("first visit", ""), ("returning visitor", cookie)):
                pairs = []
                for _ in range(args.rounds):
                    hello_run = wrk(hello + "/", args.connections, args.duration, cookie=sent)
                    site_run = wrk(site + PATH, args.connections, args.duration, cookie=sent)
                    pairs.append((site_run, hello_run))
                ratio = statistics.median(
                    s.requests_per_second / h.requests_per_second for s, h in pairs
                )
                errors = sum(s.errors + s.non_2xx_3xx for s, _ in pairs)
                ok &= ratio >= TARGET and errors == 0
                print(
                    f"| Code page with notices, {name} | "
                    f"{statistics.median(s.requests_per_second for s, _ in pairs):,.0f} | "
                    f"{statistics.median(h.requests_per_second for _, h in pairs):,.0f} | "
                    f"{ratio:.2f} | {statistics.median(s.p99_ms for s, _ in pairs):.1f} | "
                    f"{errors} |",
                    flush=True,
                )
    print("\nTarget met." if ok else "\nTarget NOT met.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
