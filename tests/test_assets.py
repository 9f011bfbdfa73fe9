"""Static files under content-hashed names, cached for a year; other names never a 500."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from webapp import assets
from webapp.assets import asset_url, build_manifest, hashed_name
from webapp.config import PROJECT_ROOT

STATIC = PROJECT_ROOT / "static"


def fetch(client: FlaskClient, path: str, **kwargs):
    """GET ``path`` and close the response (a file response holds the file open until then)."""
    response = client.get(path, **kwargs)
    response.get_data()
    response.close()
    return response


def asset_links(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_hashed_name_keeps_the_folder_and_extension() -> None:
    assert hashed_name("site.css", "0123456789abcdef") == "site.0123456789ab.css"
    assert hashed_name("js/app.min.js", "abcdef0123456789") == "js/app.min.abcdef012345.js"
    assert hashed_name("LICENSE", "abcdef0123456789") == "LICENSE.abcdef012345"


def hashed_names(folder: Path) -> dict[str, str]:
    return {name: asset.hashed for name, asset in build_manifest(folder).by_name.items()}


def test_the_name_changes_with_the_content(tmp_path: Path) -> None:
    (tmp_path / "site.css").write_text("body { color: black }")
    (tmp_path / ".hidden").write_text("not served by name")
    first = hashed_names(tmp_path)
    assert set(first) == {"site.css"}
    (tmp_path / "site.css").write_text("body { color: navy }")
    second = hashed_names(tmp_path)
    assert first["site.css"] != second["site.css"]
    assert hashed_names(tmp_path) == second  # and only with the content


def test_pages_link_css_js_and_icon_by_hashed_name(client: FlaskClient) -> None:
    links = asset_links(client.get("/").get_data(as_text=True))
    assert len(links) == 3
    for link in links:
        assert re.fullmatch(r"/static/(site|favicon)\.[0-9a-f]{12}\.(css|js|svg)", link), link


def test_every_template_uses_asset_url_not_url_for_static() -> None:
    for template in (PROJECT_ROOT / "templates").rglob("*.html"):
        assert "url_for('static'" not in template.read_text(), template


@pytest.mark.parametrize("name", ["site.css", "site.js", "favicon.svg"])
def test_a_hashed_name_is_cached_for_a_year(client: FlaskClient, name: str) -> None:
    html = client.get("/").get_data(as_text=True)
    (link,) = (link for link in asset_links(html) if link.endswith(Path(name).suffix))
    response = fetch(client, link)
    assert response.status_code == 200
    assert response.get_data() == (STATIC / name).read_bytes()
    cache = response.cache_control
    assert cache.public and cache.immutable and cache.max_age == 31536000
    assert response.mimetype in {"text/css", "text/javascript", "image/svg+xml"}


def test_the_plain_name_still_works_but_is_revalidated(client: FlaskClient) -> None:
    response = fetch(client, "/static/site.css")
    assert response.status_code == 200
    assert response.get_data() == (STATIC / "site.css").read_bytes()
    assert response.cache_control.no_cache and not response.cache_control.immutable
    assert response.headers["ETag"]
    again = fetch(client, "/static/site.css", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_a_stale_hash_gets_the_current_file_uncached(client: FlaskClient) -> None:
    response = fetch(client, "/static/site.000000000000.css")
    assert response.status_code == 200
    assert response.get_data() == (STATIC / "site.css").read_bytes()
    assert response.cache_control.no_cache and not response.cache_control.immutable


@pytest.mark.parametrize(
    "path",
    [
        "/static/nothing.css",
        "/static/nothing.0123456789ab.css",
        "/static/../pyproject.toml",
        "/static/%2e%2e/pyproject.toml",
        "/static/",
    ],
)
def test_anything_else_is_a_clean_404(client: FlaskClient, path: str) -> None:
    assert fetch(client, path).status_code == 404, path


def test_debug_mode_sees_edits_without_a_restart(app: Flask, tmp_path: Path) -> None:
    static = tmp_path / "static"
    static.mkdir()
    (static / "site.css").write_text("a {}")
    debug_app = Flask(__name__, static_folder=str(static))
    debug_app.debug = True
    assets.init_app(debug_app)
    with debug_app.test_request_context():
        before = assets.asset_url("site.css")
        (static / "site.css").write_text("a { color: red }")
        assert assets.asset_url("site.css") != before


def test_an_unknown_asset_is_a_mistake_in_the_template(app: Flask) -> None:
    with app.test_request_context(), pytest.raises(LookupError, match=r"no-such\.css"):
        asset_url("no-such.css")
