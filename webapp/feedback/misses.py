"""Searches that found nothing: queued on every answer, from the view or the page cache,
and written by a thread of the storage's own (:mod:`webapp.storage.recorder`).

A miss is a search (``/search``, not the as-you-type suggestions of ``/api/search``) with no
exact code and no strong result (``SearchResponse.found``; weak results may still be shown), or
a well-formed code the table lacks, whether searched for or opened at ``/codes/<code>``. Codes
are recorded per code; other queries by their normalised text; both per language of the page
(``/de/search`` apart from ``/search``).
"""

from __future__ import annotations

import unicodedata

from webapp.caching import on_each_answer
from webapp.i18n import current_language
from webapp.search import SearchResponse
from webapp.search.identifiers import mask_identifiers
from webapp.storage import MAX_TERM_LENGTH, MISS_CODE, MISS_QUERY, current_storage


def normalise_query(query: str) -> str:
    """One spelling per query: compatibility forms folded; e-mail addresses, IDs, IP addresses
    and phone numbers masked (personal data, typed or pasted by mistake: ``[email]``, ``[id]``,
    ``[ip]``, ``[phone]``); white space collapsed, case folded, length bounded. The one place a
    term is cleaned, before anything is stored or counted."""
    text = unicodedata.normalize("NFKC", query)
    text = mask_identifiers(text)
    text = " ".join(text.split()).casefold()
    return "".join(c for c in text if unicodedata.category(c) != "Cc")[:MAX_TERM_LENGTH]


def record_search_miss(response: SearchResponse) -> None:
    """Record ``response`` as a miss unless it found a code in the table or a strong result."""
    if response.entry is not None:
        return
    if response.code is not None:
        _record(MISS_CODE, response.code)
    elif not response.found:
        _record(MISS_QUERY, normalise_query(response.query))


def record_unknown_code(code: str) -> None:
    """Record a page view of a well-formed code the table lacks as a miss."""
    _record(MISS_CODE, code)


def _record(kind: str, term: str) -> None:
    if not term:
        return
    storage = current_storage()
    language = current_language()  # now, while the request is here
    # Again on every answer the page cache gives for this page, which never reaches the view.
    # Queuing never waits for the database; the client address (as Flask sees it: PROXY_COUNT
    # decides) is for the per-client ceiling only, never stored.
    on_each_answer(lambda client: storage.queue_miss(kind, term, language, client=client))
