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


def test_related_codes_of_the_same_family_are_listed(shipped_client: FlaskClient) -> None:
    html = shipped_client.get("/codes/0xCAA82EE2").get_data(as_text=True)
    assert "Related codes" in html and 'href="/codes/0xCAA82EE7"' in html


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
