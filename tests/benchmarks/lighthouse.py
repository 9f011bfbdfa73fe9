"""Lighthouse scores for every page type, on demand (never in CI).

    .venv/bin/python tests/benchmarks/lighthouse.py [--desktop] [--only home,code]

Starts the site under Gunicorn (this project's gunicorn.conf.py, so with the production
headers, caching and compression) on a free loopback port, runs Lighthouse from npm in Debian's
Chromium (CHROME_PATH, default /usr/bin/chromium; nothing is downloaded but the npm package,
installed under tests/benchmarks/node_modules, which git ignores), and prints a Markdown table
of the four scores per page type, then every audit that did not pass. JSON reports are kept
under tests/artifacts/lighthouse/.

By default Lighthouse emulates a mid-range phone on a slow 4G connection (its "mobile" preset,
simulated throttling): the harder of its two presets. ``--desktop`` uses the desktop preset.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser.support import CHROMIUM, CHROMIUM_ARGS, PAGE_TYPES  # noqa: E402

LIGHTHOUSE_VERSION = "12.8.2"  # 13 needs Node 22; Debian and this machine have Node 20
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
REPORTS = ROOT / "tests" / "artifacts" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def ensure_lighthouse() -> None:
    if LIGHTHOUSE.exists():
        return
    npm = shutil.which("npm") or sys.exit("npm is needed to install Lighthouse.")
    subprocess.run(
        [npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(HERE),
         f"lighthouse@{LIGHTHOUSE_VERSION}"],
        check=True,
    )  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_site(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "IT_CONTACT_EMAIL": "help@example.org",
        "IT_CONTACT_URL": "https://helpdesk.example.org/new-ticket",
        "LOG_LEVEL": "warning",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "webapp:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.3)
    stop_site(server)
    sys.exit("The site did not start within 30 s.")


def stop_site(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def run_lighthouse(url: str, name: str, desktop: bool, status: int) -> dict:
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = REPORTS / f"{name}{'-desktop' if desktop else ''}.json"
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={flags}",
    ]
    if desktop:
        command.append("--preset=desktop")
    if status != 200:  # a 404 page is meant to answer 404: score it all the same
        command.append("--ignore-status-code")
    chrome = os.environ.get("CHROME_PATH", CHROMIUM)
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": chrome})
    return json.loads(report.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--desktop", action="store_true", help="Lighthouse's desktop preset")
    parser.add_argument("--only", help="comma-separated page types (default: all)")
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(PAGE_TYPES)

    ensure_lighthouse()
    port = free_port()
    server = start_site(port)
    rows, problems = [], []
    try:
        for name in names:
            path, status = PAGE_TYPES[name]
            result = run_lighthouse(f"http://127.0.0.1:{port}{path}", name, args.desktop, status)
            scores = [round(result["categories"][c]["score"] * 100) for c in CATEGORIES]
            rows.append((name, status, scores))
            print(f"{name:22} {' '.join(f'{s:4}' for s in scores)}", file=sys.stderr)
            for category in CATEGORIES:
                for ref in result["categories"][category]["auditRefs"]:
                    audit = result["audits"][ref["id"]]
                    if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                        problems.append(f"{name} · {category} · {audit['id']}: {audit['title']}")
    finally:
        stop_site(server)

    preset = "desktop" if args.desktop else "mobile (slow 4G, mid-range phone)"
    print(f"\nLighthouse {LIGHTHOUSE_VERSION}, {preset}, Chromium at {CHROMIUM}\n")
    print("| Page | Status | Performance | Accessibility | Best practices | SEO |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, status, scores in rows:
        figures = " | ".join(map(str, scores))
        print(f"| {name} `{PAGE_TYPES[name][0][:40]}` | {status} | {figures} |")
    if problems:
        print("\nAudits that did not pass:")
        for problem in problems:
            print(f"- {problem}")


if __name__ == "__main__":
    main()
