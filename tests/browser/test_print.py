"""Printing: a code page is one clean page (code, meaning, steps, what to send IT), and no
page prints its navigation or search box."""

from __future__ import annotations

import re

import pytest

from webapp.search.engine import FULL_ANSWER_STEPS

from .support import ARTIFACTS, PAGE_TYPES

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HIDDEN_IN_PRINT = [
    ".skip-link",
    "header",
    "nav[aria-label=Main]",
    "form[role=search]",
    "footer",
    "button",
    "textarea",
]


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_print_hides_navigation_and_search(open_page, page_type):
    path, _ = PAGE_TYPES[page_type]
    page = open_page(path)
    page.emulate_media(media="print")
    for selector in HIDDEN_IN_PRINT:
        for element in page.locator(selector).all():
            assert element.is_hidden(), f"{selector} is printed on {path}"
    assert page.locator("h1").is_visible()


def test_a_code_page_prints_as_a_clean_one_pager(open_page, base_url, screenshot, scheme):
    page = open_page("/codes/0xCAA20003", scheme=scheme)
    page.emulate_media(media="print")
    main = page.locator("main")
    assert "0xCAA20003" in page.locator("h1").inner_text()
    for heading in ("What happened", "What you can try", "When to contact IT", "Send this to IT"):
        assert page.get_by_role("heading", name=heading).is_visible()
    assert main.locator("ol.steps li").first.is_visible()
    # The message is printed in full (a textarea would cut it off), with the time filled in.
    printed = page.locator(".it-message-print")
    assert printed.is_visible()
    text = printed.inner_text()
    assert f"Help page: {base_url}/codes/0xCAA20003" in text and "[date and time]" not in text
    for hidden in (".jump", ".related", ".family-note", ".feedback"):
        assert all(element.is_hidden() for element in page.locator(hidden).all()), hidden
    # Black on white, whatever the screen's colour scheme.
    colours = page.evaluate(
        "[getComputedStyle(document.body).color, getComputedStyle(document.body).backgroundColor]"
    )
    assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
    screenshot(page, f"code-print-{scheme}")


@pytest.mark.parametrize("lang", ["", "/de", "/fr", "/es"])
def test_the_part_for_it_is_closed_on_screen_and_printed_open(open_page, lang):
    page = open_page(f"{lang}/codes/0xCAA20003")
    part = page.locator("details.for-it")
    body = part.locator("ul").first
    assert part.locator("summary .for-it-mark").is_visible()
    assert not body.is_visible(), "the part for IT is open on screen"
    page.emulate_media(media="print")
    assert body.is_visible(), "the part for IT is not printed"
    assert "SAML" in part.inner_text()
    # Printed below the steps and the advice on when to contact IT.
    steps_bottom = page.locator("ol.steps").bounding_box()
    assert part.bounding_box()["y"] > steps_bottom["y"] + steps_bottom["height"]


@pytest.mark.timeout(1800)  # several hundred PDFs: minutes on a busy machine
def test_code_pages_print_on_one_page_or_two_for_full_answers(open_page, base_url):
    """Short catalogue entries print on one page, full answers on at most two: a sample of every
    20th entry, every entry of three steps or more and a code no entry has, on A4 and Letter,
    in every language."""
    page = open_page("")
    entries = page.request.get("/api/codes").json()["codes"]
    assert len(entries) >= 500
    sample = {e["code"]: len(e["steps"]) for i, e in enumerate(entries) if i < 8 or i % 20 == 0}
    sample.update({e["code"]: len(e["steps"]) for e in entries if len(e["steps"]) >= 3})
    # Every entry with a part for IT, which prints open.
    sample.update({e["code"]: len(e["steps"]) for e in entries if e["for_it"]})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for lang in ("", "/de", "/fr", "/es"):
        # A code no entry has shows its family's steps and "did you mean": two pages at most.
        for code, steps in [*sample.items(), ("0xCAA82F13", FULL_ANSWER_STEPS)]:
            path = f"{lang}/codes/{code}"
            page.goto(path)
            for paper in ("A4", "Letter"):
                pdf = page.pdf(format=paper, print_background=False)
                if path == "/codes/0xCAA20003" and paper == "A4":
                    (ARTIFACTS / "code-page.pdf").write_bytes(pdf)
                allowed = 1 if steps < FULL_ANSWER_STEPS else 2
                assert pdf_pages(pdf) <= allowed, f"{path} prints on {pdf_pages(pdf)} {paper} pages"
