"""Notices and their audit trail: every post, change and end adds a ``notice_change`` row,
in the same transaction, so a notice never changes without a record of who, when and what."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from webapp.storage.tables import MAX_PERSON_LENGTH, notice, notice_change

STORED = ("level", "texts", "codes", "starts_at", "ends_at", "report")


def _as_json(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: value.isoformat() if isinstance(value, datetime) else value
        for name, value in fields.items()
    }


def _record(
    connection: Connection,
    notice_id: int,
    action: str,
    by: str,
    now: datetime,
    fields: Mapping[str, Any],
) -> None:
    connection.execute(
        notice_change.insert().values(
            notice_id=notice_id,
            action=action,
            changed_by=by[:MAX_PERSON_LENGTH],
            changed_at=now,
            fields=_as_json(fields),
        )
    )


def insert(connection: Connection, fields: Mapping[str, Any], by: str, now: datetime) -> int:
    """Store a new notice (``fields``: :data:`STORED`) and its first audit row; its id."""
    values = {name: fields[name] for name in STORED}
    result = connection.execute(
        notice.insert().values(**values, posted_by=by[:MAX_PERSON_LENGTH], posted_at=now)
    )
    key = result.inserted_primary_key
    assert key is not None  # an INSERT of one row always has it
    notice_id = int(key[0])
    _record(connection, notice_id, "posted", by, now, values)
    return notice_id


def get(connection: Connection, notice_id: int, *, lock: bool = False) -> dict[str, Any] | None:
    """A notice's stored fields, or None; ``lock`` holds it until the transaction ends."""
    query = sa.select(notice).where(notice.c.id == notice_id)
    if lock and connection.dialect.name == "postgresql":
        query = query.with_for_update()
    row = connection.execute(query).first()
    return None if row is None else dict(row._mapping)


def update(
    connection: Connection,
    notice_id: int,
    changes: Mapping[str, Any],
    by: str,
    now: datetime,
    action: str,
) -> None:
    """Change a notice's fields (only those in ``changes``) and record it."""
    values = {name: changes[name] for name in STORED if name in changes}
    connection.execute(notice.update().where(notice.c.id == notice_id).values(**values))
    _record(connection, notice_id, action, by, now, values)


def current(connection: Connection, now: datetime) -> list[dict[str, Any]]:
    """Every notice that has not ended by ``now`` (active, or starting later), oldest first."""
    rows = connection.execute(sa.select(notice).where(notice.c.ends_at > now).order_by(notice.c.id))
    return [dict(row._mapping) for row in rows]


def recent(connection: Connection, since: datetime) -> list[dict[str, Any]]:
    """Notices that ended after ``since`` or have not ended, newest first."""
    rows = connection.execute(
        sa.select(notice).where(notice.c.ends_at > since).order_by(notice.c.id.desc())
    )
    return [dict(row._mapping) for row in rows]


def version(connection: Connection) -> int:
    """The newest change's id: it grows with every post, change and end (0 with none)."""
    return int(connection.execute(sa.select(sa.func.max(notice_change.c.id))).scalar() or 0)


def history(connection: Connection, notice_id: int) -> list[dict[str, Any]]:
    """Every change of a notice, oldest first."""
    rows = connection.execute(
        sa.select(notice_change)
        .where(notice_change.c.notice_id == notice_id)
        .order_by(notice_change.c.id)
    )
    return [dict(row._mapping) for row in rows]
