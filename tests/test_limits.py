"""Limits: form posts per client (429 with Retry-After), query length, API results."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from support.apps import make_app

from webapp.ratelimit import TOO_MANY_POSTS

FORM = {"about": "code:0xCAA20003", "step": "answer", "helpful": "yes"}


@pytest.fixture
def app(content_dir: Path, tmp_path: Path) -> Flask:
    app = make_app(content_dir, tmp_path, POST_RATE_LIMIT="3 per minute", WTF_CSRF_ENABLED=False)

    @app.post("/api/test-only/echo")
    def echo() -> dict:
        return {"ok": True}

    return app


def test_form_posts_over_the_limit_get_429_with_retry_after(client: FlaskClient) -> None:
    for _ in range(3):
        assert client.post("/feedback", data=FORM).status_code == 303
    response = client.post("/feedback", data=FORM)
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert "Too many tries in a short time" in body
    assert "too often" in body  # the site's words, in the site's layout
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Security-Policy"]


def test_the_limit_is_shared_by_every_form_and_posts_that_fail(client: FlaskClient) -> None:
    """Bad posts count too: a script cannot try forever."""
    assert client.post("/feedback", data={"about": "nonsense"}).status_code == 400
    assert client.post("/api/test-only/echo").status_code == 200
    assert client.post("/feedback", data=FORM).status_code == 303
    assert client.post("/feedback", data=FORM).status_code == 429


def test_429_under_api_is_json(client: FlaskClient) -> None:
    for _ in range(3):
        client.post("/api/test-only/echo")
    response = client.post("/api/test-only/echo")
    assert response.status_code == 429
    body = response.get_json()
    assert body["status"] == 429
    assert body["message"] == str(TOO_MANY_POSTS)
    assert response.headers["Retry-After"]


def test_each_client_has_its_own_budget(client: FlaskClient) -> None:
    for _ in range(3):
        client.post("/feedback", data=FORM)
    assert client.post("/feedback", data=FORM).status_code == 429
    other = {"REMOTE_ADDR": "192.0.2.7"}
    assert client.post("/feedback", data=FORM, environ_base=other).status_code == 303


def test_a_forwarded_address_is_not_trusted_without_proxies(client: FlaskClient) -> None:
    for n in range(3):
        client.post("/feedback", data=FORM, headers={"X-Forwarded-For": f"198.51.100.{n}"})
    response = client.post("/feedback", data=FORM, headers={"X-Forwarded-For": "198.51.100.99"})
    assert response.status_code == 429


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_budget(
    content_dir: Path, tmp_path: Path
) -> None:
    app = make_app(
        content_dir,
        tmp_path,
        POST_RATE_LIMIT="2 per minute",
        PROXY_COUNT="1",
        WTF_CSRF_ENABLED=False,
    )
    client = app.test_client()
    first = {"X-Forwarded-For": "198.51.100.1"}
    for _ in range(2):
        assert client.post("/feedback", data=FORM, headers=first).status_code == 303
    assert client.post("/feedback", data=FORM, headers=first).status_code == 429
    second = {"X-Forwarded-For": "198.51.100.2"}
    assert client.post("/feedback", data=FORM, headers=second).status_code == 303


def test_reading_is_never_limited(client: FlaskClient) -> None:
    for _ in range(50):
        assert client.get("/codes/0xCAA20003").status_code == 200
        assert client.get("/search?q=clock").status_code == 200
    for _ in range(3):
        client.post("/feedback", data=FORM)
    assert client.get("/codes").status_code == 200  # even once posts are over the limit


def test_rate_limiting_can_be_turned_off(content_dir: Path, tmp_path: Path) -> None:
    app = make_app(content_dir, tmp_path, POST_RATE_LIMIT="", WTF_CSRF_ENABLED=False)
    client = app.test_client()
    for _ in range(10):
        assert client.post("/feedback", data=FORM).status_code == 303


def test_the_store_is_a_setting(content_dir: Path, tmp_path: Path) -> None:
    app = make_app(content_dir, tmp_path, RATELIMIT_STORAGE_URI="memory://")
    assert app.extensions["ratelimit"]._storage_uri == "memory://"


# --- Query length and API results -----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/search?q=", "/api/search?q="])
def test_a_long_query_is_refused_with_400(client: FlaskClient, path: str) -> None:
    query = quote("0xCAA20003 " * 370, safe="")  # ~4000 characters, about the longest URL
    response = client.get(path + query)
    assert response.status_code == 400
    assert "0xCAA20003 " * 190 not in response.get_data(as_text=True)  # not echoed whole


@pytest.mark.parametrize("length", [2000, 2001])
def test_the_query_limit_is_2000_characters(client: FlaskClient, length: int) -> None:
    status = client.get("/search?q=" + "a" * length).status_code
    assert status == (200 if length <= 2000 else 400)


@pytest.mark.parametrize("path", ["/codes/", "/api/codes/"])
def test_a_long_code_address_is_a_clear_4xx(client: FlaskClient, path: str) -> None:
    """(How fast: tests/benchmarks; a timed assertion would fail on a busy machine.)"""
    response = client.get(path + "0x" + "C" * 4000)
    assert response.status_code in (400, 404)
    assert b"Traceback" not in response.get_data()


# "error" is in four documents of the test content: the limit must cut them.
@pytest.mark.parametrize(
    ("limit", "status", "results"), [("1", 200, 1), ("3", 200, 3), ("50", 200, 4), ("51", 400, 0)]
)
def test_the_api_gives_as_many_results_as_asked_up_to_50(
    client: FlaskClient, limit: str, status: int, results: int
) -> None:
    response = client.get(f"/api/search?q=error&limit={limit}")
    assert response.status_code == status
    if status == 200:
        assert len(response.get_json()["results"]) == results
