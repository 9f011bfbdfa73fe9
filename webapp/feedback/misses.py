"""Searches that found nothing: told by the view (:func:`record_search_miss`), counted on every
answer, from the page cache too, by :mod:`webapp.counting` (:func:`count_search_miss`), with the
storage's counter (:mod:`webapp.storage.counter`), which writes them off the request thread.

A miss is a search (``/search``, not the as-you-type suggestions of ``/api/search``) with no
exact code and no strong result (``SearchResponse.found``; weak results may still be shown), or
a well-formed code the table lacks, whether searched for or opened at ``/codes/<code>`` (a
search for a code lands on its page, where :mod:`webapp.counting` counts it). Codes are recorded
per code; other queries by their normalised text (:func:`normalise_query`, the one place a term
is cleaned); both per language of the page (``/de/search`` apart from ``/search``).
"""

from __future__ import annotations

import threading
import unicodedata

from flask import current_app

from webapp import telemetry
from webapp.i18n import current_language
from webapp.search import SearchResponse
from webapp.search.identifiers import mask_identifiers
from webapp.storage import MAX_TERM_LENGTH, MISS_QUERY, Storage

EXTENSION_KEY = "search_misses"


def normalise_query(query: str) -> str:
    """One spelling per query: compatibility forms folded; e-mail addresses, IDs, IP addresses
    and phone numbers masked (personal data, typed or pasted by mistake: ``[email]``, ``[id]``,
    ``[ip]``, ``[phone]``); white space collapsed, case folded, length bounded. The one place a
    term is cleaned, before anything is stored or counted."""
    text = unicodedata.normalize("NFKC", query)
    text = mask_identifiers(text)
    text = " ".join(text.split()).casefold()
    return "".join(c for c in text if unicodedata.category(c) != "Cc")[:MAX_TERM_LENGTH]


class SearchMisses:
    """What each search counts as, remembered from the view that answered it: the miss term
    of a (language, query), or None for a search that found something.

    The counting layer (:mod:`webapp.counting`) reads it on every answer of ``/search``,
    rendered or from the page cache, so that each one counts while the cache knows nothing of
    counting. The content is immutable, so the answer is too; at most :data:`KEPT` searches are
    remembered per worker (more than the page cache holds), the oldest forgotten first.
    """

    KEPT = 20_000

    def __init__(self) -> None:
        self._terms: dict[tuple[str, str], str | None] = {}
        self._lock = threading.Lock()

    def remember(self, language: str, query: str, term: str | None) -> None:
        with self._lock:
            if (language, query) not in self._terms and len(self._terms) >= self.KEPT:
                del self._terms[next(iter(self._terms))]
            self._terms[(language, query)] = term

    def term(self, language: str, query: str) -> str | None:
        """The miss term of this search, or None: it found something, or no view answered it."""
        return self._terms.get((language, query))


def record_search_miss(response: SearchResponse) -> None:
    """Remember whether ``response`` is a miss (no code, no strong result), and its term."""
    found = response.entry is not None or response.code is not None or response.found
    term = None if found else normalise_query(response.query) or None
    current_app.extensions[EXTENSION_KEY].remember(current_language(), response.query, term)


def count_search_miss(
    storage: Storage, misses: SearchMisses, language: str, query: str, client: str
) -> None:
    """Count one answer of the search ``query`` in ``language`` if it is a miss. Never waits for
    the database; ``client`` (the address, as Flask sees it: PROXY_COUNT decides) is for the
    ceiling per address only, never stored."""
    term = misses.term(language, query)
    if term:
        storage.queue_miss(MISS_QUERY, term, language, client=client)
        telemetry.MISSES.labels(MISS_QUERY).inc()
