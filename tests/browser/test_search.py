"""Finding a code: by keyboard alone, with JavaScript off, and with the suggestions combobox."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SEARCH = "Status code or question"


def tab_to(page, predicate: str, limit: int = 30) -> int:
    """Press Tab until ``predicate`` (JS, of ``el``) holds for the focused element."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {predicate})(document.activeElement)"):
            return presses
    raise AssertionError(f"Tab never reached an element where {predicate}")


def test_search_by_keyboard_alone(open_page, base_url):
    page = open_page("/")
    presses = tab_to(page, "el.name === 'q'")
    # Only the skip link and the header's links (site name, navigation) come first.
    assert presses == 1 + page.locator("header a").count() + 1
    page.keyboard.type("caa20003")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base_url}/codes/0xCAA20003")
    assert "0xCAA20003" in page.locator("h1").inner_text()


def test_search_from_the_header_by_keyboard(open_page, base_url):
    page = open_page("/faq")
    tab_to(page, "el.name === 'q'")
    page.keyboard.type("Oxcaa9OO18")  # letter O for zero, as people type it
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base_url}/codes/0xCAA90018")


def test_search_with_javascript_off(open_page, base_url):
    page = open_page("/", javascript=False)
    field = page.get_by_role("searchbox", name=SEARCH)
    assert field.get_attribute("role") is None  # no combobox without the script
    field.fill("0xcaa 20003")
    field.press("Enter")
    page.wait_for_url(f"{base_url}/codes/0xCAA20003")
    # Words give ranked results, also without JavaScript.
    search = page.get_by_role("searchbox", name=SEARCH)
    search.fill("proxy")
    search.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=proxy"))
    assert page.locator(".results .result").count() >= 1
    assert page.get_by_role("link", name=re.compile("0xCAA70004")).first.is_visible()


def test_the_search_box_suits_an_on_screen_keyboard(open_page):
    page = open_page("/", width=360, height=740)
    field = page.get_by_role("combobox", name=SEARCH)
    for attribute, value in {
        "autocapitalize": "off",
        "autocorrect": "off",
        "spellcheck": "false",
        "autocomplete": "off",
        "enterkeyhint": "search",
    }.items():
        assert field.get_attribute(attribute) == value, attribute
    assert field.evaluate("el => parseFloat(getComputedStyle(el).fontSize)") >= 16  # no zoom-in


def open_suggestions(page, text: str):
    field = page.get_by_role("combobox", name=SEARCH)
    field.click()
    field.press_sequentially(text, delay=20)
    listbox = page.get_by_role("listbox", name="Suggestions")
    listbox.wait_for(state="visible")
    return field, listbox


def test_suggestions_combobox_with_arrow_keys(open_page, base_url, screenshot):
    page = open_page("/")
    field, listbox = open_suggestions(page, "clock")
    options = listbox.get_by_role("option")
    count = options.count()
    assert count >= 1
    assert field.get_attribute("aria-expanded") == "true"
    assert field.get_attribute("aria-controls") == listbox.get_attribute("id")
    assert field.get_attribute("aria-autocomplete") == "list"
    assert field.get_attribute("aria-activedescendant") is None
    # The live region says how many there are.
    status = page.locator(".combobox [role=status]").first
    expected = f"{count} suggestion" + ("s" if count != 1 else "")
    page.wait_for_function(
        "([el, text]) => el.textContent.startsWith(text)", arg=[status.element_handle(), expected]
    )
    screenshot(page, "suggestions-light")

    field.press("ArrowDown")
    first = options.nth(0)
    assert field.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert first.get_attribute("aria-selected") == "true"
    assert page.evaluate("document.activeElement.name") == "q"  # focus stays in the box
    if count > 1:
        field.press("ArrowDown")
        assert field.get_attribute("aria-activedescendant") == options.nth(1).get_attribute("id")
        assert first.get_attribute("aria-selected") == "false"
        field.press("ArrowUp")
    assert field.get_attribute("aria-activedescendant") == first.get_attribute("id")
    field.press("ArrowUp")  # wraps round to the last
    last = options.nth(count - 1)
    assert field.get_attribute("aria-activedescendant") == last.get_attribute("id")

    field.press("Escape")
    assert field.get_attribute("aria-expanded") == "false"
    assert field.get_attribute("aria-activedescendant") is None
    assert listbox.is_hidden()
    assert field.input_value() == "clock"  # Escape closes, it doesn't clear

    field.press("ArrowDown")  # opens again, on the first option
    assert field.get_attribute("aria-expanded") == "true"
    assert field.get_attribute("aria-activedescendant") == first.get_attribute("id")
    expected = page.request.get("/api/search?limit=6&q=clock").json()["results"][0]["url"]
    field.press("Enter")
    page.wait_for_url(expected)


def test_enter_without_choosing_a_suggestion_submits_the_search(open_page, base_url):
    page = open_page("/")
    field, _ = open_suggestions(page, "0xCAA20003")
    field.press("Enter")
    page.wait_for_url(f"{base_url}/codes/0xCAA20003")


def test_a_suggestion_can_be_tapped(open_page, base_url):
    page = open_page("/", width=360, height=740, has_touch=True, is_mobile=True)
    _, listbox = open_suggestions(page, "0xCAA2000")
    option = listbox.get_by_role("option").first
    box = option.bounding_box()
    assert box["height"] >= 44
    option.tap()
    page.wait_for_url(re.compile(r"/codes/0xCAA2000"))


def test_tab_and_blur_close_the_suggestions(open_page):
    page = open_page("/")
    field, listbox = open_suggestions(page, "proxy")
    field.press("Tab")
    assert field.get_attribute("aria-expanded") == "false"
    listbox.wait_for(state="hidden")


def test_no_suggestions_is_announced(open_page):
    page = open_page("/")
    field = page.get_by_role("combobox", name=SEARCH)
    field.click()
    field.press_sequentially("zebra xylophone", delay=20)
    status = page.locator(".combobox [role=status]").first
    page.wait_for_function(
        "el => el.textContent.startsWith('No suggestions')", arg=status.element_handle()
    )
    assert field.get_attribute("aria-expanded") == "false"


def test_a_search_that_cannot_be_used_says_why_next_to_the_field(open_page):
    page = open_page("/search?q=" + "x" * 2001)
    assert page.title().startswith("Error:")
    field = page.get_by_role("combobox", name=SEARCH)
    assert field.get_attribute("aria-invalid") == "true"
    description = field.evaluate(
        "el => el.getAttribute('aria-describedby').split(' ')"
        ".map(id => document.getElementById(id).textContent.trim()).join(' ')"
    )
    assert description.startswith("That search is 2001 characters long")
    # The message comes before the field, where reading (and a screen reader) meets it first.
    problem = page.locator("#search-problem").bounding_box()
    assert problem["y"] < field.bounding_box()["y"]


def test_suggestions_speak_the_language_of_the_page(open_page):
    page = open_page("/de/")
    assert page.locator("html").get_attribute("lang") == "de"
    field = page.locator("main input[type=search]")
    field.click()
    field.press_sequentially("0xCAA2000", delay=20)
    page.get_by_role("listbox", name="Vorschläge").wait_for(state="visible")
    status = page.locator(".combobox [role=status]").first
    page.wait_for_function(
        "el => / Vorschl(ag|äge)\\. /.test(el.textContent)", arg=status.element_handle()
    )
    assert page.get_by_role("option").first.inner_text().startswith("Statuscode")


PASTED_BLOCK = (
    "Sign in\nSorry, but we're having trouble signing you in.\n\n"
    "AADSTS50076: Due to a configuration change made by your administrator, or because you "
    "moved to a new location, you must use multi-factor authentication to access the app.\n\n"
    "Troubleshooting details\nIf you contact your administrator, send this info to them.\n"
    "Request Id: 6f0e7b8c-1234-4a5b-9c0d-7e8f9a0b1c2d\n"
    "Correlation Id: 1a2b3c4d-5678-4e9f-8a7b-6c5d4e3f2a1b\n"
    "Timestamp: 2026-12-07T09:14:03.123Z\n"
)


@pytest.mark.parametrize("javascript", [True, False])
def test_a_pasted_error_fills_in_the_message_for_it(open_page, javascript: bool):
    """The whole block is kept by the box (no 200-character cut), and the code's page opens
    with the IDs in the message for IT, with JavaScript on and off."""
    page = open_page("/", javascript=javascript)
    field = page.locator("#q")
    field.fill(PASTED_BLOCK)
    # An input drops line breaks; the rest of the paste must all be there.
    assert len(field.input_value()) > 300
    field.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    assert "AADSTS50076" in page.locator("h1").inner_text()
    message = page.locator("#it-message").input_value()
    assert "Correlation ID: 1a2b3c4d-5678-4e9f-8a7b-6c5d4e3f2a1b" in message
    assert "Request ID: 6f0e7b8c-1234-4a5b-9c0d-7e8f9a0b1c2d" in message
    assert "Timestamp: 2026-12-07T09:14:03.123Z" in message
