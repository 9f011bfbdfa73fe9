"""Public pages: rendered once per worker and served from memory before Flask; keyed so that
no forged header or junk query can poison or flush them; Cache-Control, strong ETags, 304s and
gzip the same whichever way an answer is made."""

from __future__ import annotations

import functools
import gzip
import re
from pathlib import Path

import pytest
from flask import Flask, session
from support.apps import make_app

from webapp.caching import CachedPage, PageCache
from webapp.caching.compression import accepts_gzip

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
PUBLIC = "public, max-age=10, s-maxage=300, stale-while-revalidate=60, stale-if-error=86400"
IGNORED = {"Date", "X-Request-ID", "Content-Length"}


@pytest.fixture
def app(content_dir: Path, tmp_path: Path) -> Flask:
    return make_app(content_dir, tmp_path, RATELIMIT_ENABLED=False)


def count_calls(app: Flask, endpoint: str) -> list[int]:
    """Make the view of ``endpoint`` count its calls (keeping its page-cache policy)."""
    calls = [0]
    view = app.view_functions[endpoint]

    @functools.wraps(view)
    def counting(**kwargs):
        calls[0] += 1
        return view(**kwargs)

    app.view_functions[endpoint] = counting
    return calls


def headers_of(response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k not in IGNORED}


# --- Rendered once --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("endpoint", "path"),
    [
        ("pages.home", "/"),
        ("pages.page", "/faq"),
        ("codes.table", "/codes"),
        ("codes.code", "/codes/0xCAA20003"),
        ("codes.code", "/codes/caa20003"),  # the 301 to the canonical spelling
        ("codes.code", "/codes/0xCAA2FFFF"),  # a code no entry has: a 404 explained by family
        ("search.search", "/search?q=clock"),
        ("search.search", "/search?q=zebra"),  # found nothing: still kept, still counted
        ("search.search", "/search?q=0xcaa20003"),  # the 303 to the code
        ("search.opensearch", "/opensearch.xml"),
        ("api.search", "/api/search?q=clock"),
        ("api.codes", "/api/codes"),
        ("api.code", "/api/codes/0xCAA20003"),
    ],
)
def test_a_public_page_is_rendered_once(app: Flask, endpoint: str, path: str) -> None:
    calls = count_calls(app, endpoint)
    client = app.test_client()
    first = client.get(path, headers=GZIP)
    later = [client.get(path), client.get(path, headers=GZIP), client.head(path)]
    assert calls[0] == 1, path
    for answer in later:
        assert answer.status_code == first.status_code
        assert answer.headers.get("Location") == first.headers.get("Location")


@pytest.mark.parametrize(
    "path", ["/", "/faq", "/codes", "/codes/0xCAA20003", "/codes/0xCAA2FFFF", "/api/codes"]
)
@pytest.mark.parametrize("headers", [{}, GZIP], ids=["identity", "gzip"])
def test_an_answer_from_memory_is_the_rendered_answer_byte_for_byte(
    app: Flask, path: str, headers: dict
) -> None:
    client = app.test_client()
    rendered = client.get(path, headers=headers)
    remembered = client.get(path, headers=headers)
    assert remembered.status_code == rendered.status_code
    assert headers_of(remembered) == headers_of(rendered)
    assert remembered.get_data() == rendered.get_data()


def test_the_page_cache_can_be_turned_off(content_dir: Path, tmp_path: Path) -> None:
    app = make_app(content_dir, tmp_path, PAGE_CACHE_MB="0")
    calls = count_calls(app, "codes.table")
    client = app.test_client()
    for _ in range(3):
        assert client.get("/codes").headers["Cache-Control"] == PUBLIC
    assert calls[0] == 3


def test_head_from_the_cache_has_no_body(app: Flask) -> None:
    client = app.test_client()
    body = client.get("/codes").get_data()
    head = client.head("/codes")
    assert head.status_code == 200
    assert head.get_data() == b""
    assert int(head.headers["Content-Length"]) == len(body)


# --- Neither poisoned nor flushed -----------------------------------------------------------------


def test_junk_query_arguments_neither_make_entries_nor_reach_the_page(app: Flask) -> None:
    calls = count_calls(app, "pages.page")
    client = app.test_client()
    client.get("/faq")
    for n in range(50):
        page = client.get(f"/faq?i={n}&pad={'x' * n}")
        assert page.status_code == 200
    assert calls[0] == 1
    assert "pad=" not in page.get_data(as_text=True)  # hreflang links carry no junk
    assert len(app.extensions["page_cache"].store) == 1


def test_a_forged_script_name_cannot_turn_a_german_page_english(shipped_app: Flask) -> None:
    client = shipped_app.test_client()
    german = client.get("/de/faq").get_data(as_text=True)
    assert 'lang="de"' in german
    forged = client.get("/faq", environ_overrides={"SCRIPT_NAME": "/de"})
    assert forged.get_data(as_text=True) != german  # its own entry, whatever it renders
    for _ in range(3):
        assert client.get("/de/faq").get_data(as_text=True) == german


def test_with_a_site_url_a_forged_host_never_reaches_a_page(content_dir, tmp_path) -> None:
    app = make_app(content_dir, tmp_path, SITE_URL="https://help.example.org")
    client = app.test_client()
    for path in ("/codes/0xCAA20003", "/opensearch.xml", "/api/codes/0xCAA20003", "/faq"):
        for _ in range(2):
            body = client.get(path, headers={"Host": "evil.example"}).get_data(as_text=True)
            assert "evil.example" not in body, path
            assert "https://help.example.org/" in body, path


def test_without_a_site_url_pages_are_kept_per_host(app: Flask) -> None:
    client = app.test_client()
    client.get("/codes/0xCAA20003", headers={"Host": "evil.example"})
    body = client.get("/codes/0xCAA20003").get_data(as_text=True)
    assert "evil.example" not in body
    assert "http://localhost/codes/0xCAA20003" in body


def test_the_home_page_is_kept_per_language_choice(shipped_app: Flask) -> None:
    """/ varies on Accept-Language: a German browser is sent to /de/."""
    client = shipped_app.test_client()
    for _ in range(2):
        english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
        german = client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"})
        assert english.status_code == 200 and "Accept-Language" in english.headers["Vary"]
        assert german.status_code == 302 and german.headers["Location"].endswith("/de/")


# --- Cache-Control --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", PUBLIC),
        ("/faq", PUBLIC),
        ("/codes", PUBLIC),
        ("/codes/0xCAA20003", PUBLIC),
        ("/codes/0xCAA2FFFF", PUBLIC),  # a 404 explained by its family: the same for everyone
        ("/codes/caa20003", PUBLIC),
        ("/api/codes/0xCAA20003", PUBLIC),
        ("/opensearch.xml", PUBLIC),
        ("/search?q=clock", "public, no-cache"),
        ("/search?q=0xcaa20003", "public, no-cache"),
        ("/api/search?q=clock", "public, no-cache"),
        ("/search?q=" + "a" * 2001, "public, no-cache"),  # a 400
        ("/healthz", "no-store"),
        ("/feedback?about=code:0xCAA20003", "no-store"),  # someone's own step
    ],
)
def test_cache_control(app: Flask, path: str, expected: str) -> None:
    """(Every route in both languages: tests/test_public_pages.py.)"""
    client = app.test_client()
    for _ in range(2):  # rendered, then from memory
        assert client.get(path).headers["Cache-Control"] == expected


def test_form_answers_are_not_stored(app: Flask) -> None:
    response = app.test_client().post("/feedback", data={"about": "code:0xCAA20003"})
    assert response.headers["Cache-Control"] == "no-store"


def test_the_max_age_is_a_setting_and_browsers_keep_at_most_10_seconds_of_it(
    content_dir: Path, tmp_path: Path
) -> None:
    for setting, browser in (("30", 10), ("5", 5)):
        client = make_app(content_dir, tmp_path, CACHE_MAX_AGE=setting).test_client()
        for _ in range(2):
            control = client.get("/codes").headers["Cache-Control"]
            assert f"max-age={browser}," in control and f"s-maxage={setting}," in control


# --- ETag and 304 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/codes", "/search?q=clock", "/api/codes"])
@pytest.mark.parametrize("headers", [{}, GZIP], ids=["identity", "gzip"])
def test_a_conditional_get_is_answered_304(app: Flask, path: str, headers: dict) -> None:
    client = app.test_client()
    for _ in range(2):  # rendered, then from memory
        first = client.get(path, headers=headers)
        etag = first.headers["ETag"]
        assert not etag.startswith("W/")  # strong: the same bytes for everyone
        again = client.get(path, headers={**headers, "If-None-Match": etag})
        assert again.status_code == 304
        assert again.get_data() == b""
        assert again.headers["ETag"] == etag
        assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
        other = client.get(path, headers={**headers, "If-None-Match": '"something-else"'})
        assert other.status_code == 200


def test_each_encoding_has_its_own_strong_etag(app: Flask) -> None:
    client = app.test_client()
    plain = client.get("/codes").headers["ETag"]
    zipped = client.get("/codes", headers=GZIP).headers["ETag"]
    assert plain != zipped and not zipped.startswith("W/")
    assert client.get("/codes", headers={**GZIP, "If-None-Match": zipped}).status_code == 304


def test_static_files_keep_their_own_caching(app: Flask) -> None:
    client = app.test_client()
    response = client.get("/static/site.css", headers=GZIP)  # the unhashed name
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Content-Encoding"] == "gzip"
    again = client.get(
        "/static/site.css", headers={**GZIP, "If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


# --- gzip -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/codes", "/faq", "/codes/0xCAA20003", "/search?q=clock", "/api/codes", "/nope"]
)
def test_text_is_gzipped_for_clients_that_accept_it(app: Flask, path: str) -> None:
    client = app.test_client()
    for _ in range(2):
        plain = client.get(path)
        zipped = client.get(path, headers=GZIP)
        assert "Accept-Encoding" in plain.headers["Vary"]
        assert plain.headers.get("Content-Encoding") is None
        assert zipped.headers["Content-Encoding"] == "gzip"
        assert int(zipped.headers["Content-Length"]) == len(zipped.get_data())
        assert gzip.decompress(zipped.get_data()) == plain.get_data()


@pytest.mark.parametrize("accept", ["", "identity", "gzip;q=0", "br", "deflate"])
def test_no_gzip_for_clients_that_do_not_accept_it(app: Flask, accept: str) -> None:
    client = app.test_client()
    for _ in range(2):
        response = client.get("/codes", headers={"Accept-Encoding": accept})
        assert "Content-Encoding" not in response.headers


def test_small_answers_are_not_compressed(app: Flask) -> None:
    client = app.test_client()
    response = client.get("/search?q=0xcaa20003", headers=GZIP)  # a short 303
    assert response.status_code == 303
    assert "Content-Encoding" not in response.headers


def test_compression_can_be_left_to_the_proxy(content_dir: Path, tmp_path: Path) -> None:
    app = make_app(content_dir, tmp_path, COMPRESS="0")
    client = app.test_client()
    for path in ("/codes", "/codes", "/search?q=clock", "/nope", "/codes/0xCAA20003"):
        assert "Content-Encoding" not in client.get(path, headers=GZIP).headers


def test_accepts_gzip() -> None:
    assert accepts_gzip("gzip")
    assert accepts_gzip("br, gzip;q=0.5")
    assert accepts_gzip("*")
    assert not accepts_gzip(None)
    assert not accepts_gzip("gzip;q=0")
    assert not accepts_gzip("identity, br")


# --- The store itself -----------------------------------------------------------------------------


def page(size: int, status: int = 200) -> CachedPage:
    return CachedPage.of(status, (), "public", b"x" * (size - 512), None)


def key(path: str, *query: str) -> tuple:
    return ("", "", "", path, query, ())


def test_the_cache_is_bounded_in_bytes_and_drops_the_least_recently_used() -> None:
    cache = PageCache(max_bytes=4000)  # 2000 for the site's pages
    for n in range(10):
        cache.put(key(f"/{n}"), page(600))
        cache.get(key("/0"))  # keep the first one in use
    assert cache.pages.bytes <= 2000
    assert cache.get(key("/0")) is not None
    assert cache.get(key("/9")) is not None
    assert cache.get(key("/1")) is None
    cache.put(key("/big"), page(5000))  # larger than its half: not kept
    assert cache.get(key("/big")) is None


def test_a_flood_of_searches_cannot_push_out_the_pages() -> None:
    cache = PageCache(max_bytes=4000)
    cache.put(key("/faq"), page(1000))
    for n in range(100):
        cache.put(key("/search", f"junk {n}"), page(1000))
        cache.put(key(f"/codes/0xCAA2{n:04X}"), page(1000, status=404))
    assert cache.get(key("/faq")) is not None


def test_a_hashed_static_file_is_answered_from_memory_gzipped_once(app: Flask) -> None:
    client = app.test_client()
    css = re.search(r'href="(/static/site\.[0-9a-f]+\.css)"', client.get("/").get_data(True))[1]
    calls = count_calls(app, "static")
    answers = [client.get(css, headers=GZIP) for _ in range(3)]
    assert calls[0] == 1
    for answer in answers:
        assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert answer.headers["Content-Encoding"] == "gzip"
    stale = css.replace(css.split(".")[1], "0" * 12)  # a page from before a deploy
    for _ in range(2):
        assert client.get(stale).headers["Cache-Control"] == "no-cache"
    assert calls[0] == 3  # a stale name is never kept: it cannot push real pages out


def test_https_alone_gives_https_links(content_dir: Path, tmp_path: Path) -> None:
    """Behind a proxy that ends TLS, Gunicorn sees plain HTTP: HTTPS=1 still means https."""
    app = make_app(content_dir, tmp_path, HTTPS="1")
    body = app.test_client().get("/opensearch.xml").get_data(as_text=True)
    assert 'template="https://localhost/search?q={searchTerms}"' in body
    assert "http://localhost" not in body


# --- Someone's own answer is never kept -------------------------------------------------------


def test_a_public_page_that_sets_a_cookie_is_not_kept(app: Flask) -> None:
    """A public view that touches the session runs again each time: the session cookie is
    added after every response hook, so only the final headers show it (``_personal``), and
    such an answer is someone's own, never to be given to the next person."""
    calls = count_calls(app, "pages.page")
    view = app.view_functions["pages.page"]

    @functools.wraps(view)
    def personal(**kwargs):
        session["seen"] = True
        return view(**kwargs)

    app.view_functions["pages.page"] = personal
    client = app.test_client(use_cookies=False)
    answers = [client.get("/faq") for _ in range(2)]
    assert all("Set-Cookie" in answer.headers for answer in answers)
    assert calls[0] == 2
