""" "Did this solve your problem?" in a real browser: with and without JavaScript, by keyboard,
the thank-you where the person clicked, and no accessibility violations on the way."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from support.apps import make_app
from support.content import SHIPPED_CONTENT
from support.servers import served
from werkzeug.wrappers import Response

from webapp.storage.tables import feedback

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CODE_PAGE = "/codes/0xCAA20003"
# Where an answer leads back: the page, thanking for it.
THANKED = re.compile(r"/codes/0xCAA20003\?answered=code:0xCAA20003#feedback$")


def feedback_block(page, block_id: str = "feedback"):
    return page.locator(f"#{block_id}")


@pytest.mark.parametrize("javascript", [True, False])
def test_yes_on_a_code_page_shows_the_thanks_there(open_page, page_errors, javascript):
    page = open_page(CODE_PAGE, javascript=javascript)
    block = feedback_block(page)
    group = block.get_by_role("group", name="Did this solve your problem?")
    group.get_by_role("button", name="Yes").click()
    page.wait_for_url(THANKED)
    thanks = block.get_by_role("status")
    assert thanks.inner_text().startswith("Thank you for your answer")
    assert block.get_by_role("button", name="Yes").count() == 0
    # The page scrolled to the thank-you and moved focus there, for screen readers too.
    assert page.evaluate("document.activeElement.id") == "feedback"
    assert page_errors[page] == []


@pytest.mark.parametrize("javascript", [True, False])
def test_no_then_details_by_keyboard_alone(open_page, axe, page_errors, screenshot, javascript):
    page = open_page(CODE_PAGE, javascript=javascript)
    no = feedback_block(page).get_by_role("button", name="No")
    no.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/feedback?about=code:0xCAA20003")
    assert page.get_by_role("heading", level=1).inner_text() == "Tell us what went wrong"
    assert page.get_by_role("radio", name="No").is_checked()
    if javascript:  # axe runs in the page
        assert axe(page) == []

    comment = page.get_by_role("textbox", name="What went wrong? (optional)")
    assert comment.get_attribute("maxlength") == "500"
    comment.fill("The clock is right, and it still fails.")
    page.get_by_role("textbox", name="What did you try? (optional)").fill("Restarted Teams")
    screenshot(page, f"feedback-details{'' if javascript else '-no-js'}")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(THANKED)
    assert feedback_block(page).get_by_role("status").is_visible()
    if javascript:
        assert axe(page) == []
    assert page_errors[page] == []


def test_each_answer_of_a_page_is_rated_on_its_own(open_page, page_errors):
    page = open_page("/faq")
    answer = "where-is-the-status-code"
    feedback_block(page, f"feedback-{answer}").get_by_role("button", name="Yes").click()
    page.wait_for_url(re.compile(rf"/faq\?answered=page:faq%23{answer}#feedback-{answer}$"))
    assert feedback_block(page, f"feedback-{answer}").get_by_role("status").is_visible()
    assert page.locator(".feedback-thanks").count() == 1  # only under the answer rated
    assert page.locator(".feedback-ask").count() >= 1
    assert page_errors[page] == []


def test_the_questions_are_told_apart_by_screen_readers(open_page):
    page = open_page("/faq")
    names = page.locator(".feedback-ask legend").all_inner_texts()
    assert len(names) == len(set(names)) > 1  # each names the answer it is about


def test_a_form_on_another_site_cannot_post_an_answer(browser, tmp_path: Path):
    """Another origin (another port) shows a copy of the Yes button that posts to us."""
    site = make_app(SHIPPED_CONTENT, tmp_path)
    with served(site, "site") as site_url:
        target = f"{site_url}/feedback"
        form = (
            f'<form method="post" action="{target}"><input type="hidden" name="about" '
            'value="code:0xCAA20003"><button name="helpful" value="yes">Win a prize</button>'
            "</form>"
        )
        other = Response(form, mimetype="text/html")
        with served(other, "other") as other_url:
            context = browser.new_context()
            try:
                page = context.new_page()
                page.goto(other_url.replace("127.0.0.1", "localhost") + "/")
                with page.expect_navigation():
                    page.get_by_role("button", name="Win a prize").click()
                assert page.url == target
                assert "sent from another website, so nothing was saved" in page.content()
            finally:
                context.close()
    with site.extensions["storage"].engine.connect() as connection:
        count = sa.select(sa.func.count()).select_from(feedback)
        assert connection.execute(count).scalar_one() == 0
