"""Load benchmark: the site under Gunicorn against Flask's hello-world under the same settings.

Run on demand (never in CI), from the project folder, with ``wrk`` installed
(``apt-get install wrk``):

    .venv/bin/python tests/benchmarks/bench_load.py [--duration 10] [--rounds 3]

It starts both applications with ``gunicorn.conf.py`` on free loopback ports (127.0.0.1 only),
then drives them with ``wrk`` in turns (hello, site, hello, site, ...) so both see the same
machine, and reports each scenario's throughput as a ratio site / hello-world: the median over
the rounds of each site run against the hello run just before it. Each page type is measured
twice: as a first visit (no cookie) and as a returning visitor, who sends back the session
cookie the feedback step gave them. Target: 0.9 or more for every page type.

Then it holds the site at 256 concurrent connections for 30 s on a mix of pages (no errors, no
timeouts, a p99 under 200 ms) while sampling the workers' memory every second: the resident
size at the end must be within 10% (and 16 MB) of the size after warm-up.

Every request sends ``Accept-Encoding: gzip``, as browsers do. The site runs with
``APP_ENV=production``, a strong key and ``LOG_FORMAT=json``; both servers write their access
logs to a temporary file, so logging is part of the cost, equally.

The exit status is 0 when every target is met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent.parent
HOST = "127.0.0.1"  # never anything but this machine

# name, address on the site, target ratio (None: reported only). An address ending in "+n" gets
# a new number as a word of its query on each request: the page cache never has it (an unread
# query argument would not do: the cache ignores it), so that row measures the search itself
# (engine, template, compression), as for a query nobody asked before.
# "{static}" is the hashed address of site.css, read from the home page.
SCENARIOS: list[tuple[str, str, float | None]] = [
    ("Code page", "/codes/0xCAA20003", 0.9),
    ("Code no entry has (explained by its family)", "/codes/0xCAA2FFFF", 0.9),
    ("FAQ", "/faq", 0.9),
    ("Code table", "/codes", 0.9),
    ("Word search", "/search?q=proxy", 0.9),
    ("Search that finds nothing", "/search?q=zebra+crossing", 0.9),
    ("Static file", "{static}", 0.9),
    ("German code page", "/de/codes/0xCAA20003", 0.9),
    ("German FAQ", "/de/faq", 0.9),
    ("French code page", "/fr/codes/0xCAA20003", 0.9),
    ("Spanish word search", "/es/search?q=contrase%C3%B1a", 0.9),
    ("Search for a code (303)", "/search?q=0xcaa20003", None),
    # A search that lands on a code: the 303, then the code page, where the lookup counts.
    ("Search that lands on a code", "/search?q=0xcaa20003|/codes/0xCAA20003", 0.9),
    ("Word search, never asked before", "/search?q=proxy+n", None),
]
P99_LIMIT_MS = 200.0
# wrk script giving each request of a "+n" address its own number.
NEW_EACH_TIME = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. counter)
end
"""
# wrk script asking the addresses of a "a|b" scenario in turn.
IN_TURN = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, paths[(counter %% #paths) + 1])
end
"""
STRESS_PATHS = ["/codes/0xCAA20003", "/search?q=proxy", "/faq", "/api/search?q=clock", "/"]


@dataclass
class WrkResult:
    requests_per_second: float
    requests: int
    errors: int  # connect/read/write/timeout errors
    non_2xx_3xx: int  # answers with a 4xx or 5xx status
    p99_ms: float


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def gunicorn_binary() -> str:
    local = Path(sys.executable).with_name("gunicorn")
    return str(local) if local.exists() else "gunicorn"


@contextlib.contextmanager
def serve(app: str, port: int, env: dict[str, str], log: Path, cwd: Path) -> Iterator[int]:
    """Run ``gunicorn -c gunicorn.conf.py APP`` on 127.0.0.1:port; yield the master's pid."""
    command = [gunicorn_binary(), "-c", str(PROJECT / "gunicorn.conf.py"), app]
    environ = {**os.environ, **env, "BIND": f"{HOST}:{port}"}
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, cwd=cwd, env=environ, stdout=out, stderr=out, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(f"{app} exited with {process.returncode}; see {log}")
            try:
                with urllib.request.urlopen(f"http://{HOST}:{port}/", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"{app} did not answer within 60 s; see {log}") from None
                time.sleep(0.2)
        yield process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wrk(url: str, connections: int, duration: int, threads: int = 1, cookie: str = "") -> WrkResult:
    script = []
    if url.endswith("+n"):
        path = Path(tempfile.gettempdir()) / "bench-load-new-each-time.lua"
        path.write_text(NEW_EACH_TIME)
        script = ["-s", str(path)]
    elif "|" in url:
        base, first = url.split("/", 3)[:3], url.split("/", 3)[3]
        paths = ["/" + first.split("|")[0], *first.split("|")[1:]]
        path = Path(tempfile.mkstemp(prefix="bench-load-in-turn-", suffix=".lua")[1])
        path.write_text(IN_TURN % ", ".join(f'"{p}"' for p in paths))
        script = ["-s", str(path)]
        url = "/".join(base) + paths[0]
    command = [
        "wrk",
        *script,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "5s",
        "--latency",
        "-H",
        "Accept-Encoding: gzip",
        *(["-H", f"Cookie: {cookie}"] if cookie else []),
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    requests = int(re.search(r"(\d+) requests in", output)[1])
    errors = non_2xx_3xx = 0
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(n) for n in match.groups())
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        non_2xx_3xx = int(match[1])
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", output)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    p99_ms = float(p99[1]) * scale[p99[2]] if p99 else 0.0
    return WrkResult(rps, requests, errors, non_2xx_3xx, p99_ms)


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    try:
        return [int(pid) for pid in children.read_text().split()]
    except OSError:
        return []


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def workers_rss(master: int) -> float:
    return sum(rss_mb(pid) for pid in worker_pids(master))


def warm(base: str, paths: list[str]) -> None:
    """Ask each address a few times, so every worker has rendered and cached it."""
    for _ in range(20):
        for path in paths:
            with contextlib.suppress(OSError), urllib.request.urlopen(base + path, timeout=5):
                pass


def stress(base: str, master: int, duration: int, connections: int) -> tuple[bool, list[str]]:
    """Many connections on a mix of pages, one wrk per path in parallel; memory sampled."""
    warm(base, STRESS_PATHS)
    samples: list[float] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            samples.append(workers_rss(master))
            stop.wait(1.0)

    # Let memory settle under load before taking the reference size.
    wrk(base + STRESS_PATHS[0], connections, 5)
    start = workers_rss(master)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    per_path = max(1, connections // len(STRESS_PATHS))
    results: dict[str, WrkResult] = {}

    def run(path: str) -> None:
        results[path] = wrk(base + path, per_path, duration)

    threads = [threading.Thread(target=run, args=(path,)) for path in STRESS_PATHS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    sampler.join()
    end = workers_rss(master)
    total = sum(r.requests for r in results.values())
    errors = sum(r.errors + r.non_2xx_3xx for r in results.values())
    peak = max(samples or [end])
    growth = end - start
    memory_ok = growth <= max(16.0, 0.10 * start) if start else False
    worst_p99 = max(r.p99_ms for r in results.values())
    lines = [
        f"{per_path * len(STRESS_PATHS)} connections for {duration} s on "
        f"{len(STRESS_PATHS)} addresses: {total} requests, "
        f"{sum(r.requests_per_second for r in results.values()):.0f} requests/s, "
        f"{errors} errors, worst p99 {max(r.p99_ms for r in results.values()):.1f} ms",
        f"Workers' memory (RSS, all workers): {start:.1f} MB after warm-up, "
        f"{peak:.1f} MB peak, {end:.1f} MB at the end ({growth:+.1f} MB)",
    ]
    return errors == 0 and memory_ok and worst_p99 < P99_LIMIT_MS, lines


def returning_cookie(base: str) -> str:
    """The session cookie a returning visitor sends: the one the step after No gave them."""
    request = urllib.request.Request(
        base + "/feedback",
        data=b"about=code%3A0xCAA20003&helpful=no",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # keep the 303 and its cookie
            return None

    try:
        urllib.request.build_opener(NoRedirect).open(request, timeout=5)
    except urllib.error.HTTPError as answer:
        cookie = answer.headers.get("Set-Cookie", "")
    else:
        raise SystemExit("the feedback post did not redirect")
    return cookie.split(";", 1)[0]


def static_address(base: str) -> str:
    with urllib.request.urlopen(base + "/", timeout=5) as answer:
        html = answer.read().decode()
    return re.search(r'href="(/static/site\.[0-9a-f]+\.css)"', html)[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each, alternating")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--stress-duration", type=int, default=30)
    parser.add_argument("--stress-connections", type=int, default=256)
    parser.add_argument(
        "--only", default="", help="only the scenarios whose name has this (or, a,b: any of them)"
    )
    parser.add_argument("--no-stress", action="store_true", help="skip the 256-connection run")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        tmp_path = Path(tmp)
        env = {
            "APP_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "LOG_FORMAT": "json",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}",
            # Counting as in production: prometheus_client's multiprocess mode too.
            "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
        }
        (tmp_path / "prometheus").mkdir()
        site_port, hello_port = free_port(), free_port()
        site_log, hello_log = tmp_path / "site.log", tmp_path / "hello.log"
        with (
            serve("webapp:create_app()", site_port, env, site_log, PROJECT) as site_master,
            serve("hello:app", hello_port, env, hello_log, HERE),
        ):
            site, hello = f"http://{HOST}:{site_port}", f"http://{HOST}:{hello_port}"
            static = static_address(site)
            scenarios = [
                (n, p.replace("{static}", static), t)
                for n, p, t in SCENARIOS
                if any(part in n for part in args.only.split(","))
            ]
            warm(
                site,
                [p for _, path, _ in scenarios if not path.endswith("+n") for p in path.split("|")],
            )
            cookie = returning_cookie(site)
            workers = len(worker_pids(site_master))
            print(
                f"Gunicorn: {workers} workers; wrk: {args.connections} connections, "
                f"{args.duration} s per run, median of {args.rounds} alternating rounds\n"
            )
            hello_runs: list[WrkResult] = []
            rows, ok = [], True
            runs = [(name, path, target, "") for name, path, target in scenarios]
            runs += [(f"{n}, returning visitor", p, t, cookie) for n, p, t in scenarios if t]
            for name, path, target, sent_cookie in runs:
                # hello, site, hello, site, ...: each site run is compared with the hello run
                # just before it, so that a busy machine slows both sides of each pair alike.
                pairs = []
                for _ in range(args.rounds):
                    hello_run = wrk(
                        hello + "/", args.connections, args.duration, cookie=sent_cookie
                    )
                    site_run = wrk(site + path, args.connections, args.duration, cookie=sent_cookie)
                    hello_runs.append(hello_run)
                    pairs.append((site_run, hello_run))
                ratio = statistics.median(
                    s.requests_per_second / h.requests_per_second for s, h in pairs
                )
                site_rps = statistics.median(s.requests_per_second for s, _ in pairs)
                hello_rps = statistics.median(h.requests_per_second for _, h in pairs)
                p99 = statistics.median(s.p99_ms for s, _ in pairs)
                # A code no entry has is meant to answer 404; anything else must be 2xx/3xx.
                errors = sum(s.errors + (0 if "FFFF" in path else s.non_2xx_3xx) for s, _ in pairs)
                met = (target is None or ratio >= target) and errors == 0
                ok &= met
                rows.append(
                    f"| {name} | `{path}` | {site_rps:,.0f} | {hello_rps:,.0f} | {ratio:.2f} | "
                    f"{'≥ ' + format(target, '.1f') if target else '-'} | {p99:.1f} | "
                    f"{errors} | {'yes' if met else 'NO'} |"
                )
                print(rows[-1], flush=True)
            spread = statistics.pstdev(r.requests_per_second for r in hello_runs)
            mean = statistics.mean(r.requests_per_second for r in hello_runs)
            print(f"\nhello-world over all its runs: {mean:,.0f} requests/s ± {spread:,.0f}\n")
            print(
                "| Scenario | Address | Site req/s | Hello req/s | Ratio | Target | "
                "Site p99 ms | Errors | Met |"
            )
            print("| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | --- |")
            print("\n".join(rows))
            if not args.no_stress:
                stress_ok, lines = stress(
                    site, site_master, args.stress_duration, args.stress_connections
                )
                print()
                print("\n".join(lines))
                ok &= stress_ok
        print("\nAll targets met." if ok else "\nSome targets were NOT met.")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
