"""Every page a person reads is a public document: no cookie, no per-visitor bytes, and
caching headers that let any shared cache serve it. Walks every route of the URL map, in
every language, so that a new page cannot slip through."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

# Routes whose answers are someone's own or must never be kept, and why.
PERSONAL = {
    "feedback.details": "the step after No: the person's own open answer and form token",
    "health.healthz": "for load balancers: a cached 'ok' would hide a broken server",
    "metrics.metrics": "for Prometheus, live counts: a kept copy would be stale",
    "notices_api.one": "one notice with its history, for IT: needs a token",
}
# The IT desk (/it/): private to IT, its own cookie; every answer private and never kept.
PRIVATE_BLUEPRINT = "it_desk."
# A value for every variable a route has; a new variable needs one here.
SAMPLES = {
    "typed": ["0xCAA20003", "AADSTS50126", "0xCAA2FFFF", "caa20003", "none", "12029"],
    "anything": ["nothing-here"],
    "notice_id": ["1"],
}
PUBLIC = re.compile(
    r"^public, max-age=\d+, s-maxage=\d+, stale-while-revalidate=\d+, stale-if-error=\d+$"
)


def addresses(app: Flask, client: FlaskClient) -> list[tuple[str, str]]:
    """(endpoint, address) for every GET route, with sample values, in every language."""
    from webapp.content import current_site

    with app.app_context():
        site = current_site()
        slugs = [page.slug for page in site.contents[site.default_language].pages]
    css = re.search(r'href="(/static/[^"]+\.css)"', client.get("/").get_data(as_text=True))[1]
    samples = {**SAMPLES, "slug": slugs}
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        if rule.endpoint == "static":
            found.append(("static", css))
            continue
        names = sorted(rule.arguments)
        assert all(name in samples for name in names), f"no sample for {rule.rule}"
        values = [{}] if not names else [{names[0]: v} for v in samples[names[0]]]
        for language in site.languages:
            prefix = "" if language == site.default_language else f"/{language}"
            for value in values:
                path = rule.rule
                for name, sample in value.items():
                    path = re.sub(rf"<(?:\w+:)?{name}>", sample, path)
                query = {"search.search": "?q=clock", "api.search": "?q=clock"}
                found.append((rule.endpoint, prefix + path + query.get(rule.endpoint, "")))
    return found


@pytest.mark.parametrize("visit", ["first", "again"])
def test_no_page_a_person_reads_sets_a_cookie_or_forbids_caching(
    shipped_app: Flask, visit: str
) -> None:
    client = shipped_app.test_client(use_cookies=False)
    pages = addresses(shipped_app, client)
    assert {endpoint for endpoint, _ in pages} >= {
        "it_desk.now", "it_desk.sign_in",
        "pages.home", "pages.page", "codes.table", "codes.code", "search.search",
        "search.opensearch", "api.code", "api.codes", "api.search", "static",
    }  # fmt: skip
    for endpoint, path in pages:
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
        if endpoint.startswith(PRIVATE_BLUEPRINT):
            assert response.headers["Cache-Control"] == "private, no-store", path
            assert response.status_code in (200, 303, 404), path  # never data without sign-in
            continue
        if endpoint in PERSONAL:
            continue
        control = response.headers.get("Cache-Control", "")
        assert "Set-Cookie" not in response.headers, path
        assert "no-store" not in control and "private" not in control, (path, control)
        assert "cookie" not in response.headers.get("Vary", "").lower(), path
        if endpoint in ("search.search", "api.search"):
            assert control == "public, no-cache", path  # asked again: misses are counted
        elif endpoint == "static":
            assert control == "public, max-age=31536000, immutable", path
        else:
            assert PUBLIC.match(control), (path, control)
        assert response.headers.get("ETag", "").startswith('"'), path  # strong


def test_the_same_bytes_for_everyone(shipped_app: Flask) -> None:
    """Two visitors, one of them in the middle of giving feedback (with a session)."""
    stranger = shipped_app.test_client(use_cookies=False)
    regular = shipped_app.test_client()
    regular.post("/feedback", data={"about": "code:0xCAA20003", "helpful": "no"})
    assert regular.get_cookie("session") is not None
    for path in ("/codes/0xCAA20003", "/de/codes/0xCAA20003", "/faq", "/codes", "/"):
        mine, theirs = regular.get(path), stranger.get(path)
        assert mine.get_data() == theirs.get_data(), path
        assert mine.headers["ETag"] == theirs.headers["ETag"]
        assert "Set-Cookie" not in mine.headers


def test_a_signed_in_it_person_gets_the_same_public_pages(shipped_app: Flask) -> None:
    """The desk's cookie lives at /it/ only: the public pages never see it, never set one."""
    from support.it_desk import sign_in_with_token

    desk = shipped_app.test_client()
    assert sign_in_with_token(desk).status_code == 303
    stranger = shipped_app.test_client(use_cookies=False)
    for path in ("/codes/0xCAA20003", "/de/faq", "/"):
        mine, theirs = desk.get(path), stranger.get(path)
        assert mine.get_data() == theirs.get_data(), path
        assert "Set-Cookie" not in mine.headers and "private" not in mine.headers["Cache-Control"]
