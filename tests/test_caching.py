"""Fast under load: pages rendered once per worker and served from memory (before Flask, or
by the request hook), never someone else's; Cache-Control, ETag and 304; gzip."""

from __future__ import annotations

import gzip
import random
import re
import zlib
from pathlib import Path

import pytest
from conftest import make_app
from flask import Flask
from werkzeug.datastructures import Headers
from werkzeug.test import TestResponse

from webapp.caching import (
    CachedPage,
    PageCache,
    _deflate,
    accepts_gzip,
)

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.fixture
def app(content_dir: Path, tmp_path: Path) -> Flask:
    return make_app(content_dir, tmp_path, WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=False)


def count_calls(app: Flask, endpoint: str) -> list[int]:
    """Make the view of ``endpoint`` count its calls; returns the counter."""
    calls = [0]
    view = app.view_functions[endpoint]

    def counting(**kwargs):
        calls[0] += 1
        return view(**kwargs)

    app.view_functions[endpoint] = counting
    return calls


def token_in(response: TestResponse) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    assert match, "no CSRF token in the page"
    return match[1]


def without_token(response: TestResponse) -> str:
    html = response.get_data(as_text=True)
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1", html)


# --- Rendered once --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("endpoint", "path"),
    [
        ("pages.home", "/"),
        ("pages.page", "/faq"),
        ("codes.table", "/codes"),
        ("codes.code", "/codes/0xCAA20003"),
        ("codes.code", "/codes/caa20003"),  # the 301 to the canonical spelling
        ("search.search", "/search?q=clock"),
        ("search.search", "/search?q=0xcaa20003"),  # the 303 to the code
        ("search.opensearch", "/opensearch.xml"),
        ("api.search", "/api/search?q=clock"),
        ("api.codes", "/api/codes"),
        ("api.code", "/api/codes/0xCAA20003"),
    ],
)
def test_a_content_page_is_rendered_once(app: Flask, endpoint: str, path: str) -> None:
    calls = count_calls(app, endpoint)
    cookieless = app.test_client(use_cookies=False)  # answered before Flask
    with_cookie = app.test_client()  # has a session (CSRF token): answered by the hook
    first = cookieless.get(path, headers=GZIP)
    answers = [cookieless.get(path), cookieless.get(path, headers=GZIP)]
    with_cookie.get("/faq" if endpoint == "codes.code" else "/codes/0xCAA20003")  # a session
    answers += [with_cookie.get(path), with_cookie.get(path, headers=GZIP)]
    assert calls[0] == 1, path
    for answer in answers:
        assert answer.status_code == first.status_code
        assert answer.headers.get("Location") == first.headers.get("Location")
        assert answer.mimetype == first.mimetype


def test_both_ways_of_answering_a_hit_give_the_same_answer(app: Flask) -> None:
    """Before Flask (no cookie) and in the hook (a session holding only the CSRF token)."""
    cookieless = app.test_client(use_cookies=False)
    with_cookie = app.test_client()
    with_cookie.get("/codes/0xCAA20003")
    ignore = {"Date", "X-Request-ID", "Set-Cookie", "Content-Length"}
    for path in ("/", "/faq", "/codes", "/codes/0xCAA20003", "/api/codes", "/search?q=clock"):
        for headers in ({}, GZIP):
            cookieless.get(path)  # make sure it is stored
            fast = cookieless.get(path, headers=headers)
            hook = with_cookie.get(path, headers=headers)
            fast_headers = {k: v for k, v in fast.headers.items() if k not in ignore}
            hook_headers = {k: v for k, v in hook.headers.items() if k not in ignore}
            fast_headers["Vary"] = set(fast_headers["Vary"].split(", "))
            hook_headers["Vary"] = set(hook_headers["Vary"].split(", "))
            assert fast_headers == hook_headers, (path, headers)
            assert fast.status_code == hook.status_code
            if fast.headers.get("Content-Encoding") == "gzip":
                fast.set_data(gzip.decompress(fast.get_data()))
                hook.set_data(gzip.decompress(hook.get_data()))
            assert without_token(fast) == without_token(hook), path


def test_the_csrf_token_of_a_cached_page_is_everyones_own(app: Flask) -> None:
    first, second = app.test_client(), app.test_client()
    pages = [first.get("/codes/0xCAA20003"), second.get("/codes/0xCAA20003")]
    pages.append(first.get("/codes/0xCAA20003"))
    assert token_in(pages[0]) != token_in(pages[1])
    for page in pages:
        assert page.headers["Cache-Control"] == "no-store"
        assert "Cookie" in page.headers["Vary"]
    cookies = [first.get_cookie("session").value, second.get_cookie("session").value]
    assert cookies[0] != cookies[1]


@pytest.mark.parametrize("gzipped", [False, True])
def test_a_token_from_the_page_cache_is_accepted_by_the_form(app: Flask, gzipped: bool) -> None:
    warm = app.test_client()
    warm.get("/codes/0xCAA20003")  # stored
    client = app.test_client()  # no cookie yet: the page comes from before Flask
    page = client.get("/codes/0xCAA20003", headers=GZIP if gzipped else {})
    if gzipped:
        assert page.headers["Content-Encoding"] == "gzip"
        page.set_data(gzip.decompress(page.get_data()))
    data = {"csrf_token": token_in(page), "about": "code:0xCAA20003", "step": "answer"}
    response = client.post("/feedback", data={**data, "helpful": "yes"})
    assert response.status_code == 303  # not 400: Flask-WTF took the token and the cookie
    thanks = client.get(response.headers["Location"])  # the flashed thank-you: rendered afresh
    assert "Thank you for your answer" in thanks.get_data(as_text=True)
    again = client.get("/codes/0xCAA20003")  # the message was shown once
    assert "Thank you for your answer" not in again.get_data(as_text=True)
    assert 'name="helpful"' in again.get_data(as_text=True)


def test_a_stolen_token_does_not_work_with_another_session(app: Flask) -> None:
    victim, attacker = app.test_client(), app.test_client()
    victim.get("/codes/0xCAA20003")
    token = token_in(attacker.get("/codes/0xCAA20003"))
    data = {"csrf_token": token, "about": "code:0xCAA20003", "step": "answer", "helpful": "yes"}
    assert victim.post("/feedback", data=data).status_code == 400


def test_a_request_with_more_in_its_session_is_rendered_afresh(app: Flask) -> None:
    calls = count_calls(app, "codes.code")
    client = app.test_client()
    client.get("/codes/0xCAA20003")
    with client.session_transaction() as session:
        session["feedback_open"] = {"code:0xCAA20003": 1}
    client.get("/codes/0xCAA20003")
    client.get("/codes/0xCAA20003")
    assert calls[0] == 3


def test_a_search_that_found_nothing_is_never_kept(app: Flask) -> None:
    calls = count_calls(app, "search.search")
    client = app.test_client(use_cookies=False)
    for _ in range(3):
        assert client.get("/search?q=zebra").status_code == 200
    assert calls[0] == 3  # each one is counted as a miss, after the page is sent
    assert len(app.extensions["page_cache"].searches) == 0


def test_errors_and_unknown_codes_are_never_kept(app: Flask) -> None:
    calls = count_calls(app, "codes.code")
    client = app.test_client(use_cookies=False)
    for _ in range(2):
        assert client.get("/codes/0xCAA99999").status_code == 404
        assert client.get("/codes/not-a-code").status_code == 404
    assert calls[0] == 4
    assert client.get("/search?q=" + "a" * 300).status_code == 400
    assert len(app.extensions["page_cache"]) == 0


def test_the_home_page_is_kept_per_language_choice(app: Flask) -> None:
    """/ varies on Accept-Language (a German browser is sent to /de/ when there is German)."""
    client = app.test_client(use_cookies=False)
    for _ in range(2):
        english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
        plain = client.get("/")
        assert english.status_code == plain.status_code == 200
        assert "Accept-Language" in english.headers["Vary"]


def test_the_page_cache_can_be_turned_off(content_dir: Path, tmp_path: Path) -> None:
    app = make_app(content_dir, tmp_path, PAGE_CACHE_MB="0")
    calls = count_calls(app, "codes.table")
    client = app.test_client(use_cookies=False)
    for _ in range(3):
        assert client.get("/codes").status_code == 200
    assert calls[0] == 3
    assert client.get("/codes").headers["Cache-Control"] == "public, max-age=300"


def test_head_from_the_cache_has_no_body(app: Flask) -> None:
    client = app.test_client(use_cookies=False)
    body = client.get("/codes").get_data()
    head = client.head("/codes")
    assert head.status_code == 200
    assert head.get_data() == b""
    assert int(head.headers["Content-Length"]) == len(body)


# --- Cache-Control --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", "public, max-age=300"),
        ("/codes", "public, max-age=300"),
        ("/api/codes/0xCAA20003", "public, max-age=300"),
        ("/codes/caa20003", "public, max-age=300"),
        ("/opensearch.xml", "public, max-age=300"),
        ("/search?q=clock", "no-cache"),
        ("/search?q=0xcaa20003", "no-cache"),
        ("/api/search?q=clock", "no-cache"),
        ("/codes/0xCAA20003", "no-store"),  # carries the feedback form's CSRF token
        ("/faq", "no-store"),  # likewise
        ("/codes/0xCAA99999", "no-store"),
        ("/nope", "no-store"),
        ("/search?q=" + "a" * 300, "no-store"),
        ("/healthz", "no-store"),
    ],
)
def test_cache_control(app: Flask, path: str, expected: str) -> None:
    client = app.test_client(use_cookies=False)
    for _ in range(2):  # rendered, then from memory
        assert client.get(path).headers["Cache-Control"] == expected


def test_form_answers_are_not_stored(app: Flask) -> None:
    response = app.test_client().post("/feedback", data={"about": "code:0xCAA20003"})
    assert response.headers["Cache-Control"] == "no-store"


def test_the_max_age_is_a_setting(content_dir: Path, tmp_path: Path) -> None:
    app = make_app(content_dir, tmp_path, CACHE_MAX_AGE="60")
    client = app.test_client(use_cookies=False)
    for _ in range(2):
        assert client.get("/codes").headers["Cache-Control"] == "public, max-age=60"


def test_static_files_keep_their_own_caching(app: Flask) -> None:
    client = app.test_client()
    css = re.search(r'href="(/static/site\.[0-9a-f]+\.css)"', client.get("/").get_data(True))[1]
    response = client.get(css, headers=GZIP)
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    again = client.get(css, headers={**GZIP, "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


# --- ETag and 304 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/codes", "/search?q=clock", "/api/codes"])
@pytest.mark.parametrize("headers", [{}, GZIP], ids=["identity", "gzip"])
def test_a_conditional_get_is_answered_304(app: Flask, path: str, headers: dict) -> None:
    client = app.test_client(use_cookies=False)
    for _ in range(2):  # rendered, then from memory
        first = client.get(path, headers=headers)
        etag = first.headers["ETag"]
        again = client.get(path, headers={**headers, "If-None-Match": etag})
        assert again.status_code == 304
        assert again.get_data() == b""
        assert again.headers["ETag"] == etag
        assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
        other = client.get(path, headers={**headers, "If-None-Match": '"something-else"'})
        assert other.status_code == 200


def test_gzip_and_identity_have_related_etags(app: Flask) -> None:
    client = app.test_client(use_cookies=False)
    plain = client.get("/codes").headers["ETag"]
    zipped = client.get("/codes", headers=GZIP).headers["ETag"]
    assert zipped == "W/" + plain  # same meaning, other bytes
    # Either matches for If-None-Match (a weak comparison).
    assert client.get("/codes", headers={"If-None-Match": zipped}).status_code == 304


# --- gzip -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/codes", "/faq", "/codes/0xCAA20003", "/search?q=clock", "/api/codes", "/nope"]
)
def test_text_is_gzipped_for_clients_that_accept_it(app: Flask, path: str) -> None:
    client = app.test_client(use_cookies=False)
    for _ in range(2):
        plain = client.get(path)
        zipped = client.get(path, headers=GZIP)
        assert "Accept-Encoding" in plain.headers["Vary"]
        assert plain.headers.get("Content-Encoding") is None
        assert zipped.headers["Content-Encoding"] == "gzip"
        assert int(zipped.headers["Content-Length"]) == len(zipped.get_data())
        assert len(zipped.get_data()) < len(plain.get_data())
        unzipped = zipped.get_data()
        decompressor = zlib.decompressobj(31)
        unzipped = decompressor.decompress(unzipped)
        assert decompressor.eof and not decompressor.unused_data
        if "csrf_token" in plain.get_data(as_text=True):
            zipped.set_data(unzipped)
            assert without_token(zipped) == without_token(plain)
        else:
            assert unzipped == plain.get_data()


@pytest.mark.parametrize("accept", ["", "identity", "gzip;q=0", "br", "deflate"])
def test_no_gzip_for_clients_that_do_not_accept_it(app: Flask, accept: str) -> None:
    client = app.test_client(use_cookies=False)
    for _ in range(2):
        response = client.get("/codes", headers={"Accept-Encoding": accept})
        assert "Content-Encoding" not in response.headers


def test_small_answers_are_not_compressed(app: Flask) -> None:
    client = app.test_client(use_cookies=False)
    response = client.get("/search?q=0xcaa20003", headers=GZIP)  # a short 303
    assert response.status_code == 303
    assert "Content-Encoding" not in response.headers


def test_compression_can_be_left_to_the_proxy(content_dir: Path, tmp_path: Path) -> None:
    app = make_app(content_dir, tmp_path, COMPRESS="0")
    client = app.test_client(use_cookies=False)
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


def page(body: bytes, size: int | None = None) -> CachedPage:
    return CachedPage(200, (), "", (body,), None, "x", "public", size or len(body))


def test_the_cache_is_bounded_in_bytes_and_drops_the_least_recently_used() -> None:
    cache = PageCache(max_bytes=1000)
    for n in range(10):
        cache.put(("a", n), {}, (), page(b"x", size=300))
        cache.get(("a", 0), {})  # keep the first one in use
    assert cache.bytes <= 1000
    assert cache.get(("a", 0), {}) is not None
    assert cache.get(("a", 9), {}) is not None
    assert cache.get(("a", 1), {}) is None
    cache.put(("big",), {}, (), page(b"x", size=5000))  # larger than the whole cache: not kept
    assert cache.get(("big",), {}) is None


def test_the_cache_keys_varying_answers_by_the_request_headers() -> None:
    cache = PageCache(max_bytes=10_000)
    english, german = page(b"en"), page(b"de")
    vary = ("accept-language",)
    cache.put(("/",), Headers({"Accept-Language": "en"}), vary, english)
    cache.put(("/",), Headers({"accept-language": "de"}), vary, german)
    assert cache.get(("/",), Headers({"ACCEPT-LANGUAGE": "en"})) is english
    assert cache.get(("/",), Headers({"Accept-Language": "de"})) is german
    assert cache.get(("/",), Headers({"Accept-Language": "fr"})) is None
    assert cache.get(("/",), Headers()) is None


def test_a_page_with_holes_is_gzipped_without_compressing() -> None:
    rng = random.Random(7)
    for _ in range(100):
        segments = tuple(
            bytes(rng.choice(b"<p>abc def</p>\n") for _ in range(rng.randint(0, 3000)))
            for _ in range(rng.randint(1, 6))
        )
        deflated = tuple(_deflate(s, final=i == len(segments) - 1) for i, s in enumerate(segments))
        entry = CachedPage(200, (), "", segments, deflated, None, "no-store", 0)
        token = rng.randbytes(rng.randint(0, 70_000)).hex()[: rng.randint(0, 200)].encode()
        zipped = entry.gzipped(token)
        assert gzip.decompress(zipped) == token.join(segments)
