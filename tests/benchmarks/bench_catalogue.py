"""Benchmark the shipped catalogue: start-up, memory, code look-up and word search.

Run on demand (never in CI):

    .venv/bin/python tests/benchmarks/bench_catalogue.py [--rounds 5]

Start-up is timed in a fresh process each round (content read, Markdown rendered, indexes built,
app created, every language), interleaved with the same over the small test content as the
baseline, so a noisy machine moves both. Look-up times every catalogue code in the spellings
people type (canonical, lower case, with spaces, inside a pasted message, bare number).
Targets (issue "Every code a Teams sign-in shows"): start-up under 1 s, look-up under 0.1 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "content"
SHIPPED = ROOT / "content"

CHILD = """
import json, resource, sys, tempfile, time
database = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
start = time.perf_counter()
from webapp import create_app
imported = time.perf_counter()
create_app({"TESTING": True, "SECRET_KEY": "bench-" + "x" * 40, "CONTENT_DIR": sys.argv[1],
            "DATABASE_URL": database})
done = time.perf_counter()
print(json.dumps({"imports": imported - start, "app": done - imported,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


# Ten searches people type, per language: the same ten problems in each.
WORDS = {
    "en": ["password", "conditional access", "proxy", "certificate", "account locked",
           "clock", "mfa", "timed out", "licence", "sign in again"],
    "de": ["Kennwort", "bedingter Zugriff", "Proxy", "Zertifikat", "Konto gesperrt",
           "Uhrzeit", "MFA", "Zeitüberschreitung", "Lizenz", "erneut anmelden"],
    "fr": ["mot de passe", "accès conditionnel", "proxy", "certificat", "compte verrouillé",
           "horloge", "MFA", "délai dépassé", "licence", "se reconnecter"],
    "es": ["contraseña", "acceso condicional", "proxy", "certificado", "cuenta bloqueada",
           "reloj", "MFA", "tiempo de espera", "licencia", "volver a iniciar sesión"],
}  # fmt: skip


def start_up(content: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(content)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def timed(call, arguments: list[str]) -> list[float]:  # type: ignore[no-untyped-def]
    """Seconds each call took."""
    timings = []
    for argument in arguments:
        began = time.perf_counter()
        call(argument)
        timings.append(time.perf_counter() - began)
    return timings


def spellings(code: str) -> list[str]:
    if code.startswith("AADSTS"):
        number = code[6:]
        return [code, code.lower(), f"AADSTS {number}", f"Error Code: {number}", number,
                f"Sign-in failed. {code}: something went wrong. Trace ID: 0a1b2c3d"]  # fmt: skip
    return [code, code.lower(), f"{code[2:6]} {code[6:]}", f"error {code.lower()} at sign-in"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))

    shipped, baseline = [], []
    for _ in range(args.rounds):  # interleaved
        baseline.append(start_up(FIXTURE))
        shipped.append(start_up(SHIPPED))
    for name, runs in (("test content (baseline)", baseline), ("shipped content", shipped)):
        app = statistics.median(r["app"] for r in runs)
        imports = statistics.median(r["imports"] for r in runs)
        rss = statistics.median(r["rss_mb"] for r in runs)
        print(
            f"start-up, {name}: app {app:.3f} s (+ imports {imports:.3f} s), peak RSS {rss:.0f} MB"
        )

    from webapp.content import load_site
    from webapp.search.engine import SearchEngine
    from webapp.search.normalise import normalise_code

    site = load_site(SHIPPED)
    for language, content in site.contents.items():
        engine = SearchEngine(content)
        codes = [e.code for e in content.codes if e.code != "none"]
        queries = [typed for code in codes for typed in spellings(code)]
        normalise_code.cache_clear()  # a worker meeting each spelling for the first time
        cold = timed(engine.resolve, queries)
        timings = timed(engine.resolve, queries * 3)  # cached, as in a running worker
        search = timed(engine.search, WORDS.get(language, WORDS["en"]) * 20)
        ms = 1e3
        print(
            f"{language}: {len(codes)} codes, {len(queries)} spellings; look-up median "
            f"{statistics.median(timings) * ms:.4f} ms, p99 {percentile(timings, 0.99) * ms:.4f}"
            f" ms (uncached normaliser: p99 {percentile(cold, 0.99) * ms:.4f} ms); word search "
            f"median {statistics.median(search) * ms:.2f} ms, "
            f"p99 {percentile(search, 0.99) * ms:.2f} ms"
        )


if __name__ == "__main__":
    main()
