"""/search: codes go straight to their page; words get ranked, highlighted results."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient


@pytest.mark.parametrize(
    "query", ["0xcaa20003", " CAA2OOO3 ", "3399614467", "error 0xCAA20003 again", "-895352829"]
)
def test_known_code_in_any_form_goes_to_its_page(client: FlaskClient, query: str) -> None:
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 303
    assert response.headers["Location"] == "/codes/0xCAA20003"


def test_word_search_shows_ranked_results_with_highlights(client: FlaskClient) -> None:
    response = client.get("/search?q=clock")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Results for “clock”" in html
    assert 'href="/codes/0xCAA20003"' in html
    assert "Status code" in html


def test_page_results_link_to_the_section_anchor(client: FlaskClient) -> None:
    html = client.get("/search?q=multi-factor").get_data(as_text=True)
    assert 'href="/faq#mfa"' in html
    assert "Help page" in html


def test_query_is_escaped_everywhere(client: FlaskClient) -> None:
    html = client.get("/search", query_string={"q": '<script>alert("x")</script>'}).get_data(
        as_text=True
    )
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_unknown_code_search_lands_on_its_page_which_explains_and_suggests(
    client: FlaskClient,
) -> None:
    response = client.get("/search?q=0xCAA82EE3")
    assert response.status_code == 303 and response.headers["Location"] == "/codes/0xCAA82EE3"
    html = client.get("/codes/0xCAA82EE3").get_data(as_text=True)
    assert "Did you mean" in html and 'href="/codes/0xCAA82EE2"' in html
    assert "Network problem" in html


def test_no_results_says_so_and_shows_how_to_contact_it(client: FlaskClient) -> None:
    html = client.get("/search?q=xqzvwk").get_data(as_text=True)
    assert "No results" in html
    assert "mailto:help@example.org" in html


def test_no_results_suggests_a_spelling(client: FlaskClient) -> None:
    html = client.get("/search?q=clockk+xqzvwk").get_data(as_text=True)
    assert 'href="/search?q=clock"' in html or "0xCAA20003" in html


def test_empty_search_shows_how_to_search(client: FlaskClient) -> None:
    for url in ("/search", "/search?q=", "/search?q=+++"):
        response = client.get(url)
        assert response.status_code == 200
        assert "Type the status code" in response.get_data(as_text=True)


def test_too_long_query_is_refused_with_a_clear_message(client: FlaskClient) -> None:
    response = client.get("/search", query_string={"q": "proxy " * 400})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "please keep it under 2000" in html
    assert 'value="proxy proxy' in html  # what they typed is kept, not lost


def test_null_byte_is_refused_not_crashed(client: FlaskClient) -> None:
    response = client.get("/search", query_string={"q": "proxy\x00"})
    assert response.status_code == 400
