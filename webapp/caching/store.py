"""Ready answers in memory: a bounded map from a page's key to its bytes.

A key is what a public page may depend on (see :func:`page_key`): the host (only while no
``SITE_URL`` fixes the site's address), the language of the address, the script root, the
path, the values of the query arguments its view reads and of the request headers it varies
on. Each entry holds the body both as it is and gzipped, so a hit costs no work.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.http import HTTP_STATUS_CODES, parse_etags

from webapp.caching.compression import accepts_gzip

# Headers a stored page does not keep: made per answer, or must never be replayed.
UNKEPT_HEADERS = frozenset(
    {"content-length", "content-encoding", "etag", "set-cookie", "date", "cache-control"}
)
# What a 304 repeats of the full answer (RFC 9110, section 15.4.5).
NOT_MODIFIED_HEADERS = frozenset({"cache-control", "content-location", "etag", "expires", "vary"})


@dataclass(frozen=True, slots=True)
class CachedPage:
    """One answer, ready to send: the same bytes for everyone."""

    status: int
    headers: tuple[tuple[str, str], ...]  # Content-Type, Location, Vary and the like
    cache_control: str
    body: bytes
    gzipped: bytes | None  # None: not compressed (too small, not text, or COMPRESS=0)
    etag: str  # a strong validator of the body; the gzipped bytes have their own (…-gzip)

    @classmethod
    def of(
        cls,
        status: int,
        headers: tuple[tuple[str, str], ...],
        cache_control: str,
        body: bytes,
        gzipped: bytes | None,
    ) -> CachedPage:
        etag = hashlib.blake2b(body, digest_size=16).hexdigest()
        return cls(status, headers, cache_control, body, gzipped, etag)

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"") + 512

    def answer(
        self, method: str, accept_encoding: str | None, if_none_match: str | None
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        """Status line, headers and body of this page for one request."""
        headers = [*self.headers, ("Cache-Control", self.cache_control)]
        body, etag = self.body, self.etag
        if self.gzipped is not None and accepts_gzip(accept_encoding):
            body, etag = self.gzipped, f"{etag}-gzip"
            headers.append(("Content-Encoding", "gzip"))
        headers.append(("ETag", f'"{etag}"'))
        if if_none_match and self.status == 200 and parse_etags(if_none_match).contains_weak(etag):
            kept = [(k, v) for k, v in headers if k.lower() in NOT_MODIFIED_HEADERS]
            return "304 Not Modified", kept, b""
        headers.append(("Content-Length", str(len(body))))
        return (
            f"{self.status} {HTTP_STATUS_CODES.get(self.status, '')}",
            headers,
            b"" if method == "HEAD" else body,
        )


def page_key(
    environ: Mapping[str, Any],
    language: str,
    query: tuple[str, ...],
    vary: tuple[str, ...],
    with_host: bool,
) -> tuple:
    """The key of the page a request asks for (see the module docstring)."""
    args: dict[str, str] = {}
    if query:
        for name, value in parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True):
            args.setdefault(name, value)  # the first, as request.args.get gives
    return (
        environ.get("HTTP_HOST", "") if with_host else "",
        language,
        environ.get("SCRIPT_NAME", ""),
        environ.get("PATH_INFO", ""),
        tuple(args.get(name) for name in query),
        tuple(environ.get("HTTP_" + name.upper().replace("-", "_"), "") for name in vary),
    )


class _LRU:
    """A thread-safe least-recently-used map, bounded in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[tuple, CachedPage] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: tuple) -> CachedPage | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: CachedPage) -> None:
        if entry.size > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.bytes -= old.size
            self._entries[key] = entry
            self.bytes += entry.size
            while self.bytes > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self.bytes -= evicted.size


class PageCache:
    """Pages in two halves of one budget: the site's own pages, and the open-ended ones
    (search results, unknown codes, answers to query arguments), whose addresses anyone can
    vary without end. A flood of those can only push out its own kind."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.pages = _LRU(max_bytes // 2)
        self.open_ended = _LRU(max_bytes - max_bytes // 2)
        # Counts clear() calls: a page rendered before a clear may show what the clear was
        # for (an old notice), so put() drops it (see FastPath).
        self.generation = 0
        self._clearing = threading.Lock()

    def __len__(self) -> int:
        return len(self.pages) + len(self.open_ended)

    def _half(self, key: tuple, status: int) -> _LRU:
        takes_arguments = any(value is not None for value in key[4])
        return self.open_ended if takes_arguments or status != 200 else self.pages

    def get(self, key: tuple) -> CachedPage | None:
        return self.pages.get(key) or self.open_ended.get(key)

    def put(self, key: tuple, entry: CachedPage, generation: int | None = None) -> None:
        """Keep ``entry``, unless the cache was cleared since ``generation`` was read (when
        the page began to render)."""
        with self._clearing:
            if generation is not None and generation != self.generation:
                return
            self._half(key, entry.status).put(key, entry)

    def clear(self) -> None:
        """Forget every page: what they show has changed. Thread-safe."""
        with self._clearing:
            self.generation += 1
            self.pages = _LRU(self.pages.max_bytes)
            self.open_ended = _LRU(self.open_ended.max_bytes)
