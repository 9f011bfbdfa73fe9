"""What only the IT desk reads and writes: which misses and unhelpful answers someone marked
handled, and the feedback on each code's page over a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from webapp.content.model import CODE
from webapp.storage.tables import (
    HANDLED_ACTIONS,
    HANDLED_LISTS,
    MAX_PERSON_LENGTH,
    MAX_TERM_LENGTH,
    feedback,
    handled,
)


@dataclass(frozen=True, slots=True)
class Handled:
    """The latest marking of one item of a list: how it was handled, by whom, when."""

    action: str
    by: str
    at: datetime


HandledKey = tuple[str, str, str]  # list, item, language


def mark(
    connection: Connection,
    *,
    list_name: str,
    item: str,
    language: str,
    action: str,
    by: str,
    at: datetime,
) -> None:
    """Keep that ``item`` of ``list_name`` was handled (replacing an earlier marking)."""
    if list_name not in HANDLED_LISTS or action not in HANDLED_ACTIONS:
        raise ValueError(f"unknown list or action: {list_name!r}, {action!r}")
    values = {"action": action, "handled_by": by[:MAX_PERSON_LENGTH], "handled_at": at}
    row = (
        (handled.c.list == list_name)
        & (handled.c.item == item[:MAX_TERM_LENGTH])
        & (handled.c.language == language)
    )
    if not connection.execute(handled.update().where(row).values(**values)).rowcount:
        connection.execute(
            handled.insert().values(
                list=list_name, item=item[:MAX_TERM_LENGTH], language=language, **values
            )
        )


def read_all(connection: Connection) -> dict[HandledKey, Handled]:
    """Every marking, by (list, item, language)."""
    rows = connection.execute(
        sa.select(
            handled.c.list,
            handled.c.item,
            handled.c.language,
            handled.c.action,
            handled.c.handled_by,
            handled.c.handled_at,
        )
    )
    return {
        (list_name, item, language): Handled(action, by, at)
        for list_name, item, language, action, by, at in rows
    }


@dataclass(frozen=True, slots=True)
class CodeFeedback:
    """The answers to "Did this solve your problem?" on one code's page over a period."""

    yes: int
    no: int
    comments: tuple[str, ...]  # what people wrote after No, newest first


def feedback_per_code(
    connection: Connection, since: datetime, until: datetime, comments_each: int = 5
) -> dict[str, CodeFeedback]:
    """Yes and No per code from ``since`` to ``until``, with the latest few comments (the IT
    desk's Codes page shows them beside each code's lookups)."""
    period = (
        (feedback.c.kind == CODE)
        & (feedback.c.created_at >= since)
        & (feedback.c.created_at < until)
    )
    yes = sa.func.sum(sa.case((feedback.c.helpful.is_(True), 1), else_=0))
    no = sa.func.sum(sa.case((feedback.c.helpful.is_(False), 1), else_=0))
    counts = connection.execute(
        sa.select(feedback.c.target, yes, no).where(period).group_by(feedback.c.target)
    ).all()
    written: dict[str, list[str]] = {}
    for target, comment in connection.execute(
        sa.select(feedback.c.target, feedback.c.comment)
        .where(period & feedback.c.comment.is_not(None) & (feedback.c.comment != ""))
        .order_by(feedback.c.created_at.desc(), feedback.c.id.desc())
    ):
        kept = written.setdefault(target, [])
        if len(kept) < comments_each:
            kept.append(comment)
    return {
        target: CodeFeedback(int(y), int(n), tuple(written.get(target, ())))
        for target, y, n in counts
    }
