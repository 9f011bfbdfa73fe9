"""Fast under load: pages rendered once and served from memory, HTTP caching, compression.

**The page cache.** The pages that depend only on the content and their address (the home page,
Markdown pages, the code table, each code page, ``/opensearch.xml`` and the code API) are
rendered by their view the first time they are asked for, then answered from memory by this
worker until it restarts: the view is not called again. The cache is keyed by scheme, host,
path (language prefix included) and query string (the pages hold absolute links), and by the
request headers an answer says it varies on (``Accept-Language`` for the home page); it holds
at most ``PAGE_CACHE_MB`` megabytes per worker (least recently used out first; 0 turns it
off) and only ever holds answers to ``GET``/``HEAD`` with status 200.

It never stores, or serves, anything that depends on the person asking:

- a request whose session holds anything but a CSRF token (a flashed "thank you", say) is
  rendered afresh, and its answer is not kept;
- an answer that changed the session in any other way, set a cookie, or said ``private``,
  ``no-store`` or ``Vary: *`` is not kept;
- a page with a Flask-WTF form is kept with a hole where its CSRF token was, and every answer
  fills in a token for the session asking (so it is sent ``no-store``).

So the views of the endpoints in :data:`CACHED_ENDPOINTS` must not have side effects (count
something, write to a database): on a hit they are not called. Searches are not in the list:
they are computed for every request (and may be recorded), and are fast enough.

**HTTP caching.** Content pages are sent with ``Cache-Control: public, max-age=CACHE_MAX_AGE``
and an ``ETag``, searches with ``no-cache`` and an ``ETag`` (the browser asks again, the answer
is a 304 if nothing changed), and anything else, errors, form answers and pages carrying a
session, with ``no-store``. A conditional ``GET`` whose ``If-None-Match`` matches is answered
``304 Not Modified`` without a body. Static files keep the caching :mod:`webapp.assets` gives
them.

**Compression.** Text answers (HTML, JSON, XML, CSS, JavaScript, SVG) of 512 bytes or more are
gzipped for clients that accept it, with ``Vary: Accept-Encoding``; cached pages are compressed
once, at the highest level, when stored. ``COMPRESS=0`` turns this off where a reverse proxy
compresses already.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

from flask import Flask, current_app, g, request, session
from flask.wrappers import Response

from webapp.config import flag, whole_number

EXTENSION_KEY = "page_cache"

# Views whose answer depends only on the content and the address (see the module docstring).
CACHED_ENDPOINTS = frozenset(
    {
        "pages.home",
        "pages.page",
        "codes.table",
        "codes.code",
        "search.opensearch",
        "api.codes",
        "api.code",
    }
)
# Computed for each request, but the same for everyone: revalidated with the ETag.
REVALIDATED_ENDPOINTS = frozenset({"search.search", "api.search"})

MIN_COMPRESS_SIZE = 512
MAX_STATIC_COMPRESS_SIZE = 1024 * 1024
COMPRESSIBLE_TYPES = frozenset(
    {"application/json", "application/javascript", "application/xml", "image/svg+xml"}
)
# Stands in the stored page where the CSRF token was; never occurs in HTML of ours.
CSRF_HOLE = b"\x00csrf-token\x00"


def compressible(mimetype: str | None) -> bool:
    return bool(mimetype) and (
        mimetype.startswith("text/") or mimetype in COMPRESSIBLE_TYPES or mimetype.endswith("+xml")
    )


@dataclass(frozen=True, slots=True)
class CachedPage:
    """One stored answer: what to send, identity and gzipped, and its ETag."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    gzipped: bytes | None
    etag: str | None  # None when the page has a CSRF hole: every answer differs
    csrf_hole: bool
    size: int

    def response(self) -> Response:
        body = self.body
        if self.csrf_hole:
            from flask_wtf.csrf import generate_csrf

            body = body.replace(CSRF_HOLE, generate_csrf().encode("ascii"))
        response = current_app.response_class(body, status=self.status, headers=self.headers)
        response.page_cache_entry = self  # type: ignore[attr-defined]
        return response


class PageCache:
    """A thread-safe least-recently-used store of :class:`CachedPage`, bounded in bytes.

    An address whose answer varies on request headers (``Vary``, other than
    ``Accept-Encoding``) is kept once per combination of those headers' values: the cache
    learns the header names from the first answer for that address.
    """

    MAX_VARYING_ADDRESSES = 4096

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple, CachedPage] = OrderedDict()
        self._vary: dict[tuple, tuple[str, ...]] = {}  # address -> header names it varies on
        self._bytes = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes(self) -> int:
        return self._bytes

    def _key(self, address: tuple, headers: Mapping[str, str]) -> tuple:
        names = self._vary.get(address)
        if not names:
            return address
        return (*address, *(headers.get(name, "") for name in names))

    def get(self, address: tuple, headers: Mapping[str, str]) -> CachedPage | None:
        with self._lock:
            key = self._key(address, headers)
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(
        self, address: tuple, headers: Mapping[str, str], vary: tuple[str, ...], entry: CachedPage
    ) -> None:
        if entry.size > self.max_bytes:
            return
        with self._lock:
            if vary:
                if len(self._vary) >= self.MAX_VARYING_ADDRESSES and address not in self._vary:
                    self._vary.clear()
                self._vary[address] = vary
            else:
                self._vary.pop(address, None)
            key = self._key(address, headers)
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._entries[key] = entry
            self._bytes += entry.size
            while self._bytes > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= evicted.size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._vary.clear()
            self._bytes = 0


def _csrf_field() -> str:
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")


def _session_is_anonymous() -> bool:
    """True if the page cannot depend on the session: there is none, or it holds only the CSRF
    token (which the cache fills in per request)."""
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return True  # don't even open it: reading it would add "Vary: Cookie"
    return set(session.keys()) <= {_csrf_field()}


def _serve_from_cache() -> Response | None:
    cache: PageCache | None = current_app.extensions.get(EXTENSION_KEY)
    if (
        cache is None
        or request.endpoint not in CACHED_ENDPOINTS
        or request.method not in ("GET", "HEAD")
        or not _session_is_anonymous()
    ):
        return None
    # script_root: a language prefix (/de) is moved there by webapp.i18n.
    address = (
        request.scheme,
        request.host,
        request.script_root,
        request.path,
        request.query_string,
    )
    g.page_cache_address = address
    entry = cache.get(address, request.headers)
    return None if entry is None else entry.response()


def _store(address: tuple, response: Response) -> CachedPage | None:
    """Keep ``response`` if it is the same for everyone (see the module docstring)."""
    vary = tuple(sorted({v.lower() for v in response.vary} - {"accept-encoding", "cookie"}))
    if (
        response.status_code != 200
        or response.direct_passthrough
        or response.is_streamed
        or "Set-Cookie" in response.headers
        or response.cache_control.no_store
        or response.cache_control.private
        or "*" in vary
    ):
        return None
    field = _csrf_field()
    if not set(session.keys()) <= {field}:
        return None
    body = response.get_data()
    token = g.get(field)
    hole = bool(token) and token.encode("ascii") in body
    if hole:
        body = body.replace(token.encode("ascii"), CSRF_HOLE)
    elif session.modified:
        return None  # the view changed the session in a way a stored copy cannot repeat
    headers = tuple(
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in {"content-length", "etag", "set-cookie"}
    )
    gzipped = None
    if not hole and compressible(response.mimetype) and len(body) >= MIN_COMPRESS_SIZE:
        gzipped = gzip.compress(body, compresslevel=9, mtime=0)
    entry = CachedPage(
        status=response.status_code,
        headers=headers,
        body=body,
        gzipped=gzipped,
        etag=None if hole else hashlib.blake2b(body, digest_size=16).hexdigest(),
        csrf_hole=hole,
        size=len(body) + len(gzipped or b"") + sum(len(str(part)) for part in address) + 256,
    )
    current_app.extensions[EXTENSION_KEY].put(address, request.headers, vary, entry)
    return entry


def _per_session() -> bool:
    """Is this answer someone's own: it changed the session, carries a CSRF token, or read a
    session holding more than a CSRF token (flashed messages, say)?"""
    field = _csrf_field()
    return (
        session.modified
        or g.get(field) is not None
        or (session.accessed and bool(set(session.keys()) - {field}))
    )


def _set_cache_control(response: Response) -> None:
    if "Cache-Control" in response.headers:
        return  # the view decided (static files, /healthz)
    cache_control = response.cache_control
    if _per_session() or response.status_code >= 400 or request.method not in ("GET", "HEAD"):
        cache_control.no_store = True
    elif request.endpoint in CACHED_ENDPOINTS:
        cache_control.public = True
        cache_control.max_age = current_app.config["CACHE_MAX_AGE"]
    elif request.endpoint in REVALIDATED_ENDPOINTS:
        cache_control.no_cache = True
    else:
        cache_control.no_store = True


_static_gzip: dict[tuple[str, str], bytes] = {}
_static_gzip_lock = threading.Lock()


def _gzip_static(response: Response) -> bytes | None:
    """The gzipped body of a static file, compressed once per file version."""
    length = response.content_length
    if response.status_code != 200 or not length or length > MAX_STATIC_COMPRESS_SIZE:
        return None
    etag, _ = response.get_etag()
    key = (request.path, etag or "")
    with _static_gzip_lock:
        cached = _static_gzip.get(key)
    if cached is None:
        response.direct_passthrough = False
        cached = gzip.compress(response.get_data(), compresslevel=9, mtime=0)
        with _static_gzip_lock:
            if len(_static_gzip) > 256:
                _static_gzip.clear()
            _static_gzip[key] = cached
    if etag:
        response.set_etag(etag, weak=True)  # same meaning, other bytes
    return cached


def _compress(response: Response, entry: CachedPage | None) -> None:
    if (
        not current_app.config["COMPRESS"]
        or response.status_code < 200
        or response.status_code in (204, 304)
        or "Content-Encoding" in response.headers
        or not compressible(response.mimetype)
    ):
        return
    response.vary.add("Accept-Encoding")
    if not request.accept_encodings["gzip"]:
        return
    if response.direct_passthrough:
        body = _gzip_static(response) if request.endpoint == "static" else None
    elif entry is not None and not entry.csrf_hole:
        body = entry.gzipped
    else:
        data = response.get_data()
        body = (
            gzip.compress(data, compresslevel=6, mtime=0)
            if len(data) >= MIN_COMPRESS_SIZE
            else None
        )
    if body is None:
        return
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"


def _conditional(response: Response, entry: CachedPage | None) -> Response:
    if (
        request.method not in ("GET", "HEAD")
        or response.status_code != 200
        or response.cache_control.no_store
        or response.direct_passthrough
    ):
        return response
    gzipped = response.headers.get("Content-Encoding") == "gzip"
    if entry is not None and entry.etag is not None:
        response.set_etag(entry.etag, weak=gzipped)
    elif "ETag" not in response.headers:
        response.add_etag()
    return response.make_conditional(request)


def _finish(response: Response) -> Response:
    entry: CachedPage | None = getattr(response, "page_cache_entry", None)
    address = g.get("page_cache_address")
    if address is not None and entry is None:
        entry = _store(address, response)
    _set_cache_control(response)
    _compress(response, entry)
    return _conditional(response, entry)


def init_app(app: Flask) -> None:
    """Call before other extensions and blueprints: the response hook registered here must
    run after theirs (Flask runs them in reverse), so it compresses the final body."""
    app.config["COMPRESS"] = flag("COMPRESS", app.config.get("COMPRESS", True))
    app.config["CACHE_MAX_AGE"] = whole_number(
        "CACHE_MAX_AGE", app.config.get("CACHE_MAX_AGE", 300)
    )
    megabytes = whole_number("PAGE_CACHE_MB", app.config.get("PAGE_CACHE_MB", 32))
    app.config["PAGE_CACHE_MB"] = megabytes
    if megabytes:
        app.extensions[EXTENSION_KEY] = PageCache(megabytes * 1024 * 1024)
    app.before_request(_serve_from_cache)
    app.after_request(_finish)
