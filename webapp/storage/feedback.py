"""Answers to "Did this solve your problem?": one row each, completed by the details step."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Connection

from webapp.storage.tables import (
    MAX_LANGUAGE_LENGTH,
    MAX_TARGET_LENGTH,
    MAX_TEXT_LENGTH,
    feedback,
)


def insert(
    connection: Connection,
    *,
    kind: str,
    target: str,
    section: str,
    language: str,
    helpful: bool,
    comment: str,
    tried: str,
    now: datetime,
) -> int:
    """Store one answer and return its id."""
    return connection.execute(
        feedback.insert()
        .values(
            kind=kind,
            target=target[:MAX_TARGET_LENGTH],
            section=section[:MAX_TARGET_LENGTH],
            language=language[:MAX_LANGUAGE_LENGTH],
            helpful=helpful,
            comment=_text_or_none(comment),
            tried=_text_or_none(tried),
            created_at=now,
        )
        .returning(feedback.c.id)
    ).scalar_one()


def complete(
    connection: Connection, feedback_id: int, *, helpful: bool, comment: str, tried: str
) -> bool:
    """Add what the person wrote next to answer ``feedback_id``; False if it no longer exists."""
    result = connection.execute(
        feedback.update()
        .where(feedback.c.id == feedback_id)
        .values(helpful=helpful, comment=_text_or_none(comment), tried=_text_or_none(tried))
    )
    return result.rowcount == 1


def _text_or_none(text: str) -> str | None:
    return text[:MAX_TEXT_LENGTH] if text else None
