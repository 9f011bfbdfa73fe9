"""The IT desk in Chromium: signing in through a real OpenID Connect provider on another site
(``localhost`` against the desk's ``127.0.0.1``, so the Strict cookie meets a real cross-site
return), the token way in, and axe, a phone screen and dark mode on every page of the desk."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from support.apps import make_app
from support.content import SHIPPED_CONTENT
from support.it_desk import add_lookups, add_miss, make_token
from support.oidc import CLIENT_ID, CLIENT_SECRET, IT_LEAD, start_provider
from support.servers import free_port, served, stop_process

from webapp.storage import MISS_CODE, MISS_QUERY

from .support import describe_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 360, "height": 740}
DESK_PAGES = {
    "sign-in": "/it/sign-in",
    "now": "/it/",
    "codes": "/it/codes",
    "codes-7d": "/it/codes?period=7d",
    "misses": "/it/misses",
    "unhelpful": "/it/unhelpful",
    "notices": "/it/notices",
    "notice-for-a-rising-code": "/it/notices?code=0xCAA70004",
}


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The site with the desk, signing in through node-oidc-provider, with lookups, misses and
    unhelpful answers to show."""
    folder = tmp_path_factory.mktemp("it-desk")
    port = free_port()
    issuer, provider = start_provider(folder, f"http://127.0.0.1:{port}/it/callback")
    app = make_app(
        SHIPPED_CONTENT,
        folder,
        OIDC_ISSUER=issuer,
        OIDC_CLIENT_ID=CLIENT_ID,
        OIDC_CLIENT_SECRET=CLIENT_SECRET,
        IT_ALLOWED="it-desk",
    )
    moment = datetime.now(UTC)
    for minutes, times in ((1, 30), (180, 4), (1800, 2), (6000, 5)):
        add_lookups(app, "0xCAA70004", moment - timedelta(minutes=minutes), times)
    add_lookups(app, "0xCAA20003", moment - timedelta(hours=2), 3)
    storage = app.extensions["storage"]
    add_miss(app, MISS_CODE, "0xCAA2FFFF", "en")
    add_miss(app, MISS_QUERY, "teams keeps asking for my password", "de")
    storage.add_feedback("code", "0xCAA70004", "", False, "Still fails after a restart", "VPN off")
    try:
        with served(app, "it-desk", port) as url:
            yield {"url": url, "issuer": issuer, "token": make_token(app)}
    finally:
        stop_process(provider)


@pytest.fixture
def open_desk(browser: Any, desk: dict[str, Any]) -> Iterator[Callable[..., Any]]:
    """A fresh browser context on the desk (``scheme``, ``width``, ``height``, ``javascript``),
    no page yet."""
    contexts = []

    def open_(
        *, scheme: str = "light", width: int = 1024, height: int = 768, javascript: bool = True
    ) -> Any:
        context = browser.new_context(
            java_script_enabled=javascript,
            base_url=desk["url"],
            viewport={"width": width, "height": height},
            color_scheme=scheme,
            reduced_motion="reduce",
            locale="en-GB",
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


def sign_in_with_token(page: Any, secret: str) -> None:
    page.goto("/it/")
    page.get_by_role("textbox", name="Token").fill(secret)
    page.get_by_role("button", name="Sign in with the token").click()
    page.wait_for_url("**/it/")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_signing_in_with_the_organisation_account_end_to_end(
    open_desk, desk, javascript: bool
) -> None:
    page = open_desk(javascript=javascript)
    page.goto("/it/misses")
    assert page.url.endswith("/it/sign-in?next=/it/misses")  # nobody signed in: no data
    page.get_by_role("link", name="Sign in with your organisation account").click()
    page.wait_for_url(f"{desk['issuer']}/**")  # the provider's own site
    page.fill("input[name=login]", IT_LEAD)
    page.fill("input[name=password]", "any")
    page.click("button[type=submit]")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/it/misses")
    assert page.get_by_text(f"Signed in as {IT_LEAD}").is_visible()
    cookie = next(c for c in page.context.cookies() if c["name"] == "it_session")
    assert cookie["sameSite"] == "Strict" and cookie["httpOnly"] and cookie["path"] == "/it/"
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/it/sign-in")
    page.goto("/it/")
    assert "/it/sign-in" in page.url


def test_the_token_way_in_and_marking_a_row_handled(open_desk, desk) -> None:
    page = open_desk()
    sign_in_with_token(page, desk["token"])
    page.goto("/it/misses")
    row = page.locator(".desk-row", has_text="0xCAA2FFFF")
    row.get_by_label("What was done").select_option("page")
    row.get_by_role("button", name="Mark handled").click()
    page.wait_for_url("**/it/misses")
    assert (
        "Handled by token:night-shift"
        in page.locator(".desk-row", has_text="0xCAA2FFFF").inner_text()
    )


def test_a_rising_code_to_a_public_notice_in_two_clicks(open_desk, desk) -> None:
    page = open_desk()
    sign_in_with_token(page, desk["token"])
    rising = page.locator("tr", has_text="0xCAA70004").first
    rising.get_by_role("link", name="Post a notice").click()  # one
    page.get_by_role("button", name="Post the notice").click()  # two
    page.wait_for_url("**/it/notices?posted=*")
    public = open_desk()
    for _ in range(20):  # every worker shows it within the poll interval (2 s)
        public.goto("/codes/0xCAA70004")
        if public.get_by_text("We know about sign-in problems with 0xCAA70004").count():
            break
        public.wait_for_timeout(500)
    notice = public.get_by_text("We know about sign-in problems with 0xCAA70004")
    assert notice.first.is_visible()
    assert public.get_by_text("you don't need to report it").first.is_visible()
    # Ended from the desk: gone again.
    page.get_by_role("link", name="We know about sign-in problems with 0xCAA70004").click()
    page.get_by_role("button", name="End it now").click()
    page.wait_for_url("**/it/notices?ended=*")


@pytest.mark.parametrize("name", list(DESK_PAGES))
def test_every_desk_page_passes_axe_fits_a_phone_and_loads_cleanly(
    open_desk, desk, axe, screenshot, name: str, scheme: str
) -> None:
    page = open_desk(scheme=scheme, **PHONE)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    if name != "sign-in":
        sign_in_with_token(page, desk["token"])
    response = page.goto(DESK_PAGES[name])
    assert response.status == 200
    assert response.headers["cache-control"] == "private, no-store"
    sizes = page.evaluate(
        "() => ({scroll: document.scrollingElement.scrollWidth,"
        " client: document.scrollingElement.clientWidth})"
    )
    assert sizes["scroll"] <= sizes["client"], sizes
    screenshot(page, f"it-desk-{name}-360-{scheme}")
    violations = axe(page)
    assert not violations, describe_violations(violations)
    assert errors == []  # the strict CSP refused nothing (no inline style in the charts)
