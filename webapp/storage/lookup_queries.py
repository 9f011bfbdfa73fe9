"""What the IT desk reads about lookups: per code over a period (against the period before),
per hour for one code, in all, most looked up today against a usual day, and rising now.

Every function takes a connection (``Storage.run`` gives one) and aware UTC times. Periods are
read from the hourly rows, so a period starts and ends on the hour it falls in. Only codes the
site recognises have their own counts; the rest are one code, ``LOOKUP_OTHER``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from webapp.storage.lookups import hour_of
from webapp.storage.tables import LOOKUP_OTHER, as_utc, lookup, recent_lookup

RISING_WINDOW = timedelta(minutes=15)  # "now", for rising codes
USUAL_DAYS = 7  # the usual rate is the average over this many days before the current hour


@dataclass(frozen=True, slots=True)
class CodeCount:
    """A code's lookups in a period, and in the period of the same length just before."""

    code: str
    count: int
    before: int


@dataclass(frozen=True, slots=True)
class HourCount:
    hour: datetime
    count: int


@dataclass(frozen=True, slots=True)
class TodayCount:
    """A code's lookups today (UTC) so far, and on a usual day (the average of the last 7)."""

    code: str
    today: int
    usual_day: float


@dataclass(frozen=True, slots=True)
class Rising:
    """A code looked up far more often now than usual (see :func:`rising_codes`)."""

    code: str
    now: int  # lookups in the last 15 minutes
    usual: float  # the average for 15 minutes over the last 7 days
    languages: tuple[str, ...]  # in which it was looked up lately, most first


def _sums(connection: Connection, since: datetime, until: datetime) -> dict[str, int]:
    rows = connection.execute(
        sa.select(lookup.c.code, sa.func.sum(lookup.c.count))
        .where((lookup.c.hour >= hour_of(since)) & (lookup.c.hour < until))
        .group_by(lookup.c.code)
    )
    return {code: int(total) for code, total in rows}


def lookups_per_code(
    connection: Connection, since: datetime, until: datetime, *, limit: int | None = None
) -> list[CodeCount]:
    """Lookups per code from ``since`` to ``until``, most first, each with the count of the
    period of the same length before it (for the change); codes of either period."""
    now = _sums(connection, since, until)
    before = _sums(connection, since - (until - since), since)
    codes = sorted(now.keys() | before.keys(), key=lambda c: (-now.get(c, 0), -before.get(c, 0), c))
    counts = [CodeCount(code, now.get(code, 0), before.get(code, 0)) for code in codes]
    return counts[:limit] if limit is not None else counts


def lookups_per_hour(
    connection: Connection, code: str, since: datetime, until: datetime
) -> list[HourCount]:
    """One code's lookups in each hour from ``since`` to ``until`` (every language), hours
    without any included as 0: ready for a chart."""
    rows = connection.execute(
        sa.select(lookup.c.hour, sa.func.sum(lookup.c.count))
        .where((lookup.c.code == code) & (lookup.c.hour >= hour_of(since)))
        .where(lookup.c.hour < until)
        .group_by(lookup.c.hour)
    )
    found = {as_utc(hour): int(total) for hour, total in rows}
    hours, hour = [], hour_of(since)
    while hour < until:
        hours.append(HourCount(hour, found.get(hour, 0)))
        hour += timedelta(hours=1)
    return hours


def total_lookups(connection: Connection, since: datetime, until: datetime) -> int:
    """Every lookup from ``since`` to ``until`` (``now - 24 h`` to now: the last day)."""
    return sum(_sums(connection, since, until).values())


def most_looked_up_today(
    connection: Connection, now: datetime, *, limit: int = 10
) -> list[TodayCount]:
    """The codes looked up most today (UTC, up to ``now``), each with its usual day: the
    average over the seven days before today."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    today = _sums(connection, midnight, now + timedelta(hours=1))
    week = _sums(connection, midnight - timedelta(days=USUAL_DAYS), midnight)
    codes = sorted(today, key=lambda c: (-today[c], c))[:limit]
    return [TodayCount(code, today[code], week.get(code, 0) / USUAL_DAYS) for code in codes]


def rising_codes(
    connection: Connection,
    now: datetime,
    *,
    spike_min: int,
    spike_factor: float,
    codes: Iterable[str] | None = None,
) -> list[Rising]:
    """The codes looked up at least ``spike_min`` times in the last 15 minutes and at least
    ``spike_factor`` times their usual rate: the lookups of the 7 days before the current hour,
    per 15 minutes. A code never looked up before is rising once it reaches ``spike_min``.
    ``codes`` narrows the question to those codes. The ``LOOKUP_OTHER`` count is never rising:
    it is no one code."""
    recent = (
        sa.select(recent_lookup.c.code, sa.func.sum(recent_lookup.c.count).label("now"))
        .where(recent_lookup.c.minute > now - RISING_WINDOW)
        .where(recent_lookup.c.code != LOOKUP_OTHER)
        .group_by(recent_lookup.c.code)
        .having(sa.func.sum(recent_lookup.c.count) >= spike_min)
    )
    if codes is not None:
        recent = recent.where(recent_lookup.c.code.in_(list(codes)))
    candidates = {code: int(count) for code, count in connection.execute(recent)}
    if not candidates:
        return []
    this_hour = hour_of(now)
    week = connection.execute(
        sa.select(lookup.c.code, sa.func.sum(lookup.c.count))
        .where(lookup.c.code.in_(list(candidates)))
        .where(lookup.c.hour >= this_hour - timedelta(days=USUAL_DAYS))
        .where(lookup.c.hour < this_hour)
        .group_by(lookup.c.code)
    )
    windows = timedelta(days=USUAL_DAYS) / RISING_WINDOW
    usual = {code: int(total) / windows for code, total in week}
    rising = [
        (code, count, usual.get(code, 0.0))
        for code, count in candidates.items()
        if count >= spike_factor * usual.get(code, 0.0)
    ]
    languages = _languages(
        connection, [code for code, _, _ in rising], hour_of(now - RISING_WINDOW)
    )
    return sorted(
        (Rising(code, count, rate, languages.get(code, ())) for code, count, rate in rising),
        key=lambda r: (-r.now, r.code),
    )


def _languages(
    connection: Connection, codes: list[str], since: datetime
) -> dict[str, tuple[str, ...]]:
    """The languages each code was looked up in from the hour ``since`` falls in."""
    if not codes:
        return {}
    rows = connection.execute(
        sa.select(lookup.c.code, lookup.c.language, sa.func.sum(lookup.c.count).label("total"))
        .where(lookup.c.code.in_(codes) & (lookup.c.hour >= since))
        .group_by(lookup.c.code, lookup.c.language)
        .order_by(sa.desc("total"), lookup.c.language)
    )
    found: dict[str, list[str]] = {}
    for code, language, _ in rows:
        found.setdefault(code, []).append(language)
    return {code: tuple(languages) for code, languages in found.items()}
