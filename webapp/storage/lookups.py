"""Counting lookups: one row per hour, code and language, and the last hour by the minute.

Counters are upserts, so workers and servers writing at once lose no increment. An alert is
claimed by inserting its (code, hour) row: exactly one process, anywhere, wins it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from webapp.storage.tables import alert_sent, lookup, recent_lookup

RECENT_KEPT = timedelta(hours=1)  # recent_lookup rows older than this are deleted
ALERTS_KEPT = timedelta(days=2)


def hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def minute_of(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def count(connection: Connection, *, at: datetime, code: str, language: str, times: int) -> None:
    """Add ``times`` lookups of ``code`` in ``language`` at ``at`` (an aware UTC time)."""
    _add(connection, lookup, {"hour": hour_of(at), "code": code, "language": language}, times)
    _add(connection, recent_lookup, {"minute": minute_of(at), "code": code}, times)


def claim_alert(connection: Connection, *, code: str, now: datetime) -> bool:
    """True for the one caller, among every process, that gets to alert ``code`` this hour."""
    statement = _insert(connection)(alert_sent).values(code=code, hour=hour_of(now), sent_at=now)
    claimed = statement.on_conflict_do_nothing().returning(alert_sent.c.code)
    return connection.execute(claimed).first() is not None


def prune(connection: Connection, *, now: datetime, keep_days: int) -> None:
    """Delete hourly rows older than ``keep_days``, minute rows older than an hour, and the
    record of alerts sent more than two days ago."""
    connection.execute(lookup.delete().where(lookup.c.hour < now - timedelta(days=keep_days)))
    connection.execute(recent_lookup.delete().where(recent_lookup.c.minute < now - RECENT_KEPT))
    connection.execute(alert_sent.delete().where(alert_sent.c.hour < now - ALERTS_KEPT))


def _insert(connection: Connection):
    return postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert


def _add(connection: Connection, table: sa.Table, key: dict[str, object], times: int) -> None:
    statement = _insert(connection)(table).values(**key, count=times)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c[name] for name in key],
        set_={"count": table.c.count + statement.excluded.count},
    )
    connection.execute(statement)
