"""On a 360 px phone screen: no sideways scrolling, big enough tap targets, the table as cards."""

from __future__ import annotations

import pytest

from .support import PAGE_TYPES, describe_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 360, "height": 740}

# Every visible target that is too small. Controls and links standing on their own need
# 44 x 44 px; a link inside a sentence (WCAG's inline exception), or in Markdown prose written
# by the content editors, needs at least 24 px of height (WCAG 2.2's minimum).
SMALL_TARGETS = """() => {
  const small = [];
  const selector = "a[href], button, input:not([type=hidden]), textarea, select, [role=option]";
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(el).visibility === "hidden") continue;
    if (el.classList.contains("skip-link")) continue;  // off screen until focused
    const words = (node) => node.textContent.replace(/\\s+/g, " ").trim();
    const inline = getComputedStyle(el).display === "inline";
    const inSentence = inline && words(el.parentElement).length > words(el).length + 2;
    const inProse = el.tagName === "A" && el.closest(".prose") !== null;
    const relaxed = inSentence || inProse;
    const minimum = relaxed ? 24 : 44;
    if (box.height < minimum - 0.5 || (!relaxed && box.width < 44 - 0.5)) {
      small.push(`${el.tagName.toLowerCase()} "${words(el).slice(0, 40)}" ` +
                 `${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return small;
}"""


def test_no_sideways_scrolling_at_360px(open_page, axe, screenshot, page_type, scheme):
    path, _ = PAGE_TYPES[page_type]
    page = open_page(path, scheme=scheme, **PHONE)
    sizes = page.evaluate(
        "() => ({scroll: document.scrollingElement.scrollWidth,"
        " client: document.scrollingElement.clientWidth})"
    )
    assert sizes["scroll"] <= sizes["client"], sizes
    screenshot(page, f"{page_type}-360-{scheme}")
    if scheme == "light":  # the cards layout and the phone header, checked once more by axe
        violations = axe(page)
        assert not violations, describe_violations(violations)


def test_tap_targets_are_big_enough(open_page, page_type):
    path, _ = PAGE_TYPES[page_type]
    page = open_page(path, **PHONE)
    assert page.evaluate(SMALL_TARGETS) == []


def test_the_code_table_becomes_cards_on_a_phone(open_page):
    page = open_page("/codes?family=0xCAA2", **PHONE)
    rows = page.locator(".code-table tbody tr:not([hidden])")
    assert rows.count() >= 5
    first, second = rows.nth(0).bounding_box(), rows.nth(1).bounding_box()
    assert first["width"] <= 360 and second["y"] >= first["y"] + first["height"]  # stacked
    # Compact: the code, what it means and who can fix it; the code's page has the rest.
    assert first["height"] < 200
    # "Who can fix it" is named on each card, but not read out twice (the header cell is).
    label = page.evaluate(
        "getComputedStyle(document.querySelector('.code-table td:last-child'), '::before').content"
    )
    assert "Who can fix it" in label
    # On a wide screen it is a real table again.
    page.set_viewport_size({"width": 1024, "height": 768})
    assert page.locator("#family-0xcaa2 .code-table thead").is_visible()
    assert rows.nth(0).evaluate("el => getComputedStyle(el).display") == "table-row"


def test_the_message_for_it_fits_a_phone(open_page):
    page = open_page("/codes/0xCAA20003", **PHONE)
    message = page.get_by_role("textbox", name="Message for IT")
    box = message.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    for name in ("Copy code", "Copy message"):
        button = page.get_by_role("button", name=name).bounding_box()
        assert button["x"] + button["width"] <= 360


NO_SIDEWAYS_SCROLL = (
    "() => document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth"
)


def test_reflow_at_320px(open_page, page_type):
    """WCAG 1.4.10: at 320 CSS px (1280 px zoomed to 400 %) nothing scrolls sideways."""
    path, _ = PAGE_TYPES[page_type]
    page = open_page(path, width=320, height=640)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)


@pytest.mark.parametrize("path", ["/codes", "/codes/0xCAA20003", "/faq", "/search?q=proxy"])
def test_text_spacing_can_be_increased(open_page, path):
    """WCAG 1.4.12: with the spacing a reader's own stylesheet may set, nothing is cut off."""
    # The site's CSP (rightly) refuses an injected stylesheet; a user's own styles aren't subject
    # to it, so this context plays the user's browser.
    page = open_page(path, bypass_csp=True, **PHONE)
    page.add_style_tag(
        content="* { line-height: 1.5 !important; letter-spacing: 0.12em !important;"
        " word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }"
    )
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('main *')].filter(el => {
             const s = getComputedStyle(el);
             return (s.overflowX === 'hidden' || s.overflowY === 'hidden')
               && el.getBoundingClientRect().width > 1  // not a visually hidden label
               && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1);
           }).map(el => el.tagName + '.' + el.className)"""
    )
    assert clipped == []
