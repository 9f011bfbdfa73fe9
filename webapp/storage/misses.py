"""Counting searches that found nothing: one row per day, kind, language and term.

Counters are upserts (``INSERT ... ON CONFLICT DO UPDATE``), so concurrent writers lose no
increment. At most ``misses_per_day`` new terms are kept per day; misses not kept only add to
that day's MISS_DROPPED row for the reason (``DAY_FULL``, ``CLIENT_FULL``, ``QUEUE_FULL``), so
a flood cannot fill the disk.
"""

from __future__ import annotations

import hashlib
import threading
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from webapp.storage.tables import DAY_FULL, MISS_DROPPED, search_miss


def count(
    connection: Connection,
    *,
    day: date,
    kind: str,
    language: str,
    term: str,
    times: int,
    first: datetime,
    last: datetime,
    misses_per_day: int,
) -> bool:
    """Add ``times`` (seen from ``first`` to ``last``) to a term's count for ``day``; False if
    it was new and the day was full (then counted as dropped)."""
    row = (
        (search_miss.c.day == day)
        & (search_miss.c.kind == kind)
        & (search_miss.c.language == language)
        & (search_miss.c.term == term)
    )
    bumped = connection.execute(
        search_miss.update().where(row).values(count=search_miss.c.count + times, last_seen=last)
    )
    if bumped.rowcount:
        return True
    # A new term today: keep it only while the day has room. Concurrent writers may each see
    # room for the last one, so a day can overshoot by a few rows, never by much.
    kept_today = connection.execute(
        sa.select(sa.func.count())
        .select_from(search_miss)
        .where((search_miss.c.day == day) & (search_miss.c.kind != MISS_DROPPED))
    ).scalar_one()
    if kept_today >= misses_per_day:
        count_dropped(connection, day=day, reason=DAY_FULL, times=times, now=last)
        return False
    _upsert(connection, day, kind, language, term, times, first, last)
    return True


def count_dropped(
    connection: Connection, *, day: date, reason: str, times: int, now: datetime
) -> None:
    """Add ``times`` misses not kept, for ``reason``, to the day's total (any language)."""
    _upsert(connection, day, MISS_DROPPED, "", reason, times, now, now)


def _upsert(
    connection: Connection,
    day: date,
    kind: str,
    language: str,
    term: str,
    times: int,
    first: datetime,
    last: datetime,
) -> None:
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = insert(search_miss).values(
        day=day,
        kind=kind,
        language=language,
        term=term,
        count=times,
        first_seen=first,
        last_seen=last,
    )
    statement = statement.on_conflict_do_update(
        index_elements=[
            search_miss.c.day,
            search_miss.c.kind,
            search_miss.c.language,
            search_miss.c.term,
        ],
        set_={
            "count": search_miss.c.count + statement.excluded.count,
            "last_seen": statement.excluded.last_seen,
        },
    )
    connection.execute(statement)


class ClientCeiling:
    """At most ``per_client`` new terms a day from each client address (0: no ceiling), so
    that one address cannot fill ``MISSES_PER_DAY`` for everyone; terms it already added that
    day still count. Per process, in memory: only a hash of each address, for the day, and
    only the :data:`MAX_CLIENTS` most recent addresses."""

    MAX_CLIENTS = 10_000

    def __init__(self, per_client: int) -> None:
        self.per_client = per_client
        self._lock = threading.Lock()
        self._day: date | None = None
        self._terms: dict[bytes, set[tuple[str, str, str]]] = {}

    def allows(self, client: str, term: tuple[str, str, str], day: date) -> bool:
        if not self.per_client:
            return True
        address = hashlib.blake2b(client.encode(), digest_size=8).digest()
        with self._lock:
            if day != self._day:
                self._day, self._terms = day, {}
            terms = self._terms.pop(address, set())  # put back below as the most recent
            if len(self._terms) >= self.MAX_CLIENTS:
                del self._terms[next(iter(self._terms))]
            self._terms[address] = terms
            if term in terms or len(terms) < self.per_client:
                terms.add(term)
                return True
            return False
