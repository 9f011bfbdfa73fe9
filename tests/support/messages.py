"""The prepared message for IT as a code page offers it: the editable text and the e-mail."""

from __future__ import annotations

import html
from urllib.parse import parse_qs, urlsplit


def message_for_it(page: str) -> str:
    """The text of the page's message for IT, as the person sees it in the box."""
    start = page.index('id="it-message"')
    return html.unescape(page[page.index(">", start) + 1 : page.index("</textarea>", start)])


def mailto_of(page: str) -> str:
    """The address of the page's "Email" button."""
    start = page.index('href="mailto:') + len('href="')
    return html.unescape(page[start : page.index('"', start)])


def subject_and_body(mailto: str) -> tuple[str, str]:
    """The subject and body a mailto: link opens the e-mail with."""
    query = parse_qs(urlsplit(mailto).query)
    return query["subject"][0], query["body"][0]
