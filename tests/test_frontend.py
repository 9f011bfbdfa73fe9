"""The front end stays small, self-contained and compatible with a strict CSP: no inline script
or style, no third-party requests, no web fonts, no framework."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from webapp.config import PROJECT_ROOT

TEMPLATES = sorted((PROJECT_ROOT / "templates").rglob("*.html"))
STATIC = PROJECT_ROOT / "static"


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_templates_have_no_inline_script_style_or_handlers(template) -> None:
    html = template.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html), "inline <script>"
    assert "<style" not in html, "inline <style>"
    assert not re.search(r"\sstyle\s*=", html), "style attribute"
    assert not re.search(r"\son[a-z]+\s*=", html), "event handler attribute"
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?(?:https?:)?//""", html), (
        "a third-party address"
    )


@pytest.mark.parametrize(
    "url",
    ["/", "/codes", "/codes/0xCAA20003", "/codes/0xCAA82EFD", "/search?q=clock", "/faq", "/nope"],
)
def test_rendered_pages_load_only_our_own_files(client: FlaskClient, url: str) -> None:
    html = client.get(url).get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html)
    assert not re.search(r"\sstyle\s*=", html)
    loads = re.findall(r'<(?:script|img)[^>]*\ssrc="([^"]+)"', html) + [
        re.search(r'\shref="([^"]+)"', tag)[1]
        for tag in re.findall(r"<link[^>]*>", html)
        if re.search(r'\srel="(?:stylesheet|icon|preload|modulepreload|manifest)"', tag)
    ]
    assert len(loads) >= 3
    for address in loads:
        assert address.startswith("/") and not address.startswith("//"), address


def test_static_files_stay_small_and_self_contained() -> None:
    css = (STATIC / "site.css").read_text(encoding="utf-8")
    js = (STATIC / "site.js").read_text(encoding="utf-8")
    # A budget, so that the site stays fast on a phone: both files together, uncompressed.
    assert len(css.encode()) + len(js.encode()) < 40_000
    assert "@font-face" not in css and "@import" not in css and "url(" not in css
    assert not re.search(r"https?://", css + js)
    # Text from the API is inserted as text, never as HTML; nothing is evaluated.
    assert "innerHTML" not in js and "eval(" not in js and "new Function" not in js
    assert '.setAttribute("style"' not in js  # a CSP without 'unsafe-inline' forbids it
