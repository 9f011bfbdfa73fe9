"""Fuzzing every route's parameters with Hypothesis: whatever is typed, the site never answers
a 5xx, never shows a traceback, and never puts what was typed into a page unescaped."""

from __future__ import annotations

import gzip
import string
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.apps import make_app

# Any text a URL can carry: every code point but surrogates (not encodable), control characters
# included; sometimes very long.
ANY_TEXT = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=60),
    st.text(st.characters(exclude_categories=("Cs",)), min_size=190, max_size=260),
    st.text(alphabet="0x123456789abcdefCAAO Il-.", max_size=40),  # nearly codes
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1000, max_size=3000),
)
# A marker that must never reach an HTML page unescaped, wherever it is put in the input.
MARKER = "<script>x7</script>"
FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    from support.content import write_content

    tmp = tmp_path_factory.mktemp("fuzz")
    content = write_content(tmp / "content")
    # Rate limits would turn the POST fuzzing into 429s; they have their own tests.
    return make_app(content, tmp, RATELIMIT_ENABLED=False)


@pytest.fixture
def client(fuzz_app: Flask) -> FlaskClient:
    return fuzz_app.test_client()


def with_marker(text: str, where: int) -> str:
    where = where % (len(text) + 1)
    return text[:where] + MARKER + text[where:]


def check(response) -> None:
    assert response.status_code < 500, response.status_code
    if response.headers.get("Content-Encoding") == "gzip":
        response.set_data(gzip.decompress(response.get_data()))
    body = response.get_data(as_text=True)
    if response.mimetype == "text/html" and not 300 <= response.status_code < 400:
        assert 'class="skip-link"' in body  # the site's own page, not a framework's
    assert MARKER not in body or response.mimetype == "application/json"
    if response.mimetype == "application/json":
        response.get_json()  # well-formed; the marker there is data, never HTML
        assert response.headers["X-Content-Type-Options"] == "nosniff"


@FUZZ
@given(text=ANY_TEXT, where=st.integers(min_value=0))
def test_search(client: FlaskClient, text: str, where: int) -> None:
    for query in (text, with_marker(text, where)):
        check(client.get("/search?q=" + quote(query, safe="")))


@FUZZ
@given(text=ANY_TEXT, where=st.integers(min_value=0), limit=ANY_TEXT)
def test_api_search(client: FlaskClient, text: str, where: int, limit: str) -> None:
    query = quote(with_marker(text, where), safe="")
    check(client.get(f"/api/search?q={query}&limit={quote(limit, safe='')}"))
    check(client.get(f"/api/search?q={query}&lang={quote(limit, safe='')}"))


@FUZZ
@given(text=ANY_TEXT, where=st.integers(min_value=0))
def test_code_pages(client: FlaskClient, text: str, where: int) -> None:
    for code in (text, with_marker(text, where)):
        path = quote(code, safe="")
        for prefix in ("/codes/", "/api/codes/", "/de/codes/"):
            check(client.get(prefix + path))


@FUZZ
@given(text=ANY_TEXT, where=st.integers(min_value=0))
def test_pages(client: FlaskClient, text: str, where: int) -> None:
    for slug in (text, with_marker(text, where)):
        path = quote(slug, safe="")
        check(client.get("/" + path))
        check(client.get("/de/" + path))
        check(client.get("/static/" + path))


@FUZZ
@given(
    fields=st.dictionaries(
        st.sampled_from(["about", "step", "helpful", "comment", "tried", "csrf_token", "x"]),
        ANY_TEXT,
    ),
    about=ANY_TEXT,
)
def test_feedback_form(client: FlaskClient, fields: dict, about: str) -> None:
    check(client.post("/feedback", data={k: v.replace("\x00", "") for k, v in fields.items()}))
    check(client.get("/feedback?about=" + quote(with_marker(about, 3), safe="")))


@FUZZ
@given(
    path=st.text(alphabet=string.printable, max_size=80),
    accept=st.text(alphabet=string.printable, max_size=60),
    language=st.text(alphabet=string.printable, max_size=60),
    request_id=st.text(alphabet=string.printable, max_size=140),
)
def test_headers(
    client: FlaskClient, path: str, accept: str, language: str, request_id: str
) -> None:
    headers = {
        "Accept": accept.replace("\n", " ").replace("\r", " "),
        "Accept-Encoding": accept.replace("\n", " ").replace("\r", " "),
        "Accept-Language": language.replace("\n", " ").replace("\r", " "),
        "If-None-Match": language.replace("\n", " ").replace("\r", " "),
        "X-Request-ID": request_id.replace("\n", " ").replace("\r", " "),
    }
    check(client.get("/" + quote(path, safe="/?=&"), headers=headers))
    check(client.get("/codes", headers=headers))
