"""Internal links in the content: each must lead to a code, page or heading that exists."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from webapp.content.model import table_anchor


def link_checker(
    codes: set[str], pages: dict[str, frozenset[str]]
) -> Callable[[str, str], str | None]:
    """A function that says what is wrong with an internal link, or None when it resolves.

    ``pages`` maps each page's slug (``""`` for the home page) to its heading ids."""
    code_table_anchors = frozenset(table_anchor(c) for c in codes)

    def check(href: str, own_slug: str) -> str | None:
        if href.startswith("mailto:") or href.startswith("tel:"):
            return None
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            return None  # external: not ours to check
        path, anchor = parts.path, parts.fragment
        if not path:
            anchors = pages.get(own_slug)
            if anchors is None:
                return "a link to '#…' only works inside a page; write the full path"
            return None if anchor in anchors else f"no heading with id '{anchor}' on this page"
        if not path.startswith("/"):
            return "internal links must start with '/' (for example /codes or /faq)"
        if path in ("/", "/search"):
            return None
        if path == "/codes":
            if anchor and anchor not in code_table_anchors:
                return f"the code table has no row '#{anchor}'"
            return None
        if path.startswith("/codes/"):
            code = path.removeprefix("/codes/")
            return None if code in codes else f"no code {code} in the code table"
        slug = path.strip("/")
        if slug not in pages:
            return f"no page at {path}"
        if anchor and anchor not in pages[slug]:
            return f"page {path} has no heading with id '{anchor}'"
        return None

    return check
