"""Home, Markdown pages, health check, OpenSearch and error pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jinja2 import DictLoader
from support.content import write_content

from webapp.config import PROJECT_ROOT
from webapp.content import ContentError, load_site


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


@pytest.mark.parametrize("path", ["/first-checks", "/reset-teams", "/mfa", "/de/phone"])
def test_a_guide_marks_guides_as_current_in_the_navigation(
    shipped_client: FlaskClient, path: str
) -> None:
    html = shipped_client.get(path).get_data(as_text=True)
    nav = html[html.index("<nav aria-label=") : html.index("</nav>")]
    guides = "/de/guides" if path.startswith("/de/") else "/guides"
    assert f'<a href="{guides}" aria-current="true">' in nav
    assert nav.count("aria-current") == 1
    # The overview itself is the page the entry leads to.
    overview = shipped_client.get(guides).get_data(as_text=True)
    assert f'<a href="{guides}" aria-current="page">' in overview


@pytest.mark.parametrize("prefix", ["", "/de"])
def test_the_faq_asks_whether_it_helped_after_answers_not_after_definitions(
    shipped_client: FlaskClient, prefix: str
) -> None:
    html = shipped_client.get(f"{prefix}/faq").get_data(as_text=True)
    assert 'id="feedback-why-cant-i-sign-in"' in html
    assert 'id="feedback-where-is-the-status-code"' in html
    for definition in ("what-is-modern-authentication", "what-is-sso", "what-is-mfa"):
        assert f'id="{definition}"' in html
        assert f'id="feedback-{definition}"' not in html


def test_a_definition_must_name_a_section_of_the_page(tmp_path: Path) -> None:
    page = '+++\ntitle = "Terms"\ndefinitions = ["what-is-x"]\n+++\n## Y {#y}\n\nY.\n'
    root = write_content(tmp_path / "content", **{"pages/terms.md": page})
    with pytest.raises(ContentError) as caught:
        load_site(root)
    assert [str(p) for p in caught.value.problems] == [
        "content/pages/terms.md: front matter: definitions: no section has the id 'what-is-x'"
    ]


def test_the_readme_shows_what_healthz_really_answers(shipped_client: FlaskClient) -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    shown = json.loads(readme.split("| `/healthz` | For load balancers: `", 1)[1].split("`", 1)[0])
    real = shipped_client.get("/healthz").get_json()
    assert shown.keys() == real.keys() and shown["status"] == real["status"]
    assert shown["pages"] == real["pages"]
    assert real["codes"] >= shown["codes"] >= 600  # the catalogue only grows
