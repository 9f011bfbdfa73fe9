"""The code table at every width: codes on one line from 768 px up, a short page on a phone,
one tap to a family, and narrowing without JavaScript (a form) and with it (as people type)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = (390, 768, 1366, 1920)

# The first shown row's code: its cell's width and how many lines the code takes.
CODE_CELL = """() => {
  const link = document.querySelector('.code-table tbody tr:not([hidden]) th a');
  const code = link.querySelector('.code');
  const lines = Math.round(code.getBoundingClientRect().height /
                           parseFloat(getComputedStyle(code).lineHeight));
  return {cell: link.parentElement.getBoundingClientRect().width,
          code: code.scrollWidth, lines: lines};
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_codes_stay_on_one_line_at_every_width(open_page, screenshot, width):
    page = open_page("/codes?family=0xCAA2", width=width, height=900)
    screenshot(page, f"code-table-{width}")
    cell = page.evaluate(CODE_CELL)
    assert cell["lines"] == 1, cell
    assert cell["cell"] >= cell["code"], cell  # the column is as wide as its codes
    if width >= 768:
        assert page.locator("#family-0xcaa2 .code-table thead").is_visible()


@pytest.mark.parametrize("javascript", [True, False])
def test_the_whole_table_on_a_phone_is_a_short_list_of_families(open_page, screenshot, javascript):
    page = open_page("/codes", width=390, height=844, javascript=javascript)
    screenshot(page, f"code-table-phone{'' if javascript else '-nojs'}")
    assert page.evaluate("document.documentElement.scrollHeight") < 6000  # not 227,000 px


@pytest.mark.parametrize("javascript", [True, False])
def test_one_tap_on_a_family_shows_its_codes(open_page, javascript):
    page = open_page("/codes", width=390, height=844, javascript=javascript)
    page.locator(".family-links a[data-family='0xCAA7']").click()
    family = page.locator("#family-0xcaa7")
    assert family.evaluate("el => el.open")
    rows = family.locator("tbody tr")
    assert rows.first.is_visible()
    assert page.locator("#family-0xcaa2").evaluate("el => el.hidden || !el.open")


def test_the_form_narrows_the_table_without_javascript(open_page):
    page = open_page("/de/codes", width=768, javascript=False)
    page.get_by_label("Code oder Wörter").fill("Kennwort abgelaufen")
    page.get_by_label("Wer es beheben kann").select_option("you")
    page.get_by_role("button", name="Codes anzeigen").click()
    assert "q=Kennwort+abgelaufen" in page.url and "fixer=you" in page.url
    shown = page.locator(".code-table tbody tr:not([hidden]) th")
    assert "AADSTS50055" in shown.all_inner_texts()
    assert "Codes angezeigt" in page.locator("#codes-shown").inner_text()


def test_typing_narrows_the_table_at_once(open_page):
    page = open_page("/codes", width=1366, height=900)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.get_by_label("Code or words").press_sequentially("busy", delay=30)
    expect(page.locator("#codes-shown")).to_contain_text(" of ")
    shown = page.locator(".code-table tbody tr:not([hidden]) th")
    assert "0xCAA20005" in shown.all_inner_texts()
    assert shown.count() < 20
    assert page.locator("#family-0xcaa2").evaluate("el => el.open")
    # Choosing who can fix it narrows further, still without loading a page.
    page.get_by_label("Who can fix it").select_option("wait")
    assert all(
        "wait a few minutes" in text
        for text in page.locator(
            ".code-table tbody tr:not([hidden]) td:last-child"
        ).all_inner_texts()
    )
    assert [url for url in requests if "/codes" in url] == []
    # The address says what is shown, so a reload or a shared link shows the same.
    assert "q=busy" in page.url and "fixer=wait" in page.url
    # Emptying the field and the choice shows the whole table again, families closed.
    page.get_by_label("Code or words").fill("")
    page.get_by_label("Who can fix it").select_option("")
    assert page.locator("details.code-family[open]").count() == 0
    assert page.locator(".code-table tbody tr[hidden]").count() == 0


def test_a_link_to_one_code_in_the_table_opens_its_family(open_page):
    page = open_page("/codes#code-0xcaa20003", width=1366, height=900)
    row = page.locator("#code-0xcaa20003")
    assert row.is_visible()
    assert page.locator("#family-0xcaa2").evaluate("el => el.open")
