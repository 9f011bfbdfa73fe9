"""Secure by default: headers on every kind of answer (graded by Mozilla HTTP Observatory's
rules), cookies, the production secret-key check, settings, proxies, trusted hosts, request size,
escaping, and errors that leak nothing."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask, abort
from flask.testing import FlaskClient
from support.apps import make_app
from support.content import write_content
from werkzeug.test import TestResponse

from webapp import create_app
from webapp.config import PROJECT_ROOT, SettingError, secret_key_problem
from webapp.security import CONTENT_SECURITY_POLICY

STRONG_KEY = "k3Y-" + "0123456789abcdefghijklmnopqrstuvwxyz"

EXPECTED = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def _boom() -> str:
    raise RuntimeError("a bug, with a secret in its message: hunter2")


def _abort_503() -> str:
    abort(503)


def add_test_routes(app: Flask) -> None:
    """Routes that exist only in these tests: a bug, a 503, both on a page and under /api/."""
    app.add_url_rule("/test-only/boom", "test_boom", _boom)
    app.add_url_rule("/api/test-only/boom", "test_api_boom", _boom)
    app.add_url_rule("/test-only/unavailable", "test_unavailable", _abort_503)


@pytest.fixture
def app(content_dir: Path, tmp_path: Path) -> Flask:
    app = make_app(content_dir, tmp_path, POST_RATE_LIMIT="5 per minute")
    add_test_routes(app)
    return app


@pytest.fixture
def https_app(content_dir: Path, tmp_path: Path) -> Flask:
    app = make_app(content_dir, tmp_path, HTTPS="1", APP_ENV="production", SECRET_KEY=STRONG_KEY)
    add_test_routes(app)
    return app


def static_css(client: FlaskClient) -> str:
    html = client.get("/").get_data(as_text=True)
    return re.search(r'href="(/static/site\.[0-9a-f]+\.css)"', html)[1]


# Every kind of answer the site gives: (description, method, path, extra request options).
PAGE_TYPES = [
    ("home", "GET", "/", {}),
    ("code page", "GET", "/codes/0xCAA20003", {}),
    ("code page, HEAD", "HEAD", "/codes/0xCAA20003", {}),
    ("code table", "GET", "/codes", {}),
    ("unknown code (404 page)", "GET", "/codes/0xCAA99999", {}),
    ("not a code (404 page)", "GET", "/codes/hello", {}),
    ("other spelling (301)", "GET", "/codes/caa20003", {}),
    ("Markdown page", "GET", "/faq", {}),
    ("search results", "GET", "/search?q=clock", {}),
    ("search without results", "GET", "/search?q=zebra", {}),
    ("search for a code (303)", "GET", "/search?q=0xcaa20003", {}),
    ("query too long (400)", "GET", "/search?q=" + "a" * 2001, {}),
    ("API search", "GET", "/api/search?q=clock", {}),
    ("API code", "GET", "/api/codes/0xCAA20003", {}),
    ("API bad limit (400)", "GET", "/api/search?q=clock&limit=999", {}),
    ("API unknown address (404)", "GET", "/api/nothing", {}),
    ("OpenSearch", "GET", "/opensearch.xml", {}),
    ("health", "GET", "/healthz", {}),
    ("page not found", "GET", "/no-such-page", {}),
    ("method not allowed (405)", "POST", "/codes", {}),
    ("body too large (413)", "POST", "/feedback", {"data": {"comment": "x" * 20_000}}),
    ("form without token (400)", "POST", "/feedback", {"data": {"about": "code:0xCAA20003"}}),
    ("server error (500)", "GET", "/test-only/boom", {}),
    ("API server error (500)", "GET", "/api/test-only/boom", {}),
    ("unavailable (503)", "GET", "/test-only/unavailable", {}),
    ("OPTIONS", "OPTIONS", "/", {}),
]


def fetch(client: FlaskClient, method: str, path: str, options: dict) -> TestResponse:
    return client.open(path, method=method, **options)


@pytest.mark.parametrize(
    ("name", "method", "path", "options"), PAGE_TYPES, ids=[p[0] for p in PAGE_TYPES]
)
def test_every_answer_carries_the_security_headers(
    client: FlaskClient, name: str, method: str, path: str, options: dict
) -> None:
    response = fetch(client, method, path, options)
    for header, value in EXPECTED.items():
        assert response.headers.get(header) == value, (name, header)
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # not configured as HTTPS
    assert response.headers["X-Request-ID"]


def test_static_files_carry_the_security_headers(client: FlaskClient) -> None:
    response = client.get(static_css(client))
    assert response.status_code == 200
    for header, value in EXPECTED.items():
        assert response.headers.get(header) == value, header


def test_answers_from_the_page_cache_carry_them_too(client: FlaskClient, app: Flask) -> None:
    for _ in range(3):  # the first renders, the others come from memory (with and without cookie)
        for response in (client.get("/codes"), app.test_client().get("/codes")):
            for header, value in EXPECTED.items():
                assert response.headers.get(header) == value, header


def test_hsts_only_when_served_over_https(https_app: Flask) -> None:
    response = https_app.test_client().get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_a_header_the_answer_sets_itself_is_kept(content_dir: Path, tmp_path: Path) -> None:
    from webapp.security import SecurityHeaders

    def wsgi(environ, start_response):
        start_response("200 OK", [("X-Frame-Options", "SAMEORIGIN")])
        return [b""]

    captured = {}
    middleware = SecurityHeaders(make_app(content_dir, tmp_path), wsgi)
    middleware({}, lambda status, headers, exc_info=None: captured.update(headers=headers))
    names = [name for name, _ in captured["headers"]]
    assert names.count("X-Frame-Options") == 1
    assert dict(captured["headers"])["X-Frame-Options"] == "SAMEORIGIN"
    assert "Content-Security-Policy" in names


def parse_csp(value: str) -> dict[str, set[str]]:
    policy: dict[str, set[str]] = {}
    for directive in value.split(";"):
        parts = directive.strip().split()
        if parts:
            assert parts[0].lower() not in policy, f"duplicate directive {parts[0]}"
            policy[parts[0].lower()] = {p.lower() if p.startswith("'") else p for p in parts[1:]}
    return policy


@pytest.mark.parametrize(
    ("name", "method", "path", "options"), PAGE_TYPES, ids=[p[0] for p in PAGE_TYPES]
)
def test_every_answer_over_https_also_carries_hsts_and_no_credentials_for_others(
    https_app: Flask, name: str, method: str, path: str, options: dict
) -> None:
    client = https_app.test_client()
    response = client.open(path, method=method, base_url="https://localhost", **options)
    for header, value in EXPECTED.items():
        assert response.headers.get(header) == value, (name, header)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "Access-Control-Allow-Origin" not in response.headers
    if response.mimetype == "text/html":  # scripts only from the site itself
        assert not re.search(r'<script\b[^>]*src="(https?:)?//', response.get_data(as_text=True))


def test_the_session_cookie_over_https_is_secure_http_only_and_same_site(
    https_app: Flask,
) -> None:
    client = https_app.test_client()
    # The session starts with the feedback step after No; the public pages set no cookie.
    response = client.get("/feedback?about=code:0xCAA20003", base_url="https://localhost")
    [cookie] = response.headers.getlist("Set-Cookie")
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite"} <= attributes
    assert "SameSite=Lax" in cookie


def test_csp_is_strict() -> None:
    csp = parse_csp(CONTENT_SECURITY_POLICY)
    assert csp["default-src"] == {"'none'"}
    assert csp["script-src"] == {"'self'"}
    assert csp["style-src"] == {"'self'"}
    assert csp["frame-ancestors"] == {"'none'"}
    assert csp["base-uri"] == {"'none'"}
    assert csp["form-action"] == {"'self'"}
    for sources in csp.values():
        assert not sources & {"'unsafe-inline'", "'unsafe-eval'", "*", "https:", "http:"}


@pytest.mark.parametrize(
    "path", ["/", "/codes", "/codes/0xCAA20003", "/codes/0xCAA99999", "/faq", "/search?q=clock"]
)
def test_pages_need_nothing_the_csp_forbids(client: FlaskClient, path: str) -> None:
    """No inline script or style, no event handler attributes, nothing from elsewhere: the
    pages work as they are under the policy."""
    html = client.get(path).get_data(as_text=True)
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert re.search(r'\bsrc="/static/', tag), tag
    assert not re.search(r"<style\b", html)
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)
    for url in re.findall(r'<(?:link|script|img)\b[^>]*(?:href|src)="([^"]+)"', html):
        assert url.startswith("/") or url.startswith("http://localhost/"), url


# --- Cookies -------------------------------------------------------------------------------------


def session_cookie(response: TestResponse) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, "no session cookie"
    return cookies[0]


def test_session_cookie_is_httponly_and_samesite_lax(client: FlaskClient) -> None:
    cookie = session_cookie(client.get("/feedback?about=code:0xCAA20003"))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP in development: a Secure cookie would be lost


def test_session_cookie_is_secure_over_https(https_app: Flask) -> None:
    client = https_app.test_client()
    for _ in range(2):
        page = client.get("/feedback?about=code:0xCAA20003", base_url="https://localhost")
        cookie = session_cookie(page)
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        client.delete_cookie("session")


# --- The secret key -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "why"),
    [
        (None, "not set"),
        ("", "not set"),
        ("short-but-random-Zq8", "fewer than 32"),
        ("change-me", "placeholder"),
        ("a" * 40, "too few different"),
        ("abababababababababababababababababab", "too few different"),
    ],
)
def test_production_refuses_to_start_without_a_strong_secret_key(
    content_dir: Path, tmp_path: Path, key: str | None, why: str
) -> None:
    with pytest.raises(SettingError, match="SECRET_KEY") as raised:
        make_app(content_dir, tmp_path, APP_ENV="production", SECRET_KEY=key)
    assert why in str(raised.value)
    assert "secrets.token_hex" in str(raised.value)  # says how to make a good one


def test_production_starts_with_a_strong_secret_key(content_dir: Path, tmp_path: Path) -> None:
    app = make_app(content_dir, tmp_path, APP_ENV="production", SECRET_KEY=STRONG_KEY)
    assert app.config["SECRET_KEY"] == STRONG_KEY


def test_production_is_read_from_the_environment(
    content_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(SettingError):
        create_app({"CONTENT_DIR": str(content_dir), "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})


def test_development_makes_up_a_key_and_warns(
    content_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="webapp.security"):
        first = make_app(content_dir, tmp_path, SECRET_KEY=None)
        second = make_app(content_dir, tmp_path, SECRET_KEY=None)
    assert len(first.config["SECRET_KEY"]) >= 64
    assert first.config["SECRET_KEY"] != second.config["SECRET_KEY"]
    assert "SECRET_KEY is not set" in caplog.text


def test_secret_key_problems() -> None:
    assert secret_key_problem(STRONG_KEY) is None
    assert secret_key_problem(STRONG_KEY.encode()) is None
    assert secret_key_problem("SECRET") is not None  # placeholders in any case


# --- Proxies and hosts ----------------------------------------------------------------------------


def test_forwarded_headers_are_ignored_without_trusted_proxies(client: FlaskClient) -> None:
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    body = client.get("/api/codes/0xCAA20003", headers=headers).get_json()
    assert body["url"].startswith("http://localhost/")


def test_forwarded_headers_are_used_from_a_trusted_proxy(content_dir: Path, tmp_path: Path) -> None:
    app = make_app(content_dir, tmp_path, PROXY_COUNT="1")
    seen = {}

    @app.get("/test-only/remote")
    def remote() -> str:
        from flask import request

        seen["remote"] = request.remote_addr
        return "ok"

    client = app.test_client()
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.1, 203.0.113.9"}
    body = client.get("/api/codes/0xCAA20003", headers=headers).get_json()
    assert body["url"].startswith("https://localhost/")
    client.get("/test-only/remote", headers=headers)
    assert seen["remote"] == "203.0.113.9"  # the one the proxy saw, not what the client claimed


def test_trusted_hosts_refuse_other_host_headers(content_dir: Path, tmp_path: Path) -> None:
    app = make_app(content_dir, tmp_path, TRUSTED_HOSTS="help.example.org")
    client = app.test_client()
    assert client.get("/codes", base_url="http://help.example.org").status_code == 200
    for _ in range(2):  # never from the page cache either
        response = client.get("/codes", base_url="http://evil.example.com")
        assert response.status_code == 400
        assert "evil.example.com" not in response.get_data(as_text=True)


def test_pages_for_another_host_are_not_served_from_the_cache(client: FlaskClient) -> None:
    for _ in range(2):
        first = client.get("/api/codes/0xCAA20003", base_url="http://a.example").get_json()
        second = client.get("/api/codes/0xCAA20003", base_url="http://b.example").get_json()
        assert first["url"].startswith("http://a.example/")
        assert second["url"].startswith("http://b.example/")


# --- Request size ---------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_refused_with_413(client: FlaskClient) -> None:
    response = client.post("/feedback", data={"comment": "x" * 20_000})
    assert response.status_code == 413
    assert response.mimetype == "text/html"
    assert "search" in response.get_data(as_text=True).lower()  # the site's error page


def chunked_post(client: FlaskClient, body: bytes):
    """A form sent in chunks, without Content-Length, as Gunicorn hands it on."""
    return client.post(
        "/feedback",
        input_stream=io.BytesIO(body),
        headers={
            "Transfer-Encoding": "chunked",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_a_chunked_body_over_the_limit_is_refused_whole(client: FlaskClient, app: Flask) -> None:
    """Cut at the limit, the form below would still hold a valid Yes."""
    body = b"about=code%3A0xCAA20003&helpful=yes&pad=" + b"x" * 20_000
    assert chunked_post(client, body).status_code == 413
    with app.extensions["storage"].engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM feedback")).scalar_one() == 0


def test_a_chunked_body_within_the_limit_is_read_as_usual(client: FlaskClient) -> None:
    response = chunked_post(client, b"about=code%3A0xCAA20003&helpful=yes")
    assert response.status_code == 303


def test_a_body_over_the_limit_under_api_is_refused_with_json(client: FlaskClient) -> None:
    response = client.post("/api/search", data="x" * 20_000, content_type="text/plain")
    assert response.status_code == 413
    assert response.get_json()["status"] == 413


def test_the_body_limit_is_a_setting(content_dir: Path, tmp_path: Path) -> None:
    app = make_app(content_dir, tmp_path, MAX_CONTENT_LENGTH="100", WTF_CSRF_ENABLED=False)
    client = app.test_client()
    assert client.post("/feedback", data={"comment": "x" * 200}).status_code == 413


# --- Output is escaped, errors leak nothing ------------------------------------------------------


def test_no_template_marks_anything_safe() -> None:
    for template in (PROJECT_ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe\b", text), template
        assert "autoescape false" not in text, template


def test_raw_html_in_content_is_shown_as_text(tmp_path: Path) -> None:
    faq = """+++
title = "Questions"
description = "Common questions."
+++
Before <script>alert("content")</script> after, and <img src=x onerror=alert(1)>.

## A heading <b>bold</b> {#why}

Text.
"""
    root = write_content(tmp_path / "content", **{"pages__faq.md": faq})
    html = make_app(root, tmp_path).test_client().get("/faq").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;content&#34;)&lt;/script&gt;" in html or (
        "&lt;script&gt;alert(&quot;content&quot;)&lt;/script&gt;" in html
    )
    assert "<img src=x" not in html
    assert "<b>bold</b>" not in html


@pytest.mark.parametrize("path", ["/search?q=", "/api/search?q=", "/codes/", "/"])
def test_request_data_is_escaped(client: FlaskClient, path: str) -> None:
    payload = '<script>alert("x")</script>"\'><img src=x onerror=alert(1)>'
    from urllib.parse import quote

    response = client.get(path + quote(payload, safe=""))
    body = response.get_data(as_text=True)
    if response.mimetype == "application/json":  # data, never shown as HTML
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        return
    assert "<script>alert" not in body
    assert "<img src=x" not in body


def test_a_server_error_shows_a_reference_and_no_details(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        response = client.get("/test-only/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    request_id = response.headers["X-Request-ID"]
    assert request_id in body  # "tell IT the reference ..."
    for leak in ("Traceback", "RuntimeError", "hunter2", "werkzeug", "flask", "Python"):
        assert leak not in body, leak
    assert response.headers["Cache-Control"] == "no-store"
    records = [r for r in caplog.records if getattr(r, "request_id", None) == request_id]
    assert any(r.exc_info for r in records)  # the traceback is in the log, with the id
    assert any(r.levelno == logging.ERROR and "500" in r.getMessage() for r in records)


def test_an_api_server_error_is_json_with_the_reference(client: FlaskClient) -> None:
    response = client.get("/api/test-only/boom")
    assert response.status_code == 500
    body = response.get_json()
    assert body["status"] == 500
    assert body["request_id"] == response.headers["X-Request-ID"]
    assert "hunter2" not in response.get_data(as_text=True)


def test_a_client_error_in_json_has_the_reference_too(client: FlaskClient) -> None:
    response = client.get("/api/search?q=clock&limit=0")
    assert response.status_code == 400
    assert response.get_json()["error"] == "bad_request"


def test_no_version_in_any_header(client: FlaskClient) -> None:
    for path in ("/", "/codes/0xCAA20003", "/nope", "/test-only/boom"):
        response = client.get(path)
        for name, value in response.headers.items():
            assert not re.search(r"(werkzeug|python|flask|gunicorn)/?\d", value, re.I), name


@pytest.mark.parametrize("path", ["/faq", "/codes/0xCAA20003", "/nope"])
def test_a_host_no_address_can_be_built_for_is_a_plain_400(client: FlaskClient, path: str) -> None:
    client.get(path)  # in the page cache too
    response = client.get(path, headers={"Host": "x" * 64 + ".example"})
    assert response.status_code == 400
    assert "does not answer to that host name" in response.get_data(as_text=True)
