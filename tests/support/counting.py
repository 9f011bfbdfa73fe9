"""Counting as the site does it: queued on the storage's counter, then written by a flush."""

from __future__ import annotations

from datetime import datetime

from webapp.storage import Storage


def miss(
    storage: Storage, kind: str, term: str, language: str = "", *, now: datetime | None = None
) -> bool:
    """Queue one miss and write it at once; True if it was queued and written."""
    queued = storage.queue_miss(kind, term, language, now=now)
    return storage.flush(timeout=30) and queued


def lookup(storage: Storage, code: str, language: str = "en", *, times: int = 1, now=None) -> None:
    """Queue ``times`` lookups of ``code`` and write them."""
    for _ in range(times):
        storage.queue_lookup(code, language, now=now)
    assert storage.flush(timeout=30)
