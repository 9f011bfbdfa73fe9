"""Gzip for text answers, decided once per answer and kept with the page.

Text (HTML, JSON, XML, CSS, JavaScript, SVG) of :data:`MIN_COMPRESS_SIZE` bytes or more is
gzipped for clients that accept it; the answer then says ``Vary: Accept-Encoding``. The gzip
stream carries no time or file name, so the same body always compresses to the same bytes and
can keep a strong ETag of its own.
"""

from __future__ import annotations

import gzip

from werkzeug.http import parse_accept_header

MIN_COMPRESS_SIZE = 512
COMPRESSIBLE_TYPES = frozenset(
    {"application/json", "application/javascript", "application/xml", "image/svg+xml"}
)


def compressible(mimetype: str | None) -> bool:
    return mimetype is not None and (
        mimetype.startswith("text/") or mimetype in COMPRESSIBLE_TYPES or mimetype.endswith("+xml")
    )


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Does an ``Accept-Encoding`` header allow gzip (``q=0`` refuses it)?"""
    if not accept_encoding or ("gzip" not in accept_encoding and "*" not in accept_encoding):
        return False
    return parse_accept_header(accept_encoding)["gzip"] > 0


def gzipped(body: bytes, level: int) -> bytes:
    """``body`` gzipped the same way every time (no time stamp, no name)."""
    return gzip.compress(body, compresslevel=level, mtime=0)
