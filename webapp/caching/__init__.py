"""Public pages, rendered once and served from memory; HTTP caching; compression.

**Public views.** A view marked :func:`~webapp.caching.policy.public` answers a document that is
the same for everyone who asks for the same address: no cookie, no per-visitor bytes. Its answer
is sent with ``Cache-Control: public`` (``max-age``, ``s-maxage``, ``stale-while-revalidate``,
``stale-if-error``; ``no-cache`` for searches) and a strong ``ETag`` per encoding, so that a
reverse proxy or CDN can serve the outage-day rush alone. Every other answer is ``no-store``.

**The page cache.** The answer of a public view (statuses 200, 301, 303 and 404) is kept by this
worker, up to ``PAGE_CACHE_MB`` (``0`` turns it off), keyed as :func:`.store.page_key` says.
Later requests for the same key are answered by :class:`FastPath`, a WSGI layer in front of
Flask, without calling the view: a public view has no side effect. What is counted per request
is counted outside the cache (:mod:`webapp.counting`).

**Personal answers of public views.** A public view whose answer holds something that
identifies the person who asked (the IDs of a pasted sign-in error) calls :func:`personal`: that
answer is sent ``private, no-store`` and never kept, and its callbacks are not repeated.

**Compression.** See :mod:`.compression`; ``COMPRESS=0`` leaves it to a proxy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, current_app, g, request
from flask.wrappers import Response
from werkzeug.exceptions import SecurityError
from werkzeug.wsgi import get_host

from webapp.caching.compression import MIN_COMPRESS_SIZE, compressible, gzipped
from webapp.caching.policy import (
    POLICY_ATTRIBUTE,
    Lifetimes,
    Public,
    cache_control,
    policy_of,
    public,
)
from webapp.caching.store import UNKEPT_HEADERS, CachedPage, PageCache, page_key
from webapp.config import settings_of
from webapp.routing import route_of

__all__ = [
    "CachedPage",
    "FastPath",
    "PageCache",
    "clear_pages",
    "init_app",
    "personal",
    "public",
]

log = logging.getLogger(__name__)

EXTENSION_KEY = "page_cache"
CANDIDATE_KEY = "webapp.page_cache.candidate"  # WSGI environ: (key, page) to keep if clean
KEPT_STATUSES = frozenset({200, 301, 303, 404})
PERSONAL_CONTROL = "private, no-store"
StartResponse = Callable[..., Any]
LanguageOf = Callable[[dict[str, Any]], str]


class PageCaching:
    """The settings and the store of one application's page cache."""

    def __init__(self, app: Flask, language_of: LanguageOf) -> None:
        settings = settings_of(app)
        self.compress = settings.compress
        self.lifetimes = Lifetimes.from_max_age(settings.cache_max_age)
        megabytes = settings.page_cache_mb
        self.store = PageCache(megabytes * 1024 * 1024) if megabytes else None
        self.language_of = language_of
        # The host is part of a page only while no SITE_URL fixes the site's own address.
        self.with_host = not settings.site_url
        self.trusted_hosts = settings.trusted_hosts

    def key(self, environ: dict[str, Any], policy: Public) -> tuple:
        return page_key(
            environ, self.language_of(environ), policy.query, policy.vary, self.with_host
        )


def personal() -> None:
    """Say that this request's answer holds something of the person who asked: it is sent
    ``private, no-store`` and the page cache never keeps it, whatever the view's policy."""
    g.personal_answer = True


class FastPath:
    """WSGI layer answering page-cache hits before Flask: the route (:mod:`webapp.routing`)
    gives the view's policy, and the stored bytes are sent as they are."""

    def __init__(self, app: Flask, wsgi_app: Callable[[dict, StartResponse], Iterable[bytes]]):
        self.app = app
        self.wsgi_app = wsgi_app
        self.caching: PageCaching = app.extensions[EXTENSION_KEY]

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        entry = self._lookup(environ)
        if entry is None:
            return self._render(environ, start_response)
        status, headers, body = entry.answer(
            environ["REQUEST_METHOD"],
            environ.get("HTTP_ACCEPT_ENCODING"),
            environ.get("HTTP_IF_NONE_MATCH"),
        )
        start_response(status, headers)
        return [body]

    def _render(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Let Flask answer; keep a public page once the final headers show that nothing made
        it personal (the session is saved after every response hook, so only here can one
        see whether it set a cookie or said ``Vary: Cookie``)."""
        final: list[tuple[str, str]] = []
        store = self.caching.store
        generation = store.generation if store is not None else 0

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            final.extend(headers)
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, start)
        candidate = environ.pop(CANDIDATE_KEY, None)
        if candidate is not None and self.caching.store is not None:
            key, page = candidate
            if _personal(final):
                log.warning("The public page %s set a cookie; not kept", environ.get("PATH_INFO"))
            else:
                self.caching.store.put(key, page, generation)
        return body

    def _lookup(self, environ: dict[str, Any]) -> CachedPage | None:
        caching = self.caching
        if caching.store is None or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        route = route_of(environ)
        if route is None:  # not found, a redirect: Flask answers
            return None
        try:
            if caching.trusted_hosts:
                get_host(environ, caching.trusted_hosts)
        except SecurityError:  # a foreign host: Flask refuses it
            return None
        endpoint, _ = route
        policy = getattr(self.app.view_functions.get(endpoint), POLICY_ATTRIBUTE, None)
        if policy is None:
            return None
        return caching.store.get(caching.key(environ, policy))


def _personal(headers: list[tuple[str, str]]) -> bool:
    """Do these final headers make the answer someone's own (a cookie, ``Vary: Cookie``)?"""
    for name, value in headers:
        lowered = name.lower()
        if lowered == "set-cookie" or (lowered == "vary" and "cookie" in value.lower()):
            return True
    return False


def _page_of(response: Response, control: str, caching: PageCaching, level: int) -> CachedPage:
    body = response.get_data()
    vary = [name for name in response.vary if name.lower() != "accept-encoding"]
    packed = None
    if caching.compress and compressible(response.mimetype) and len(body) >= MIN_COMPRESS_SIZE:
        packed = gzipped(body, level)
        vary.append("Accept-Encoding")
    headers = [
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in UNKEPT_HEADERS and name.lower() != "vary"
    ]
    if vary:
        headers.append(("Vary", ", ".join(vary)))
    return CachedPage.of(response.status_code, tuple(headers), control, body, packed)


def _keepable(policy: Public, response: Response) -> bool:
    allowed = {name.lower() for name in policy.vary} | {"accept-encoding"}
    return (
        response.status_code in KEPT_STATUSES
        and {name.lower() for name in response.vary} <= allowed
    )


def _finish(response: Response) -> Response:
    """Every answer's last step: its Cache-Control, ETag and encoding; kept if public."""
    if (
        response.direct_passthrough
        or response.is_streamed
        or "Content-Encoding" in response.headers
    ):
        return response
    caching: PageCaching = current_app.extensions[EXTENSION_KEY]
    policy = policy_of(request.endpoint) if request.method in ("GET", "HEAD") else None
    own = response.headers.get("Cache-Control")  # the view decided (static files, /healthz)
    if g.get("personal_answer"):
        policy, own = None, PERSONAL_CONTROL
    elif own and response.status_code != 200:
        return response  # a 304 of the view's own, say: nothing to encode
    control = own or cache_control(policy, caching.lifetimes, response.status_code)
    # A view's own no-cache (a static file's plain or stale name) is not worth a place.
    keep = (
        caching.store is not None
        and policy is not None
        and not (own and "no-cache" in own)
        and _keepable(policy, response)
    )
    page = _page_of(response, control, caching, level=9 if keep else 6)
    if keep:
        assert policy is not None
        request.environ[CANDIDATE_KEY] = (caching.key(request.environ, policy), page)
    # HEAD: Werkzeug drops the body itself, and keeps the full length.
    method = "GET" if request.method == "HEAD" else request.method
    status, headers, body = page.answer(
        method, request.headers.get("Accept-Encoding"), request.headers.get("If-None-Match")
    )
    response.status = status
    response.headers.clear()
    response.headers.extend(headers)
    response.set_data(body)
    return response


def clear_pages(app: Flask) -> None:
    """Drop every page this worker keeps: something every page may show has changed (a
    notice). Safe from any thread; a page being rendered meanwhile is not kept."""
    store = app.extensions[EXTENSION_KEY].store
    if store is not None:
        store.clear()


def init_app(app: Flask, language_of: LanguageOf) -> None:
    """Call before the other extensions: the response hook registered here must run after
    theirs (Flask runs them in reverse). ``language_of`` tells the language of a request's
    address (:mod:`webapp.i18n`)."""
    app.extensions[EXTENSION_KEY] = PageCaching(app, language_of)
    app.after_request(_finish)
