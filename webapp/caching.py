"""Fast under load: pages rendered once and served from memory, HTTP caching, compression.

**The page cache.** The pages that depend only on the content and their address (the home page,
Markdown pages, the code table, each code page, ``/opensearch.xml``, the API, and searches that
found something: see :data:`CACHED_ENDPOINTS`) are rendered by their view the first time they
are asked for, then answered from memory by this worker until it restarts. The cache is keyed by
scheme, host, path (language prefix included) and query string (the pages hold absolute links),
and by the request headers an answer says it varies on (``Accept-Language`` for the home page).
It holds at most ``PAGE_CACHE_MB`` megabytes per worker, half for content pages and half for
searches, so that a flood of new searches cannot push the pages out (least recently used out
first; 0 turns it off). It only holds answers to ``GET``/``HEAD`` with status 200, 301 or 303,
each with its gzipped form and its ETag, computed once.

It never stores, or serves, anything that depends on the person asking:

- a request whose session holds anything but a CSRF token (a flashed "thank you", an answer
  waiting for its details) is rendered afresh, and its answer is not kept;
- an answer that changed the session in any other way, set a cookie, said ``private``,
  ``no-store`` or ``Vary: *``, or left work to do after the request (``after_this_request``,
  ``call_on_close``: a search that found nothing is counted that way) is not kept;
- a page with a Flask-WTF form is kept with a hole where its CSRF token was; every answer fills
  in a token for the session asking (a new session when there is none), and is sent
  ``no-store``. The gzipped form is kept in pieces around the holes, so that filling them in
  costs no compression.

Hits are answered by a WSGI layer in front of Flask (:class:`FastPath`), for requests without
a session cookie, and by a ``before_request`` hook otherwise. Either way the view, and the other
``before_request`` hooks, are not called: the views of :data:`CACHED_ENDPOINTS` must have no side
effects (count something, write to a database) except through ``after_this_request`` or
``call_on_close``, which keeps that answer out of the cache, and a request hook that must run
for every page does not belong with them.

**HTTP caching.** Content pages are sent with ``Cache-Control: public, max-age=CACHE_MAX_AGE``
and an ``ETag``, searches with ``no-cache`` and an ``ETag`` (the browser asks again, so that
every search that found nothing is counted, and gets a 304 if nothing changed), and anything
else, errors, form answers and pages carrying a
session, with ``no-store``. A conditional ``GET`` whose ``If-None-Match`` matches is answered
``304 Not Modified`` without a body. Static files keep the caching :mod:`webapp.assets` gives
them.

**Compression.** Text answers (HTML, JSON, XML, CSS, JavaScript, SVG) of 512 bytes or more are
gzipped for clients that accept it, with ``Vary: Accept-Encoding`` and a weak ETag (same
meaning, other bytes). ``COMPRESS=0`` turns this off where a reverse proxy compresses already.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import struct
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g, request, session
from flask.globals import request_ctx
from flask.sessions import SecureCookieSessionInterface
from flask.wrappers import Response
from itsdangerous import Serializer, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode
from werkzeug.datastructures import EnvironHeaders
from werkzeug.http import HTTP_STATUS_CODES, dump_cookie, parse_accept_header, parse_etags

from webapp.config import settings_of

EXTENSION_KEY = "page_cache"

# Views whose answer depends only on the content and the address (see the module docstring),
# and whether browsers and proxies may keep it ("public") or must ask again ("no-cache").
PUBLIC, REVALIDATE = "public", "no-cache"
CACHED_ENDPOINTS: dict[str, str] = {
    "pages.home": PUBLIC,
    "pages.page": PUBLIC,
    "codes.table": PUBLIC,
    "codes.code": PUBLIC,
    "search.opensearch": PUBLIC,
    "api.codes": PUBLIC,
    "api.code": PUBLIC,
    "search.search": REVALIDATE,
    "api.search": REVALIDATE,
}
CACHED_STATUSES = frozenset({200, 301, 303})

MIN_COMPRESS_SIZE = 512
STATIC_GZIP_ENTRIES = 256
COMPRESSIBLE_TYPES = frozenset(
    {"application/json", "application/javascript", "application/xml", "image/svg+xml"}
)
# Stands in the stored page where the CSRF token was; never occurs in HTML of ours.
CSRF_HOLE = b"\x00csrf-token\x00"
# Flask-WTF's salt for signing CSRF tokens (flask_wtf.csrf.generate_csrf).
CSRF_SALT = "wtf-csrf-token"
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # deflate, no name, no mtime


def compressible(mimetype: str | None) -> bool:
    return bool(mimetype) and (
        mimetype.startswith("text/") or mimetype in COMPRESSIBLE_TYPES or mimetype.endswith("+xml")
    )


def accepts_gzip(accept_encoding: str | None) -> bool:
    if not accept_encoding or ("gzip" not in accept_encoding and "*" not in accept_encoding):
        return False
    return parse_accept_header(accept_encoding)["gzip"] > 0


def _deflate(data: bytes, final: bool) -> bytes:
    """``data`` as raw deflate blocks ending on a byte boundary; the last block is final only
    if ``final``, so that more blocks may follow."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(
        zlib.Z_FINISH if final else zlib.Z_SYNC_FLUSH
    )


def _stored_block(data: bytes) -> bytes:
    """``data`` as stored (uncompressed) deflate blocks, not final, starting byte-aligned."""
    blocks = []
    for start in range(0, len(data), 0xFFFF):
        chunk = data[start : start + 0xFFFF]
        blocks.append(struct.pack("<BHH", 0, len(chunk), len(chunk) ^ 0xFFFF) + chunk)
    return b"".join(blocks)


@dataclass(frozen=True, slots=True)
class CachedPage:
    """One stored answer. The body is kept in ``segments``, split where a CSRF token goes (one
    segment when there is none), and each segment also as raw deflate, so that a gzipped
    answer is put together without compressing anything."""

    status: int
    headers: tuple[tuple[str, str], ...]  # Content-Type and the like; not Vary, not caching
    vary: str  # the full Vary header: the view's, Accept-Encoding, Cookie
    segments: tuple[bytes, ...]
    deflated: tuple[bytes, ...] | None  # None: not compressed (too small, or not text)
    etag: str | None  # None when the page has a CSRF hole: every answer differs
    cache_control: str  # for a page without a hole
    size: int

    @property
    def csrf_hole(self) -> bool:
        return len(self.segments) > 1

    def body(self, token: bytes = b"") -> bytes:
        return token.join(self.segments)

    def gzipped(self, token: bytes = b"") -> bytes | None:
        if self.deflated is None:
            return None
        body = self.body(token)
        if self.csrf_hole:
            filler = _stored_block(token)
            deflate = filler.join(self.deflated)
        else:
            deflate = self.deflated[0]
        trailer = struct.pack("<II", zlib.crc32(body), len(body) & 0xFFFFFFFF)
        return _GZIP_HEADER + deflate + trailer

    def response(self, token: bytes = b"") -> Response:
        """This page as a Flask response (the hook path); caching headers come later."""
        response = current_app.response_class(
            self.body(token), status=self.status, headers=self.headers
        )
        response.headers["Vary"] = self.vary
        response.page_cache_entry = self  # type: ignore[attr-defined]
        response.page_cache_token = token  # type: ignore[attr-defined]
        return response


class PageCache:
    """A thread-safe least-recently-used store of :class:`CachedPage`, bounded in bytes.

    An address whose answer varies on request headers (``Vary``, other than
    ``Accept-Encoding`` and ``Cookie``) is kept once per combination of those headers' values:
    the cache learns the header names from the first answer for that address.
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


class PageCaches:
    """Two :class:`PageCache`, sharing the budget: content pages, and searches (whose addresses
    anyone can vary without end)."""

    def __init__(self, max_bytes: int) -> None:
        self.pages = PageCache(max_bytes // 2)
        self.searches = PageCache(max_bytes - max_bytes // 2)

    def __len__(self) -> int:
        return len(self.pages) + len(self.searches)

    def get(self, address: tuple, headers: Mapping[str, str]) -> CachedPage | None:
        return self.pages.get(address, headers) or self.searches.get(address, headers)

    def put(
        self,
        endpoint: str | None,
        address: tuple,
        headers: Mapping[str, str],
        vary: tuple[str, ...],
        entry: CachedPage,
    ) -> None:
        cache = self.searches if endpoint in ("search.search", "api.search") else self.pages
        cache.put(address, headers, vary, entry)

    def clear(self) -> None:
        self.pages.clear()
        self.searches.clear()


def address_of(environ: Mapping[str, Any]) -> tuple:
    """What a page's content may depend on in the request line: scheme, host, the script root
    (where :mod:`webapp.i18n` puts the language prefix), path and query string."""
    host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}"
    return (
        environ.get("wsgi.url_scheme", "http"),
        host,
        environ.get("SCRIPT_NAME", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
    )


# --- The hook path: inside Flask -------------------------------------------------------------


def _csrf_field() -> str:
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")


def _session_is_anonymous() -> bool:
    """True if the page cannot depend on the session: there is none, or it holds only the CSRF
    token (which the cache fills in per request)."""
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return True  # don't even open it: reading it would add "Vary: Cookie"
    return set(session.keys()) <= {_csrf_field()}


def _serve_from_cache() -> Response | None:
    caches: PageCaches | None = current_app.extensions.get(EXTENSION_KEY)
    if (
        caches is None
        or request.endpoint not in CACHED_ENDPOINTS
        or request.method not in ("GET", "HEAD")
        or not _session_is_anonymous()
    ):
        return None
    address = address_of(request.environ)
    g.page_cache_address = address
    entry = caches.get(address, request.headers)
    if entry is None:
        return None
    if entry.csrf_hole:
        from flask_wtf.csrf import generate_csrf

        return entry.response(generate_csrf().encode("ascii"))
    return entry.response()


def _store(address: tuple, response: Response) -> CachedPage | None:
    """Keep ``response`` if it is the same for everyone (see the module docstring)."""
    vary = tuple(sorted({v.lower() for v in response.vary} - {"accept-encoding", "cookie"}))
    if (
        response.status_code not in CACHED_STATUSES
        or getattr(response, "_on_close", None)
        or getattr(request_ctx, "_after_request_functions", None)
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
    if token and token.encode("ascii") in body:
        segments = tuple(body.split(token.encode("ascii")))
    elif session.modified:
        return None  # the view changed the session in a way a stored copy cannot repeat
    else:
        segments = (body,)
    deflated = None
    if compressible(response.mimetype) and len(body) >= MIN_COMPRESS_SIZE:
        last = len(segments) - 1
        deflated = tuple(_deflate(s, final=i == last) for i, s in enumerate(segments))
    vary_header = [name for name in response.vary if name.lower() != "cookie"]
    if deflated is not None and "accept-encoding" not in {v.lower() for v in vary_header}:
        vary_header.append("Accept-Encoding")
    if session.accessed or len(segments) > 1:
        vary_header.append("Cookie")
    entry = CachedPage(
        status=response.status_code,
        headers=tuple(
            (name, value)
            for name, value in response.headers.items()
            if name.lower()
            not in {"content-length", "etag", "set-cookie", "vary", "cache-control", "date"}
        ),
        vary=", ".join(vary_header),
        segments=segments,
        deflated=deflated,
        etag=None if len(segments) > 1 else hashlib.blake2b(body, digest_size=16).hexdigest(),
        cache_control=_cache_control_for(request.endpoint),
        size=2 * len(body) + sum(len(str(part)) for part in address) + 512,
    )
    caches: PageCaches = current_app.extensions[EXTENSION_KEY]
    caches.put(request.endpoint, address, request.headers, vary, entry)
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
        response.headers["Cache-Control"] = _cache_control_for(request.endpoint)
    else:
        cache_control.no_store = True


def _cache_control_for(endpoint: str | None) -> str:
    if CACHED_ENDPOINTS.get(endpoint or "") == PUBLIC:
        return f"public, max-age={settings_of(current_app).cache_max_age}"
    return "no-cache"


_static_gzip: OrderedDict[tuple[str, str], bytes] = OrderedDict()
_static_gzip_lock = threading.Lock()


def _gzip_static(response: Response) -> bytes:
    """The gzipped body of a static file, compressed once per file version."""
    etag, _ = response.get_etag()
    key = (request.path, etag or hashlib.blake2b(response.get_data()).hexdigest())
    with _static_gzip_lock:
        cached = _static_gzip.get(key)
    if cached is None:
        cached = gzip.compress(response.get_data(), compresslevel=9, mtime=0)
        with _static_gzip_lock:
            _static_gzip[key] = cached
            while len(_static_gzip) > STATIC_GZIP_ENTRIES:
                _static_gzip.popitem(last=False)
    return cached


def _compress(response: Response, entry: CachedPage | None) -> None:
    if (
        not settings_of(current_app).compress
        or response.status_code < 200
        or response.status_code in (204, 304)
        or response.direct_passthrough
        or response.is_streamed
        or "Content-Encoding" in response.headers
        or not compressible(response.mimetype)
    ):
        return
    response.vary.add("Accept-Encoding")
    if not accepts_gzip(request.headers.get("Accept-Encoding")):
        return
    if entry is not None:
        body = entry.gzipped(getattr(response, "page_cache_token", b""))
    elif response.content_length is not None and response.content_length < MIN_COMPRESS_SIZE:
        body = None
    elif request.endpoint == "static":
        body = _gzip_static(response)
    else:
        body = gzip.compress(response.get_data(), compresslevel=6, mtime=0)
    if body is None:
        return
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)  # same meaning, other bytes


def _conditional(response: Response, entry: CachedPage | None) -> Response:
    if (
        request.method not in ("GET", "HEAD")
        or response.status_code not in CACHED_STATUSES
        or response.cache_control.no_store
        or response.is_streamed
    ):
        return response
    gzipped = response.headers.get("Content-Encoding") == "gzip"
    if entry is not None and entry.etag is not None:
        response.set_etag(entry.etag, weak=gzipped)
    elif "ETag" not in response.headers:
        response.add_etag()
        if gzipped:
            response.set_etag(response.get_etag()[0], weak=True)
    return response.make_conditional(request)


def _finish(response: Response) -> Response:
    entry: CachedPage | None = getattr(response, "page_cache_entry", None)
    address = g.get("page_cache_address")
    if address is not None and entry is None:
        entry = _store(address, response)
        if entry is not None and entry.csrf_hole:
            # Compressed from the stored pieces below: put this answer's own token back.
            response.page_cache_token = g.get(_csrf_field()).encode("ascii")  # type: ignore[attr-defined]
    _set_cache_control(response)
    _compress(response, entry)
    return _conditional(response, entry)


# --- The fast path: in front of Flask --------------------------------------------------------

StartResponse = Callable[..., Any]


def _skip_compression(serializer: URLSafeTimedSerializer) -> None:
    """Make this serializer instance skip its attempt to zlib-compress a short payload. The
    payloads here (a random 40-digit hex token, a session holding only it) never come out
    shorter compressed, so the output is the same, without setting up zlib twice a request;
    and ``loads`` reads either form anyway. Anything longer goes the usual way."""
    usual = serializer.dump_payload

    def dump_payload(obj: Any) -> bytes:
        json = Serializer.dump_payload(serializer, obj)
        return base64_encode(json) if len(json) < 128 else usual(obj)

    serializer.dump_payload = dump_payload  # type: ignore[method-assign]


class FastPath:
    """WSGI layer answering page-cache hits for requests that carry no session cookie, without
    entering Flask. The answer is the same, header for header, as the hook path's (a test
    compares them); the outer layers add the request id and the security headers.

    For a page with a CSRF hole it makes what Flask-WTF's ``generate_csrf`` would: a new raw
    token in a new session cookie, and the token signed for the form. It does so only with
    Flask's own cookie sessions; any other session interface takes the hook path.
    """

    def __init__(self, app: Flask, wsgi_app: Callable[[dict, StartResponse], Iterable[bytes]]):
        self.app = app
        self.wsgi_app = wsgi_app
        self.cache: PageCaches = app.extensions[EXTENSION_KEY]
        self.cookie_marker = app.config["SESSION_COOKIE_NAME"] + "="
        self._csrf: tuple[URLSafeTimedSerializer, Any, str, dict[str, Any]] | None = None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD") and self.cookie_marker not in (
            environ.get("HTTP_COOKIE") or ""
        ):
            entry = self.cache.get(address_of(environ), EnvironHeaders(environ))
            if entry is not None and (not entry.csrf_hole or self._csrf_ready()):
                return self._answer(entry, environ, start_response)
        return self.wsgi_app(environ, start_response)

    def _csrf_ready(self) -> bool:
        if self._csrf is None:
            app = self.app
            interface = app.session_interface
            if type(interface) is not SecureCookieSessionInterface:
                return False
            serializer = interface.get_signing_serializer(app)
            if serializer is None:
                return False
            cookie = {
                "path": interface.get_cookie_path(app),
                "domain": interface.get_cookie_domain(app),
                "secure": interface.get_cookie_secure(app),
                "httponly": interface.get_cookie_httponly(app),
                "samesite": interface.get_cookie_samesite(app),
                "partitioned": interface.get_cookie_partitioned(app),
            }
            secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
            signer = URLSafeTimedSerializer(secret, salt=CSRF_SALT)
            for instance in (signer, serializer):
                _skip_compression(instance)
            self._csrf = (signer, serializer, interface.get_cookie_name(app), cookie)
        return True

    def _new_session(self) -> tuple[bytes, str]:
        """A signed CSRF token for the form, and the Set-Cookie of the session holding it."""
        assert self._csrf is not None
        signer, serializer, name, cookie = self._csrf
        raw = hashlib.sha1(os.urandom(64)).hexdigest()  # as flask_wtf.csrf.generate_csrf
        field = self.app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        value = serializer.dumps({field: raw})
        return signer.dumps(raw).encode("ascii"), dump_cookie(name, value, **cookie)

    def _answer(
        self, entry: CachedPage, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        headers = list(entry.headers)
        headers.append(("Vary", entry.vary))
        token = b""
        if entry.csrf_hole:
            token, set_cookie = self._new_session()
            headers.append(("Cache-Control", "no-store"))
            headers.append(("Set-Cookie", set_cookie))
        else:
            headers.append(("Cache-Control", entry.cache_control))
        compress = settings_of(self.app).compress and entry.deflated is not None
        body = None
        if compress and accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING")):
            body = entry.gzipped(token)
            headers.append(("Content-Encoding", "gzip"))
            etag = f'W/"{entry.etag}"' if entry.etag else None
        else:
            etag = f'"{entry.etag}"' if entry.etag else None
        if etag:
            headers.append(("ETag", etag))
            if_none_match = environ.get("HTTP_IF_NONE_MATCH")
            if if_none_match and parse_etags(if_none_match).contains_weak(entry.etag):
                kept = {"etag", "cache-control", "vary", "content-location", "expires"}
                start_response("304 Not Modified", [h for h in headers if h[0].lower() in kept])
                return []
        if body is None:
            body = entry.body(token)
        headers.append(("Content-Length", str(len(body))))
        start_response(f"{entry.status} {HTTP_STATUS_CODES[entry.status]}", headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]


def init_app(app: Flask) -> None:
    """Call before the other extensions and blueprints: the response hook registered here must
    run after theirs (Flask runs them in reverse), so it compresses the final body, and the
    fast path must sit inside the other WSGI layers (proxy fix, language prefix, headers)."""
    megabytes = settings_of(app).page_cache_mb
    app.before_request(_serve_from_cache)
    app.after_request(_finish)
    if megabytes:
        app.extensions[EXTENSION_KEY] = PageCaches(megabytes * 1024 * 1024)
        app.wsgi_app = FastPath(app, app.wsgi_app)  # type: ignore[method-assign]
