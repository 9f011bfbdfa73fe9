"""Every page type passes axe-core (WCAG 2.1 A and AA, and best practices) in light and dark
mode, and has the structure that keyboard and screen reader users rely on."""

from __future__ import annotations

import pytest

from .support import PAGE_TYPES, describe_violations, interface_string, page_language

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_axe_finds_no_violations(open_page, axe, screenshot, page_errors, page_type, scheme):
    path, status = PAGE_TYPES[page_type]
    page = open_page("", scheme=scheme)
    response = page.goto(path)
    assert response.status == status
    page.wait_for_load_state("networkidle")
    screenshot(page, f"{page_type}-{scheme}")
    violations = axe(page)
    assert not violations, describe_violations(violations)
    # Nothing blocked or broken on the way: no script errors, no refused resources (CSP).
    assert page_errors[page] == []


@pytest.mark.parametrize(
    "path",
    ["/codes/0xCAA70004", "/de/codes/0xCAA20003", "/fr/codes/0xCAA70004", "/es/codes/0xCAA20003"],
)
def test_the_opened_part_for_it_passes_axe_and_opens_by_keyboard(open_page, axe, path, scheme):
    page = open_page(path, scheme=scheme)
    page.locator("details.for-it summary").focus()
    page.keyboard.press("Enter")
    assert page.locator("details.for-it").get_attribute("open") is not None
    violations = axe(page)
    assert not violations, describe_violations(violations)


def test_page_structure(open_page, page_type):
    path, _ = PAGE_TYPES[page_type]
    page = open_page(path)
    language = page_language(page_type)
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").count() == 1
    assert page.title().strip()
    # Landmarks: one banner, one main, one footer, and the main navigation.
    assert page.get_by_role("banner").count() == 1
    assert page.get_by_role("main").count() == 1
    assert page.get_by_role("contentinfo").count() == 1
    main_menu = interface_string(language, "Main")
    assert page.get_by_role("navigation", name=main_menu, exact=True).count() == 1
    # Every search box on the page is labelled.
    for field in page.locator("input[type=search]").all():
        assert field.evaluate("el => el.labels.length") == 1


def test_skip_link_is_first_and_moves_focus_to_the_main_content(open_page, page_type):
    path, _ = PAGE_TYPES[page_type]
    page = open_page(path)
    skip = interface_string(page_language(page_type), "Skip to main content")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({text: document.activeElement.textContent.trim(),"
        " href: document.activeElement.getAttribute('href')})"
    )
    assert focused == {"text": skip, "href": "#main"}
    # It is visible once focused (not just read out), and it takes you past the header.
    assert page.get_by_role("link", name=skip).is_visible()
    box = page.get_by_role("link", name=skip).bounding_box()
    assert box["y"] >= 0 and box["height"] >= 44
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    in_main = page.evaluate("document.querySelector('main').contains(document.activeElement)")
    assert in_main


def test_focus_is_always_visible(open_page):
    """Every control reached with Tab on a code page shows a focus outline."""
    page = open_page("/codes/0xCAA20003")
    seen = 0
    for _ in range(40):
        page.keyboard.press("Tab")
        style = page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return {tag: document.activeElement.tagName, outline: s.outlineStyle,"
            " width: parseFloat(s.outlineWidth)}; }"
        )
        if style["tag"] == "BODY":
            break
        seen += 1
        assert style["outline"] != "none" and style["width"] >= 2, style
    assert seen >= 10
