"""What the report reads: misses and unhelpful answers over a period (and, through
:mod:`.lookup_queries`, what people looked up)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from webapp.storage.lookup_queries import CodeCount, Rising
from webapp.storage.tables import (
    CLIENT_FULL,
    DAY_FULL,
    MISS_CODE,
    MISS_DROPPED,
    MISS_QUERY,
    QUEUE_FULL,
    as_utc,
    feedback,
    search_miss,
)


@dataclass(frozen=True, slots=True)
class Miss:
    """A search term that found nothing in one language, over the report's period."""

    term: str
    language: str
    count: int
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True, slots=True)
class Comment:
    created_at: datetime
    comment: str
    tried: str


@dataclass(frozen=True, slots=True)
class Unhelpful:
    """An answer people marked as not solving their problem, with what they wrote."""

    kind: str
    target: str
    section: str
    language: str
    no: int
    yes: int
    comments: tuple[Comment, ...]


@dataclass(frozen=True, slots=True)
class Report:
    since: datetime
    until: datetime
    unknown_codes: tuple[Miss, ...]
    queries: tuple[Miss, ...]
    unhelpful: tuple[Unhelpful, ...]
    dropped: int  # misses not kept because a day's limit of new terms was reached
    dropped_by_client: int = 0  # ... because one address reached its own limit for the day
    dropped_by_queue: int = 0  # ... because the database could not keep up
    looked_up: tuple[CodeCount, ...] = ()  # the codes looked up most, against the period before
    rising: tuple[Rising, ...] = ()  # the codes rising at the end of the period


def read(connection: Connection, since: datetime, until: datetime, limit: int) -> Report:
    return Report(
        since=since,
        until=until,
        unknown_codes=_misses(connection, MISS_CODE, since, limit),
        queries=_misses(connection, MISS_QUERY, since, limit),
        unhelpful=_unhelpful(connection, since, limit),
        dropped=_dropped(connection, since, DAY_FULL),
        dropped_by_client=_dropped(connection, since, CLIENT_FULL),
        dropped_by_queue=_dropped(connection, since, QUEUE_FULL),
    )


def _dropped(connection: Connection, since: datetime, reason: str) -> int:
    return connection.execute(
        sa.select(sa.func.coalesce(sa.func.sum(search_miss.c.count), 0)).where(
            (search_miss.c.kind == MISS_DROPPED)
            & (search_miss.c.term == reason)
            & (search_miss.c.last_seen >= since)
        )
    ).scalar_one()


def _misses(connection: Connection, kind: str, since: datetime, limit: int) -> tuple[Miss, ...]:
    total = sa.func.sum(search_miss.c.count).label("total")
    rows = connection.execute(
        sa.select(
            search_miss.c.term,
            search_miss.c.language,
            total,
            sa.func.min(search_miss.c.first_seen),
            sa.func.max(search_miss.c.last_seen),
        )
        .where((search_miss.c.kind == kind) & (search_miss.c.last_seen >= since))
        .group_by(search_miss.c.term, search_miss.c.language)
        .order_by(total.desc(), search_miss.c.term, search_miss.c.language)
        .limit(limit)
    )
    # min() and max() lose the column type on SQLite: read them back as UTC.
    return tuple(
        Miss(term, language, int(count), as_utc(first), as_utc(last))
        for term, language, count, first, last in rows
    )


def _unhelpful(connection: Connection, since: datetime, limit: int) -> tuple[Unhelpful, ...]:
    page = (feedback.c.kind, feedback.c.target, feedback.c.section, feedback.c.language)
    no = sa.func.sum(sa.case((feedback.c.helpful.is_(False), 1), else_=0)).label("no")
    yes = sa.func.sum(sa.case((feedback.c.helpful.is_(True), 1), else_=0)).label("yes")
    rows = connection.execute(
        sa.select(*page, no, yes)
        .where(feedback.c.created_at >= since)
        .group_by(*page)
        .having(no > 0)
        .order_by(no.desc(), yes, *page)
        .limit(limit)
    ).all()
    if not rows:
        return ()
    comments: dict[tuple[str, ...], list[Comment]] = {tuple(r[:4]): [] for r in rows}
    written = connection.execute(
        sa.select(*page, feedback.c.created_at, feedback.c.comment, feedback.c.tried)
        .where(
            (feedback.c.created_at >= since)
            & feedback.c.helpful.is_(False)
            & (feedback.c.comment.is_not(None) | feedback.c.tried.is_not(None))
            & sa.tuple_(*page).in_([tuple(r[:4]) for r in rows])
        )
        .order_by(feedback.c.created_at.desc(), feedback.c.id.desc())
    )
    for *key, created_at, comment, tried in written:
        comments[tuple(key)].append(Comment(created_at, comment or "", tried or ""))
    return tuple(
        Unhelpful(kind, target, section, language, int(no), int(yes), tuple(comments[key]))
        for kind, target, section, language, no, yes in rows
        for key in [(kind, target, section, language)]
    )
