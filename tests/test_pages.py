"""Home, Markdown pages, health check, OpenSearch and error pages."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from jinja2 import DictLoader


def test_home_explains_the_site_and_offers_a_search_without_autofocus(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert "<h1>Sign-in help</h1>" in html
    assert 'action="/search"' in html and 'name="q"' in html
    # No autofocus: a screen reader would start mid-page, past the heading and the skip link.
    assert "autofocus" not in html
    assert '<label for="q">' in html
    assert 'href="/codes"' in html and 'href="/faq"' in html


def test_shipped_home_links_to_the_table_faq_and_references(shipped_client: FlaskClient) -> None:
    html = shipped_client.get("/").get_data(as_text=True)
    for href in ('href="/codes"', 'href="/faq"', 'href="/references"'):
        assert href in html


def test_every_page_has_the_search_box(client: FlaskClient) -> None:
    for url in ("/codes", "/codes/0xCAA20003", "/faq", "/search?q=clock", "/no-such-page"):
        html = client.get(url).get_data(as_text=True)
        assert 'action="/search"' in html, url
        assert "Status code or question</label>" in html, url


def test_markdown_page_is_served_at_its_slug(client: FlaskClient) -> None:
    response = client.get("/faq")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<title>Questions · " in html
    assert '<h2 id="why">' in html and '<h2 id="mfa">' in html
    assert 'href="/codes/0xCAA20003"' in html


def test_faq_questions_have_stable_ids(shipped_client: FlaskClient) -> None:
    html = shipped_client.get("/faq").get_data(as_text=True)
    for anchor in (
        "why-cant-i-sign-in",
        "what-is-modern-authentication",
        "what-is-sso",
        "what-is-mfa",
    ):
        assert f'id="{anchor}"' in html


def test_references_link_out_safely(shipped_client: FlaskClient) -> None:
    html = shipped_client.get("/references").get_data(as_text=True)
    assert html.count('class="external"') >= 3
    assert 'rel="external noopener noreferrer"' in html
    assert "learn.microsoft.com" in html and "support.microsoft.com" in html


def test_unknown_page_is_a_404_in_the_site_layout(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "We can't find that page" in html
    assert 'class="skip-link"' in html  # in the site's layout, not Werkzeug's bare page


def test_api_404_is_json(client: FlaskClient) -> None:
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


def test_wrong_method_is_405_not_500(client: FlaskClient) -> None:
    response = client.post("/codes")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_unexpected_error_is_a_500_page_without_a_trace(app, client: FlaskClient) -> None:
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong on our side" in html
    assert "secret detail" not in html and "RuntimeError" not in html


def test_healthz_reports_what_is_loaded(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "codes": 6, "pages": 1}


def test_healthz_is_503_with_the_reason_when_pages_cannot_render(app: Flask) -> None:
    app.jinja_env.loader = DictLoader({})  # as in an install that lost its templates
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "error",
        "reason": "pages cannot be rendered: TemplateNotFound",
    }
    assert response.headers["Cache-Control"] == "no-store"


def test_opensearch_description_is_linked_and_valid(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert 'rel="search" type="application/opensearchdescription+xml"' in html
    response = client.get("/opensearch.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/opensearchdescription+xml"
    body = response.get_data(as_text=True)
    assert 'template="http://localhost/search?q={searchTerms}"' in body
