"""What the browser tests share: where the tools are, the page types, and helpers."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

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
    "code-table-narrowed": ("/codes?family=0xCAA2&fixer=you", 200),
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
    "de-code-table-narrowed": ("/de/codes?q=kennwort", 200),
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
    # French and Spanish: each kind of page once, in the words people there type.
    "fr-home": ("/fr/", 200),
    "fr-code-table": ("/fr/codes", 200),
    "fr-code": ("/fr/codes/0xCAA20003", 200),
    "fr-aadsts-code": ("/fr/codes/AADSTS50126", 200),
    "fr-unknown-code": ("/fr/codes/0xCAA82F13", 404),
    "fr-search-results": ("/fr/search?q=mot+de+passe", 200),
    "fr-search-no-results": ("/fr/search?q=z%C3%A8bre+xylophone", 200),
    "fr-faq": ("/fr/faq", 200),
    "fr-mfa": ("/fr/mfa", 200),
    "fr-for-it": ("/fr/for-it", 200),
    "fr-not-found": ("/fr/nulle-part", 404),
    "es-home": ("/es/", 200),
    "es-code-table": ("/es/codes", 200),
    "es-code": ("/es/codes/0xCAA20003", 200),
    "es-aadsts-code": ("/es/codes/AADSTS50126", 200),
    "es-unknown-code": ("/es/codes/0xCAA82F13", 404),
    "es-search-results": ("/es/search?q=contrase%C3%B1a", 200),
    "es-search-no-results": ("/es/search?q=cebra+xil%C3%B3fono", 200),
    "es-faq": ("/es/faq", 200),
    "es-reset-teams": ("/es/reset-teams", 200),
    "es-phone": ("/es/phone", 200),
    "es-not-found": ("/es/ninguna-parte", 404),
}
# The translations the shipped content has, by the prefix of their page types.
TRANSLATIONS = ("de", "fr", "es")


def page_language(page_type: str) -> str:
    """The language a page type is in: its prefix ("de-home"), or English."""
    prefix = page_type.split("-", 1)[0]
    return prefix if prefix in TRANSLATIONS else "en"


@functools.cache
def _catalogue(language: str) -> Catalog:
    with (PROJECT_ROOT / "content" / language / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def interface_string(language: str, text: str) -> str:
    """An interface string as the page in ``language`` shows it (from its catalogue)."""
    if language == "en":
        return text
    return _catalogue(language)[text].string or text


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
