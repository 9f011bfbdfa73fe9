"""Cross-site posts are refused by their own headers (Sec-Fetch-Site, Origin, Referer over
HTTPS) with a 403 that says why, and nothing is stored; the site's own posts go through."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from support.apps import make_app

from webapp.storage.tables import feedback

YES = {"about": "code:0xCAA20003", "helpful": "yes"}


def stored(app: Flask) -> int:
    with app.extensions["storage"].engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(feedback)).scalar_one()


@pytest.fixture
def app(content_dir: Path, tmp_path: Path) -> Flask:
    return make_app(content_dir, tmp_path, RATELIMIT_ENABLED=False)


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},  # a sibling subdomain is another origin
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"},  # the browser's word wins
        {"Origin": "https://evil.example"},
        {"Origin": "null"},  # a sandboxed frame or a data: page
        {"Origin": "http://localhost.evil.example"},
    ],
)
def test_a_cross_site_post_is_refused_and_stores_nothing(app: Flask, headers: dict) -> None:
    response = app.test_client().post("/feedback", data=YES, headers=headers)
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "sent from another website, so nothing was saved" in html
    assert stored(app) == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},  # typed or bookmarked by the person
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"},
        {"Origin": "http://localhost"},  # an older browser
        {},  # not a browser at all: it carries nobody's cookies
    ],
)
def test_the_sites_own_post_goes_through(app: Flask, headers: dict) -> None:
    response = app.test_client().post("/feedback", data=YES, headers=headers)
    assert response.status_code == 303
    assert stored(app) == 1


def test_over_https_a_foreign_referer_without_origin_is_refused(app: Flask) -> None:
    client = app.test_client()
    https = {"base_url": "https://localhost"}
    foreign = client.post(
        "/feedback", data=YES, headers={"Referer": "https://evil.example/x"}, **https
    )
    own = client.post("/feedback", data=YES, headers={"Referer": "https://localhost/faq"}, **https)
    assert (foreign.status_code, own.status_code) == (403, 303)
    assert stored(app) == 1


def test_with_a_site_url_only_that_origin_is_the_sites_own(content_dir, tmp_path) -> None:
    app = make_app(content_dir, tmp_path, SITE_URL="https://help.example.org")
    client = app.test_client()
    assert (
        client.post("/feedback", data=YES, headers={"Origin": "http://localhost"}).status_code
        == 403
    )
    own = {"Origin": "https://help.example.org"}
    assert client.post("/feedback", data=YES, headers=own).status_code == 303
    assert stored(app) == 1


def test_the_refusal_is_in_the_pages_language(shipped_app: Flask) -> None:
    response = shipped_app.test_client().post(
        "/de/feedback", data=YES, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403
    assert "von einer anderen Website gesendet" in response.get_data(as_text=True)


def test_reading_is_never_refused(app: Flask) -> None:
    response = app.test_client().get("/codes/0xCAA20003", headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 200  # a link from another site is how people arrive
