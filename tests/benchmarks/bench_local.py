"""Benchmark a local folder (LOCAL_CONTENT_DIR) of 200 entries over the shipped catalogue
against the same 200 entries shipped: start-up and word search.

Run on demand (never in CI):

    .venv/bin/python tests/benchmarks/bench_local.py [--rounds 5] [--entries 200]

Each round starts a fresh process per layout, interleaved (shipped, local, shipped, local, …),
so a noisy machine moves both alike; the figure that matters is the ratio. Each process creates
the app (content read and merged, Markdown rendered, indexes built, both languages), timed by
the wall clock and in CPU time (which another process's load moves less), then times word
searches on the English engine (not through the page cache), among them words only the 200
entries hold.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "content"
QUERIES = ["password", "clock", "vpn tunnel", "proxy", "benchmark widget", "gadget 17", "mfa"]

CHILD = """
import json, sys, tempfile, time
database = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
from webapp import create_app
from webapp.search import engine_for
settings = {"TESTING": True, "SECRET_KEY": "bench-" + "x" * 40, "CONTENT_DIR": sys.argv[1],
            "DATABASE_URL": database}
if sys.argv[2]:
    settings["LOCAL_CONTENT_DIR"] = sys.argv[2]
start, cpu = time.perf_counter(), time.process_time()
app = create_app(settings)
started, started_cpu = time.perf_counter() - start, time.process_time() - cpu
queries = json.loads(sys.argv[3])
timings = []
with app.app_context():
    engine = engine_for("en")
    for _ in range(30):
        for query in queries:
            began = time.perf_counter()
            assert engine.search(query).hits is not None
            timings.append(time.perf_counter() - began)
timings.sort()
print(json.dumps({"start": started, "start_cpu": started_cpu,
                  "median": timings[len(timings) // 2],
                  "p99": timings[int(0.99 * len(timings))]}))
"""


def entries(count: int) -> str:
    """``count`` complete [[code]] entries with named codes and words of their own."""
    tables = []
    for number in range(count):
        tables.append(
            f"""[[code]]
code = "ContosoBench{number:04d}"
fixer = "it"
title = "Benchmark widget {number} stopped"
summary = "The **Contoso** benchmark widget {number} stopped: gadget {number} cannot sign in."
steps = ["Restart gadget {number}.", "Open the widget console and check the tunnel."]
contact_it = "Tell the widget team about gadget {number}."
keywords = ["widget", "gadget {number}"]
"""
        )
    return "\n".join(tables)


def layouts(work: Path, count: int) -> dict[str, tuple[Path, str]]:
    """The shipped catalogue with the entries shipped, and the same entries in a local folder."""
    shipped = work / "shipped"
    shutil.copytree(SHIPPED, shipped)
    (shipped / "catalogue" / "zz-bench.toml").write_text(entries(count), encoding="utf-8")
    local = work / "local"
    (local / "catalogue").mkdir(parents=True)
    (local / "catalogue" / "bench.toml").write_text(entries(count), encoding="utf-8")
    return {"shipped": (shipped, ""), "local": (SHIPPED, str(local))}


def run(content: Path, local: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(content), local, json.dumps(QUERIES)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--entries", type=int, default=200)
    args = parser.parse_args()
    with open("/proc/loadavg") as loadavg:
        print(f"load average before: {loadavg.read().split()[0]}")
    results: dict[str, list[dict[str, float]]] = {"shipped": [], "local": []}
    with tempfile.TemporaryDirectory() as work:
        setups = layouts(Path(work), args.entries)
        for _ in range(args.rounds):
            for name, (content, local) in setups.items():
                results[name].append(run(content, local))
    with open("/proc/loadavg") as loadavg:
        print(f"load average after: {loadavg.read().split()[0]}")
    medians = {
        name: {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
        for name, rounds in results.items()
    }
    print(f"{args.entries} entries, median of {args.rounds} interleaved rounds")
    print(f"{'':32}{'shipped':>10}{'local':>10}{'ratio':>8}")
    for key, label, scale in (
        ("start", "start-up, wall clock (s)", 1),
        ("start_cpu", "start-up, CPU time (s)", 1),
        ("median", "word search, median (ms)", 1000),
        ("p99", "word search, p99 (ms)", 1000),
    ):
        a, b = medians["shipped"][key] * scale, medians["local"][key] * scale
        print(f"{label:32}{a:>10.3f}{b:>10.3f}{b / a:>8.2f}")


if __name__ == "__main__":
    main()
