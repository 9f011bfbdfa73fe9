"""Search benchmark over a synthetic content set of 10,000 codes and 500 pages.

Run on demand (never in CI):

    .venv/bin/python tests/benchmarks/bench_search.py [--codes 10000] [--pages 500]

Reports start-up time (content read, Markdown rendered, index built, app created), memory, and
per-query latency (median and p99) for exact codes, misspelt codes, one word, a phrase and a
typo. Targets: exact code < 0.1 ms, free text < 5 ms at p99, start-up < 3 s.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from webapp import create_app
from webapp.search import current_engine
from webapp.search.codes import normalise_code

WORDS = (
    "sign in account password network proxy server connection certificate clock time date "
    "zone secure channel firewall request timed out resolve name address device laptop phone "
    "teams restart quit settings credentials email organisation policy approval permission "
    "token browser cache update wireless cable router vpn office tenant licence security "
    "authentication factor verification code smart card reader pin expired revoked trusted "
    "domain directory identity session cookie redirect gateway port blocked slow offline"
).split()


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def write_synthetic_content(root: Path, codes: int, pages: int, seed: int = 7) -> list[str]:
    """Write a content folder; return the codes written."""
    rng = random.Random(seed)
    (root / "pages").mkdir(parents=True)
    written = []
    with (root / "codes.toml").open("w", encoding="utf-8") as out:
        for i in range(codes):
            code = f"0xCAA{(0x10000 + i * 7) & 0xFFFFF:05X}"
            if code in written:
                continue
            written.append(code)
            steps = ", ".join(f'"{sentence(rng, 12)}"' for _ in range(3))
            keywords = ", ".join(f'"{rng.choice(WORDS)}"' for _ in range(3))
            out.write(
                f'[[code]]\ncode = "{code}"\ntitle = "{sentence(rng, 6)}"\n'
                f'summary = "{sentence(rng, 25)} {sentence(rng, 15)}"\n'
                f'steps = [{steps}]\ncontact_it = "{sentence(rng, 14)}"\n'
                f"keywords = [{keywords}]\n\n"
            )
    (root / "families.toml").write_text(
        '[[family]]\nprefix = "0xCAA"\nname = "Sign-in"\nsummary = "x"\nsteps = ["x"]\n'
        'contact_it = "x"\n',
        encoding="utf-8",
    )
    (root / "wininet.toml").write_text(
        '[[error]]\nnumber = 12002\nname = "ERROR_INTERNET_TIMEOUT"\ntitle = "Timed out"\n'
        'meaning = "x"\n',
        encoding="utf-8",
    )
    (root / "home.md").write_text('+++\ntitle = "Home"\n+++\nWelcome.\n', encoding="utf-8")
    for p in range(pages):
        body = "\n\n".join(
            f"## {sentence(rng, 5)} {{#q{s}}}\n\n{sentence(rng, 40)} {sentence(rng, 30)}"
            for s in range(5)
        )
        (root / "pages" / f"page-{p}.md").write_text(
            f'+++\ntitle = "{sentence(rng, 4)}"\norder = {p}\n+++\nIntro {sentence(rng, 20)}\n\n'
            f"{body}\n",
            encoding="utf-8",
        )
    return written


def measure(fn: Callable[[str], object], queries: list[str], rounds: int) -> tuple[float, float]:
    """Median and p99 latency in milliseconds over ``rounds`` passes of ``queries``."""
    samples = []
    for _ in range(rounds):
        for query in queries:
            start = time.perf_counter_ns()
            fn(query)
            samples.append((time.perf_counter_ns() - start) / 1e6)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def misspell(rng: random.Random, code: str) -> str:
    """A code as people mistype it: lower case, O for 0, spaces."""
    digits = code[2:].lower().replace("0", "o")
    return f"{digits[:4]} {digits[4:]}"


def typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=10_000)
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "content"
        codes = write_synthetic_content(root, args.codes, args.pages)
        gc.collect()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        app = create_app({"CONTENT_DIR": str(root), "SECRET_KEY": "x" * 40})
        startup = time.perf_counter() - started
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    rng = random.Random(1)
    with app.app_context():
        engine = current_engine()
        sample = rng.sample(codes, 200)
        long_words = [w for w in WORDS if len(w) >= 6]
        cases = {
            "exact code (normalise + look-up)": (
                lambda q: engine.lookup(normalise_code(q)),
                sample,
            ),
            "misspelt code (search)": (engine.search, [misspell(rng, c) for c in sample]),
            "one word": (engine.search, rng.sample(WORDS, 50)),
            "phrase (3 words)": (
                engine.search,
                [" ".join(rng.sample(WORDS, 3)) for _ in range(100)],
            ),
            "typo": (engine.search, [typo(rng, w) for w in long_words]),
            "prefix": (engine.search, [w[:4] for w in long_words]),
        }
        print(
            f"content: {len(codes)} codes, {args.pages} pages "
            f"({len(engine.words.documents)} search documents, "
            f"{len(engine.words.postings)} terms)"
        )
        print(f"start-up: {startup:.2f} s")
        print(
            f"memory: peak RSS {rss_before / 1024:.0f} MiB before start-up, "
            f"{rss_after / 1024:.0f} MiB after (+{(rss_after - rss_before) / 1024:.0f} MiB)"
        )
        print(f"{'query kind':36} {'median ms':>10} {'p99 ms':>10}")
        for name, (fn, queries) in cases.items():
            for query in queries[:10]:
                fn(query)  # warm caches the way a running worker would have them
            median, p99 = measure(fn, queries, args.rounds)
            print(f"{name:36} {median:10.3f} {p99:10.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
