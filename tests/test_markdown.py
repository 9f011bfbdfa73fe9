"""Markdown rendering of content: heading ids, external links, no raw HTML."""

from __future__ import annotations

import pytest

from webapp.content import markdown
from webapp.content.markdown import render_inline


def test_headings_get_explicit_or_slugged_ids() -> None:
    rendered = markdown.render("## Why can't I sign in? {#why}\n\n## Second question\n")
    assert '<h2 id="why">Why can\'t I sign in?</h2>' in rendered.html
    assert '<h2 id="second-question">' in rendered.html
    assert [s.anchor for s in rendered.sections] == ["why", "second-question"]


def test_raw_html_is_shown_as_text() -> None:
    rendered = markdown.render("Hello <script>alert(1)</script>\n")
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;" in rendered.html


def test_external_links_are_marked_and_internal_ones_prefixed() -> None:
    rendered = markdown.render("[ms](https://learn.microsoft.com) [faq](/faq#mfa)", "/de")
    assert 'class="external" rel="external noopener noreferrer"' in rendered.html
    assert 'href="/de/faq#mfa"' in rendered.html
    assert rendered.links == ["https://learn.microsoft.com", "/faq#mfa"]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Try Teams at https://teams.microsoft.com.", "https://teams.microsoft.com"),
        ("Reset it at https://aka.ms/sspr, then sign in.", "https://aka.ms/sspr"),
        ("Check (https://status.cloud.microsoft) first", "https://status.cloud.microsoft"),
        ("Öffnen Sie https://aka.ms/sspr.", "https://aka.ms/sspr"),
    ],
)
def test_an_address_written_out_in_a_step_is_a_link(text: str, address: str) -> None:
    html = render_inline(text).html
    assert (
        f'<a href="{address}" class="external" rel="external noopener noreferrer">{address}</a>'
        in html
    )


def test_addresses_in_links_and_code_are_left_as_they_are() -> None:
    html = render_inline(
        "[https://aka.ms/sspr](https://aka.ms/sspr), <https://x.example/a> and `https://y.example`"
    ).html
    assert html.count("<a ") == 2 and "<code>https://y.example</code>" in html
