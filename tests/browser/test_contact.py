"""Contacting IT from a code page: copy buttons, the prepared e-mail, the helpdesk link, and the
same actions for keyboard and screen reader users, and without JavaScript."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from .support import IT_EMAIL, IT_URL

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CODE_PAGE = "/codes/0xCAA20003"


def status_text(page, which: str = "code") -> str:
    status = page.locator(f"#{which}-copy-status")
    page.wait_for_function("el => el.textContent.length > 0", arg=status.element_handle())
    return status.inner_text()


def test_copy_buttons_copy_the_code_and_the_message(open_page, base_url, screenshot):
    page = open_page(CODE_PAGE, permissions=["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy code").click()
    assert status_text(page).startswith("Code copied")
    assert page.evaluate("navigator.clipboard.readText()") == "0xCAA20003"

    page.get_by_role("button", name="Copy message").click()
    assert status_text(page, "message").startswith("Message copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "status code 0xCAA20003" in copied
    assert f"Help page: {base_url}{CODE_PAGE}" in copied
    assert "[date and time]" not in copied  # the browser filled in the time
    assert re.search(r"When it started: .*2\d{3}", copied)
    screenshot(page, "contact-copied")


def test_the_code_copied_confirmation_stands_next_to_the_button_on_a_phone(open_page):
    page = open_page(
        CODE_PAGE, width=390, height=844, permissions=["clipboard-read", "clipboard-write"]
    )
    button = page.get_by_role("button", name="Copy code")
    button.click()
    assert status_text(page).startswith("Code copied")
    below = page.locator("#code-copy-status").bounding_box()["y"]
    box = button.bounding_box()
    assert 0 <= below - (box["y"] + box["height"]) < 60, "the confirmation is not by the button"
    assert page.locator("#message-copy-status").inner_text() == ""


def test_copy_falls_back_when_the_clipboard_api_is_missing(open_page):
    """On a plain-HTTP intranet there is no navigator.clipboard: the old copy command is used."""
    page = open_page("", permissions=["clipboard-read", "clipboard-write"])
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page.goto(CODE_PAGE)
    page.get_by_role("button", name="Copy code").click()
    text = status_text(page)
    assert text.startswith("Code copied") or "selected" in text
    assert page.evaluate("document.activeElement.textContent") == "Copy code"


def test_the_email_link_carries_the_prepared_message(open_page, base_url):
    page = open_page(CODE_PAGE)
    email = page.get_by_role("link", name="Email the Service Desk")
    href = email.get_attribute("href")
    assert href.startswith(f"mailto:{IT_EMAIL}?subject=")
    assert "0xCAA20003" in unquote(href.split("subject=", 1)[1].split("&", 1)[0])
    body = unquote(href.split("&body=", 1)[1])
    assert f"Help page: {base_url}{CODE_PAGE}" in body
    assert "[date and time]" not in body and "\r\n" in body
    # Edits to the message go into the e-mail too.
    message = page.get_by_role("textbox", name="Message for IT")
    message.fill(message.input_value().replace("[for example, Windows laptop, Mac, phone]", "Mac"))
    assert "Device: Mac" in unquote(email.get_attribute("href"))
    assert page.get_by_role("link", name="Open the helpdesk").get_attribute("href") == IT_URL


def test_without_javascript_the_code_and_message_are_easy_to_take(open_page, base_url):
    page = open_page(CODE_PAGE, javascript=False)
    assert page.get_by_role("button", name="Copy code").count() == 0  # hidden: they need JS
    code = page.locator("#the-code")
    assert code.evaluate("el => getComputedStyle(el).userSelect") == "all"
    code.click()
    assert page.evaluate("window.getSelection().toString()") == "0xCAA20003"
    message = page.get_by_role("textbox", name="Message for IT").input_value()
    assert f"Help page: {base_url}{CODE_PAGE}" in message
    href = page.get_by_role("link", name="Email the Service Desk").get_attribute("href")
    assert href.startswith(f"mailto:{IT_EMAIL}?subject=") and "0xCAA20003" in href


def test_the_accessibility_tree_offers_search_and_contact(open_page):
    """What a screen reader is given: the labelled search box and every contact action."""
    page = open_page(CODE_PAGE)
    tree = page.locator("body").aria_snapshot()
    for expected in (
        'link "Skip to main content"',
        'combobox "Status code or question"',
        'button "Search"',
        'heading "Send this to IT"',
        'button "Copy code"',
        'link "Email the Service Desk"',
        'link "Open the helpdesk"',
        'textbox "Message for IT"',
        'button "Copy message"',
    ):
        assert expected in tree, f"{expected!r} not in the accessibility tree:\n{tree}"
    # The page's one h1 names the code and what it means.
    h1 = re.search(r'heading "(.*)" \[level=1\]', tree)[1]
    assert re.fullmatch(r"Status code 0xCAA20003 ?: Your saved sign-in has expired .*", h1), h1


def test_the_search_box_is_labelled_without_javascript_too(open_page):
    tree = open_page("/", javascript=False).locator("body").aria_snapshot()
    assert 'searchbox "Status code or question"' in tree


def test_keyboard_users_reach_the_contact_actions(open_page):
    page = open_page(CODE_PAGE)
    # The link under the heading jumps to the message for IT: the next Tab is its first action.
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == "#contact":
            break
    else:
        raise AssertionError("Tab never reached the link to the message for IT")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Copy code"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Email the Service Desk"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Open the helpdesk"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "it-message"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Copy message"
    page.keyboard.press("Enter")  # buttons work from the keyboard
    assert status_text(page, "message")


@pytest.mark.parametrize("path", ["/codes/0xCAA82EFD", "/codes/none"])
def test_every_code_page_offers_the_same_actions(open_page, path):
    page = open_page(path)
    assert page.get_by_role("heading", name="Send this to IT").is_visible()
    assert page.get_by_role("link", name="Email the Service Desk").is_visible()
    assert page.get_by_role("button", name="Copy message").is_visible()
