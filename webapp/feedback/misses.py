"""Searches that found nothing: counted by the storage's counter (:mod:`webapp.storage.counter`),
which writes them in batches off the request thread.

A miss is a search (``/search``, not the as-you-type suggestions of ``/api/search``) with no
exact code and no strong result (``SearchResponse.found``; weak results may still be shown), or
a well-formed code the table lacks, whether searched for or opened at ``/codes/<code>`` (a
search for a code lands on its page, where :mod:`webapp.counting` counts it). Codes are recorded
per code; other queries by their normalised text (:func:`normalise_query`, the one place a term
is cleaned); both per language of the page (``/de/search`` apart from ``/search``).
"""

from __future__ import annotations

import re
import unicodedata

from flask import request

from webapp import telemetry
from webapp.caching import render_each_time
from webapp.i18n import current_language
from webapp.search import SearchResponse
from webapp.storage import MAX_TERM_LENGTH, MISS_QUERY, current_storage

_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")


def normalise_query(query: str) -> str:
    """One spelling per query: compatibility forms folded, e-mail addresses removed (they are
    personal data, typed by mistake), white space collapsed, case folded, length bounded."""
    text = unicodedata.normalize("NFKC", query)
    text = _EMAIL.sub("[email]", text)
    text = " ".join(text.split()).casefold()
    return "".join(c for c in text if unicodedata.category(c) != "Cc")[:MAX_TERM_LENGTH]


def record_search_miss(response: SearchResponse) -> None:
    """Count ``response`` as a miss unless it found a code or a strong result. Its page is then
    rendered on every request, never answered from the page cache, so that each one counts."""
    if response.entry is not None or response.code is not None or response.found:
        return
    term = normalise_query(response.query)
    if term:
        render_each_time()
        # Never waits for the database; the address (as Flask sees it: PROXY_COUNT decides)
        # is for the ceiling per address only, never stored.
        current_storage().queue_miss(
            MISS_QUERY, term, current_language(), client=request.remote_addr or ""
        )
        telemetry.MISSES.labels(MISS_QUERY).inc()
