"""What the IT desk shows of lookups, read through the counting's own queries
(:mod:`webapp.storage.lookup_queries`) in one transaction per page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy.engine import Connection

from webapp.config import settings_of
from webapp.storage import current_storage
from webapp.storage.lookup_queries import (
    CodeCount,
    HourCount,
    Rising,
    TodayCount,
    lookups_per_code,
    lookups_per_hour,
    most_looked_up_today,
    rising_codes,
)

MOST_CODES = 200  # rows of the Codes page


@dataclass(frozen=True, slots=True)
class Now:
    rising: list[Rising]
    hours: list[HourCount]  # every code, each hour of the last 24
    today: list[TodayCount]

    @property
    def total(self) -> int:
        return sum(hour.count for hour in self.hours)


@dataclass(frozen=True, slots=True)
class CodeLookups:
    counts: CodeCount
    hours: list[HourCount]


def _all_codes_per_hour(
    connection: Connection, since: datetime, until: datetime
) -> list[HourCount]:
    totals: dict[datetime, int] = {}
    for row in lookups_per_code(connection, since, until):
        if row.count:
            for hour in lookups_per_hour(connection, row.code, since, until):
                totals[hour.hour] = totals.get(hour.hour, 0) + hour.count
    hours = lookups_per_hour(connection, "", since, until)  # every hour, at 0
    return [HourCount(hour.hour, totals.get(hour.hour, 0)) for hour in hours]


def read_now(moment: datetime) -> Now:
    settings = settings_of(current_app)

    def work(connection: Connection) -> Now:
        return Now(
            # The alerts' rule and settings (SPIKE_MIN, SPIKE_FACTOR): one meaning of rising.
            rising=rising_codes(
                connection, moment, spike_min=settings.spike_min, spike_factor=settings.spike_factor
            ),
            hours=_all_codes_per_hour(connection, moment - timedelta(hours=23), moment),
            today=most_looked_up_today(connection, moment),
        )

    return current_storage().run("read the lookups", work)


def read_codes(since: datetime, until: datetime) -> list[CodeLookups]:
    def work(connection: Connection) -> list[CodeLookups]:
        return [
            CodeLookups(row, lookups_per_hour(connection, row.code, since, until))
            for row in lookups_per_code(connection, since, until, limit=MOST_CODES)
        ]

    return current_storage().run("read the lookups per code", work)
