"""Markdown rendering of content: heading ids, external links, no raw HTML."""

from __future__ import annotations

from webapp.content import markdown


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
