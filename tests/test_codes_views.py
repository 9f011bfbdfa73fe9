"""The code table and the code pages: canonical URLs, known, unknown and non-codes."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from support.content import ORIGINAL_ARTICLE_CODES


def test_code_table_lists_every_code_with_anchor_and_link(client: FlaskClient) -> None:
    html = client.get("/codes").get_data(as_text=True)
    for code in ("0xCAA20003", "0xCAA82EE2"):
        assert f'id="code-{code.lower()}"' in html
        assert f'href="/codes/{code}"' in html
    assert 'id="code-none"' in html and 'href="/codes/none"' in html
    assert "Check your clock" in html


def test_shipped_code_table_has_all_entries(shipped_client: FlaskClient) -> None:
    html = shipped_client.get("/codes").get_data(as_text=True)
    for code in ORIGINAL_ARTICLE_CODES:
        assert f'href="/codes/{code}"' in html


def test_code_page_says_what_happened_what_to_try_and_what_to_send(client: FlaskClient) -> None:
    response = client.get("/codes/0xCAA20003")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    h1 = html.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert "0xCAA20003" in h1 and h1.endswith(" <span>Check your clock</span>")  # code, then title
    assert "What happened" in html and "<strong>date and time</strong>" in html
    assert '<ol class="steps">' in html and "<li>Set the time automatically.</li>" in html
    assert "When to contact IT" in html
    assert 'id="the-code">0xCAA20003</strong>' in html
    assert "status code 0xCAA20003" in html  # in the prepared message


def test_prepared_message_opens_an_email_to_it(client: FlaskClient) -> None:
    html = client.get("/codes/0xCAA20003").get_data(as_text=True)
    assert (
        'href="mailto:help@example.org?subject=Teams%20sign-in%20problem%3A%20status%20code%200xCAA20003'
        in html
    )
    assert "Help page: http://localhost/codes/0xCAA20003" in html


def test_helpdesk_url_is_offered_when_configured(content_dir, tmp_path) -> None:
    from support.apps import make_app

    app = make_app(content_dir, tmp_path, IT_CONTACT_URL="https://help.example.org/new")
    html = app.test_client().get("/codes/0xCAA20003").get_data(as_text=True)
    assert 'href="https://help.example.org/new">Open the helpdesk' in html


@pytest.mark.parametrize(
    "typed",
    ["0xcaa20003", "CAA20003", "caa2-0003", "Oxcaa2OOO3", "3399614467", "-895352829", "0XCAA20003"],
)
def test_other_spellings_redirect_permanently_to_the_canonical_url(
    client: FlaskClient, typed: str
) -> None:
    response = client.get(f"/codes/{typed}")
    assert response.status_code == 301
    assert response.headers["Location"] == "/codes/0xCAA20003"


def test_none_entry_has_its_own_page(client: FlaskClient) -> None:
    response = client.get("/codes/none")
    assert response.status_code == 200
    assert "Re-enter your smart card PIN" in response.get_data(as_text=True)
    assert client.get("/codes/None").headers["Location"] == "/codes/none"


def test_related_codes_of_the_same_problem_are_listed(shipped_client: FlaskClient) -> None:
    html = shipped_client.get("/codes/0xCAA82EE2").get_data(as_text=True)  # timed out
    assert "Related codes" in html and 'href="/codes/0xCAA82EFD"' in html  # could not connect


def test_unknown_code_is_a_helpful_404(client: FlaskClient) -> None:
    response = client.get("/codes/0xCAA82EFE")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "We don't have a page for 0xCAA82EFE yet" in html
    assert "Network problem" in html
    assert "network error number <strong>12030</strong>" in html
    assert "status code 0xCAA82EFE" in html  # what to send IT
    assert 'action="/search"' in html


def test_shipped_network_codes_name_the_network_error_number(shipped_client: FlaskClient) -> None:
    cannot_connect = shipped_client.get("/codes/0xCAA82EFD").get_data(as_text=True)
    assert "network error number <strong>12029</strong>" in cannot_connect
    unlisted = shipped_client.get("/codes/0xCAA82F13")
    assert unlisted.status_code == 404
    assert "network error number <strong>12051</strong>" in unlisted.get_data(as_text=True)


def test_unknown_code_offers_close_known_codes(client: FlaskClient) -> None:
    html = client.get("/codes/0xCAA20005").get_data(as_text=True)
    assert "Did you mean" in html and 'href="/codes/0xCAA20003"' in html


def test_unknown_spelling_of_an_unknown_code_also_redirects(client: FlaskClient) -> None:
    response = client.get("/codes/caa82efe")
    assert response.status_code == 301
    assert response.headers["Location"] == "/codes/0xCAA82EFE"


def test_code_outside_every_family_still_says_what_to_send(client: FlaskClient) -> None:
    response = client.get("/codes/0x80070005")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "doesn't belong to a family" in html and "status code 0x80070005" in html


def test_text_that_is_not_a_code_is_a_404_with_search(client: FlaskClient) -> None:
    response = client.get("/codes/hello")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "That doesn't look like a status code" in html
    assert 'value="hello"' in html


def test_near_code_in_the_url_suggests_the_real_one(client: FlaskClient) -> None:
    html = client.get("/codes/0xCAA2003").get_data(as_text=True)
    assert "Did you mean" in html and 'href="/codes/0xCAA20003"' in html


def table_rows(html: str) -> tuple[list[str], list[str]]:
    """(codes of the rows shown, codes of the rows hidden) in a code table page."""
    shown, hidden = [], []
    for row in html.split("<tr id=")[1:]:
        code = row.split('"', 2)[1].removeprefix("code-")
        (hidden if row.split(">", 1)[0].endswith(" hidden") else shown).append(code)
    return shown, hidden


def test_the_whole_table_has_every_family_closed_so_a_phone_sees_a_short_list(
    shipped_client: FlaskClient,
) -> None:
    html = shipped_client.get("/codes").get_data(as_text=True)
    shown, hidden = table_rows(html)
    assert len(shown) >= 600 and hidden == []
    assert html.count('<details class="code-family"') >= 10
    assert " open>" not in html
    # Each family one tap away: a link that shows just that family.
    assert 'href="/codes?family=0xCAA2#family-0xcaa2"' in html
    assert 'href="/codes?family=AADSTS#family-aadsts"' in html


def test_a_family_chosen_shows_only_its_codes_with_its_family_open(
    shipped_client: FlaskClient,
) -> None:
    html = shipped_client.get("/codes?family=0xCAA2").get_data(as_text=True)
    shown, _ = table_rows(html)
    assert shown and all(code.startswith("0xcaa2") for code in shown)
    assert '<details class="code-family" id="family-0xcaa2" data-family="0xCAA2" open>' in html
    assert 'id="family-aadsts" data-family="AADSTS" hidden>' in html
    assert f"{len(shown)} of " in html  # the count of codes shown


def test_who_can_fix_it_and_typed_words_narrow_the_table(shipped_client: FlaskClient) -> None:
    html = shipped_client.get("/codes?fixer=wait&q=busy").get_data(as_text=True)
    shown, _ = table_rows(html)
    assert "0xcaa20005" in shown  # "The sign-in service is busy right now"
    assert "0xcaa20003" not in shown  # a code you fix yourself
    # Parts of a code find it, as people type them.
    shown, _ = table_rows(shipped_client.get("/codes?q=50126").get_data(as_text=True))
    assert shown == ["aadsts50126"]


def test_the_german_table_is_narrowed_by_german_words(shipped_client: FlaskClient) -> None:
    html = shipped_client.get("/de/codes?q=kennwort+abgelaufen").get_data(as_text=True)
    shown, _ = table_rows(html)
    assert "aadsts50055" in shown  # "Ihr Kennwort ist abgelaufen"
    assert f"{len(shown)} von " in html and " Codes angezeigt." in html
    assert "Wer es beheben kann" in html and "Alle Familien" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("family=0xZZZ", "We don't know that family"),
        ("fixer=boss", "Choose who can fix it from the list"),
        ("q=" + "x" * 101, "Please type at most 100 characters"),
    ],
)
def test_a_value_the_table_does_not_know_is_a_400_that_says_so(
    shipped_client: FlaskClient, query: str, message: str
) -> None:
    response = shipped_client.get(f"/codes?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert 'aria-invalid="true"' in html


def test_words_too_long_for_the_table_are_kept_in_the_field(shipped_client: FlaskClient) -> None:
    html = shipped_client.get("/codes?q=" + "y" * 101).get_data(as_text=True)
    assert 'value="' + "y" * 101 + '"' in html


def test_no_match_says_so_and_offers_the_whole_table_and_search(
    shipped_client: FlaskClient,
) -> None:
    html = shipped_client.get("/codes?q=zebra+crossing").get_data(as_text=True)
    assert table_rows(html)[0] == []
    assert '<p class="no-codes">No code in the table matches.' in html


def test_the_page_cache_keeps_each_narrowed_table_apart(shipped_client: FlaskClient) -> None:
    # The view reads its arguments, so they are part of what the cache keeps the page under.
    first = shipped_client.get("/codes?family=0xCAA7").get_data(as_text=True)
    second = shipped_client.get("/codes?family=0xCAA8").get_data(as_text=True)
    assert table_rows(first)[0] != table_rows(second)[0]
    again = shipped_client.get("/codes?family=0xCAA7").get_data(as_text=True)
    assert table_rows(again)[0] == table_rows(first)[0]


@pytest.mark.parametrize("prefix", ["", "/de"])
def test_addresses_in_steps_are_links_like_everywhere_else(
    shipped_client: FlaskClient, prefix: str
) -> None:
    html = shipped_client.get(f"{prefix}/codes/0xCAA20003").get_data(as_text=True)
    steps = html[html.index('<ol class="steps">') : html.index("</ol>")]
    assert '<a href="https://teams.microsoft.com" class="external"' in steps
    assert '<a href="https://aka.ms/sspr" class="external"' in steps
