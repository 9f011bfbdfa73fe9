"""What the browser tests share: where the tools are, the page types, and helpers."""

from __future__ import annotations

import os
from pathlib import Path

from webapp.config import PROJECT_ROOT

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Flags that keep Chromium from calling home on a machine whose only network is loopback.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = Path(
    os.environ.get("AXE_CORE_JS", PROJECT_ROOT / "tests/browser/node_modules/axe-core/axe.min.js")
)
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

IT_EMAIL = "help@example.org"
IT_URL = "https://helpdesk.example.org/new-ticket"

# Every kind of page a person can land on: name -> (path, HTTP status).
PAGE_TYPES: dict[str, tuple[str, int]] = {
    "home": ("/", 200),
    "code-table": ("/codes", 200),
    "code": ("/codes/0xCAA20003", 200),
    "code-none": ("/codes/none", 200),
    "aadsts-code": ("/codes/AADSTS50126", 200),
    "unknown-code": ("/codes/0xCAA82F13", 404),
    "unknown-aadsts-code": ("/codes/AADSTS9999999", 404),
    "not-a-code": ("/codes/hello-there", 404),
    "search": ("/search", 200),
    "search-results": ("/search?q=proxy", 200),
    "search-unknown-code": ("/search?q=0xCAA12345", 404),  # lands on the code's page
    "search-no-results": ("/search?q=zebra+xylophone", 200),
    "search-400": ("/search?q=" + "x" * 2001, 400),
    "faq": ("/faq", 200),
    "references": ("/references", 200),
    # The guides: their overview in the navigation, and each guide (long steps, paths in code).
    "guides": ("/guides", 200),
    "first-checks": ("/first-checks", 200),
    "reset-teams": ("/reset-teams", 200),
    "password-and-sign-in-loops": ("/password-and-sign-in-loops", 200),
    "mfa": ("/mfa", 200),
    "phone": ("/phone", 200),
    "messages-without-a-code": ("/messages-without-a-code", 200),
    "for-it": ("/for-it", 200),
    "not-found": ("/no-such-page", 404),
    # The German site: the same checks hold in every language.
    "de-home": ("/de/", 200),
    "de-code-table": ("/de/codes", 200),
    "de-code": ("/de/codes/0xCAA20003", 200),
    "de-aadsts-code": ("/de/codes/AADSTS50126", 200),
    "de-unknown-code": ("/de/codes/0xCAA82F13", 404),
    "de-search-results": ("/de/search?q=Zeit%C3%BCberschreitung", 200),
    "de-search-no-results": ("/de/search?q=Zebra+Xylophon", 200),
    "de-faq": ("/de/faq", 200),
    "de-references": ("/de/references", 200),
    "de-guides": ("/de/guides", 200),
    "de-first-checks": ("/de/first-checks", 200),
    "de-reset-teams": ("/de/reset-teams", 200),
    "de-password-and-sign-in-loops": ("/de/password-and-sign-in-loops", 200),
    "de-mfa": ("/de/mfa", 200),
    "de-phone": ("/de/phone", 200),
    "de-messages-without-a-code": ("/de/messages-without-a-code", 200),
    "de-for-it": ("/de/for-it", 200),
    "de-not-found": ("/de/nirgendwo", 404),
}

# axe-core rule sets: WCAG 2.0 and 2.1, levels A and AA, and Deque's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def describe_violations(violations: list[dict]) -> str:
    """One readable paragraph per axe violation: rule, impact, help, and the elements."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary']}")
    return "\n".join(lines)
