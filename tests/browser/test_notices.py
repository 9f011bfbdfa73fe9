"""Notices in the browser: a page with each level of notice (outage for everyone, maintenance
and info about codes), in English and German, passes axe in light and dark mode, fits a phone,
prints, and shows every notice with JavaScript off, in a status region."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.apps import make_app
from support.content import SHIPPED_CONTENT
from support.servers import served

from webapp.notices import service

from .support import IT_EMAIL, IT_URL, describe_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = {
    "en-home": ("/", ["Sign-in is down for everyone"]),
    "en-maintenance-code": ("/codes/0xCAA20003", ["Sign-in is down", "Proxy change tonight"]),
    "en-info-code": ("/codes/0xCAA70004", ["Sign-in is down", "New sign-in page"]),
    "en-table": ("/codes", ["Sign-in is down", "Proxy change tonight"]),
    "de-home": ("/de/", ["Die Anmeldung ist für alle gestört"]),
    "de-maintenance-code": ("/de/codes/0xCAA20003", ["Anmeldung ist", "Proxy change tonight"]),
    "de-info-code": ("/de/codes/0xCAA70004", ["Anmeldung ist", "Neue Anmeldeseite"]),
}
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The shipped site with one notice of each level posted (overrides conftest's)."""
    app = make_app(
        SHIPPED_CONTENT,
        tmp_path_factory.mktemp("notices-site"),
        IT_CONTACT_EMAIL=IT_EMAIL,
        IT_CONTACT_URL=IT_URL,
    )
    with app.app_context():
        service.post(
            {
                "title": "Sign-in is down for everyone",
                "text": "We *know* and are fixing it. Use [Teams on the web]"
                "(https://teams.microsoft.com) meanwhile:\n\n- sign out\n- try again at 10:00",
                "title_de": "Die Anmeldung ist für alle gestört",
                "text_de": "Wir *wissen* es und beheben es.",
                "report": False,
            },
            "jane",
        )
        service.post(
            {"title": "Proxy change tonight", "level": "maintenance", "codes": ["0xCAA20003"]},
            "jane",
        )
        service.post(
            {
                "title": "New sign-in page",
                "title_de": "Neue Anmeldeseite",
                "text": "It looks different; it is ours.",
                "text_de": "Sie sieht anders aus; sie ist von uns.",
                "level": "info",
                "codes": ["0xCAA70004"],
            },
            "jane",
        )
    app.extensions["notices"].refresh()
    with served(app, "notices-site") as url:
        yield url


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_with_notices_pass_axe(open_page, axe, screenshot, page_errors, name, scheme):
    path, titles = PAGES[name]
    page = open_page(path, scheme=scheme)
    for title in titles:
        assert page.get_by_text(title).first.is_visible()
    screenshot(page, f"notices-{name}-{scheme}")
    violations = axe(page)
    assert not violations, describe_violations(violations)
    assert page_errors[page] == []


@pytest.mark.parametrize("name", list(PAGES))
def test_notices_show_with_javascript_off_in_a_status_region(open_page, name):
    path, titles = PAGES[name]
    page = open_page(path, javascript=False)
    region = page.get_by_role("status").filter(has=page.locator(".site-notice")).first
    assert titles[0] in region.inner_text()
    for title in titles:
        assert page.get_by_text(title).first.is_visible()


def test_an_untranslated_notice_is_marked_english_on_a_german_page(open_page):
    page = open_page("/de/codes/0xCAA20003")
    assert page.get_by_text("Proxy change tonight").first.get_attribute("lang") == "en"
    assert page.get_by_text("Geplante Wartung").first.is_visible()


@pytest.mark.parametrize("name", ["en-maintenance-code", "de-info-code", "en-home"])
def test_notices_fit_a_phone(open_page, screenshot, name, scheme):
    path, titles = PAGES[name]
    page = open_page(path, scheme=scheme, **PHONE)
    screenshot(page, f"notices-{name}-phone-{scheme}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    for title in titles:
        box = page.get_by_text(title).first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


@pytest.mark.parametrize("name", ["en-maintenance-code", "de-info-code"])
def test_notices_are_printed(open_page, name):
    path, titles = PAGES[name]
    page = open_page(path)
    page.emulate_media(media="print")
    for title in titles:
        assert page.get_by_text(title).first.is_visible()
