"""Search benchmark over a synthetic content set of 10,000 codes and 500 pages, in English and
with a complete German translation.

Run on demand (never in CI):

    .venv/bin/python tests/benchmarks/bench_search.py [--codes 10000] [--pages 500] [--english-only]

Reports start-up time (content read, Markdown rendered, indexes built, app created), memory, and
per-query latency (median and p99) in each language for exact codes, misspelt codes, one word, a
phrase, a typo and a prefix. Targets: exact code < 0.1 ms, free text < 5 ms at p99, start-up < 3 s
(for one language).
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
import uuid
from collections.abc import Callable
from pathlib import Path

from webapp import create_app
from webapp.search import engine_for
from webapp.search.normalise import normalise_code

WORDS = (
    "sign in account password network proxy server connection certificate clock time date "
    "zone secure channel firewall request timed out resolve name address device laptop phone "
    "teams restart quit settings credentials email organisation policy approval permission "
    "token browser cache update wireless cable router vpn office tenant licence security "
    "authentication factor verification code smart card reader pin expired revoked trusted "
    "domain directory identity session cookie redirect gateway port blocked slow offline"
).split()


GERMAN_WORDS = (
    "anmelden konto passwort kennwort netzwerk proxy server verbindung zertifikat uhr uhrzeit "
    "datum zeitzone sicherer kanal firewall anfrage zeitüberschreitung auflösen name adresse "
    "gerät laptop smartphone teams neustart beenden einstellungen anmeldedaten organisation "
    "richtlinie genehmigung berechtigung token browser zwischenspeicher aktualisierung wlan "
    "kabel router vpn büro mandant lizenz sicherheit authentifizierung faktor bestätigung "
    "code smartcard lesegerät pin abgelaufen widerrufen vertrauenswürdig domäne verzeichnis "
    "identität sitzung cookie umleitung gateway port blockiert langsam offline"
).split()


def sentence(rng: random.Random, n: int, words: list[str] = WORDS) -> str:
    return " ".join(rng.choice(words) for _ in range(n)).capitalize() + "."


def write_synthetic_content(
    root: Path,
    codes: int,
    pages: int,
    seed: int = 7,
    words: list[str] = WORDS,
    translation: bool = False,
) -> list[str]:
    """Write a content folder (or, with ``translation``, its translation); return the codes."""
    rng = random.Random(seed)
    (root / "pages").mkdir(parents=True)
    written = []
    with (root / "codes.toml").open("w", encoding="utf-8") as out:
        for i in range(codes):
            code = f"0xCAA{(0x10000 + i * 7) & 0xFFFFF:05X}"
            if code in written:
                continue
            written.append(code)
            steps = ", ".join(f'"{sentence(rng, 12, words)}"' for _ in range(3))
            keywords = ", ".join(f'"{rng.choice(words)}"' for _ in range(3))
            fixer = "" if translation else 'fixer = "you"\n'
            out.write(
                f'[[code]]\ncode = "{code}"\n{fixer}title = "{sentence(rng, 6, words)}"\n'
                f'summary = "{sentence(rng, 25, words)} {sentence(rng, 15, words)}"\n'
                f'steps = [{steps}]\ncontact_it = "{sentence(rng, 14, words)}"\n'
                f"keywords = [{keywords}]\n\n"
            )
    if not translation:  # a translation falls back to these
        (root / "families.toml").write_text(
            '[[family]]\nprefix = "0xCAA"\nname = "Sign-in"\nsummary = "x"\nsteps = ["x"]\n'
            'contact_it = "x"\n',
            encoding="utf-8",
        )
        (root / "home.md").write_text('+++\ntitle = "Home"\n+++\nWelcome.\n', encoding="utf-8")
    for p in range(pages):
        body = "\n\n".join(
            f"## {sentence(rng, 5, words)} {{#q{s}}}\n\n"
            f"{sentence(rng, 40, words)} {sentence(rng, 30, words)}"
            for s in range(5)
        )
        (root / "pages" / f"page-{p}.md").write_text(
            f'+++\ntitle = "{sentence(rng, 4, words)}"\norder = {p}\n+++\n'
            f"Intro {sentence(rng, 20, words)}\n\n{body}\n",
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


def pasted_block(rng: random.Random, code: str) -> str:
    """A sign-in page's "More details" block with fresh IDs, its code after them."""
    ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(3)]
    return (
        f"Request Id: {ids[0]} Correlation Id: {ids[1]} Timestamp: 2026-12-07T09:14:03Z "
        f"App name: Microsoft Teams App id: {ids[2]} IP address: 203.0.113.{rng.randrange(256)} "
        f"Device platform: Windows 10 Error code: {code}"
    )


def long_paste(rng: random.Random, words: list[str]) -> str:
    """2,000 characters of words and numbers, no code: the longest query the site reads."""
    text = sentence(rng, 400, words) + f" ticket {rng.randrange(10**8, 10**9)}"
    return text[-2000:]


def latency_table(engine, codes: list[str], words: list[str], rounds: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(1)
    sample = rng.sample(codes, 200)
    long_words = [w for w in words if len(w) >= 6]
    cases = {
        "exact code (normalise + look-up)": (
            lambda q: engine.content.code_by_id.get(normalise_code(q)),
            sample,
        ),
        "misspelt code (search)": (engine.search, [misspell(rng, c) for c in sample]),
        "one word": (engine.search, rng.sample(words, 50)),
        "phrase (3 words)": (engine.search, [" ".join(rng.sample(words, 3)) for _ in range(100)]),
        "typo": (engine.search, [typo(rng, w) for w in long_words]),
        "prefix": (engine.search, [w[:4] for w in long_words]),
    }
    # Fresh text each time, in one pass: the code reader's cache never helps with a paste.
    pastes = {
        "pasted block, code after the IDs": [
            pasted_block(rng, c) for c in rng.choices(codes, k=200 * rounds)
        ],
        "2,000 characters, no code": [long_paste(rng, words) for _ in range(50 * rounds)],
    }
    print(f"{'query kind':36} {'median ms':>10} {'p99 ms':>10}")
    for name, (fn, queries) in cases.items():
        for query in queries[:10]:
            fn(query)  # warm caches the way a running worker would have them
        median, p99 = measure(fn, queries, rounds)
        print(f"{name:36} {median:10.3f} {p99:10.3f}")
    for name, queries in pastes.items():
        median, p99 = measure(engine.search, queries, 1)
        print(f"{name:36} {median:10.3f} {p99:10.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=10_000)
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--english-only", action="store_true", help="no German translation")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "content"
        codes = write_synthetic_content(root, args.codes, args.pages)
        if not args.english_only:
            write_synthetic_content(
                root / "de", args.codes, args.pages, seed=8, words=GERMAN_WORDS, translation=True
            )
        gc.collect()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        app = create_app({"CONTENT_DIR": str(root), "SECRET_KEY": "x" * 40})
        startup = time.perf_counter() - started
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    with app.app_context():
        languages = list(app.extensions["search"])
        print(
            f"content: {len(codes)} codes and {args.pages} pages in {len(languages)} "
            f"language(s): {', '.join(languages)}"
        )
        print(f"start-up: {startup:.2f} s")
        print(
            f"memory: peak RSS {rss_before / 1024:.0f} MiB before start-up, "
            f"{rss_after / 1024:.0f} MiB after (+{(rss_after - rss_before) / 1024:.0f} MiB)"
        )
        for language in languages:
            engine = engine_for(language)
            print(
                f"\n[{language}] {len(engine.words.documents)} search documents, "
                f"{len(engine.words.postings)} terms"
            )
            latency_table(engine, codes, WORDS if language == "en" else GERMAN_WORDS, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
