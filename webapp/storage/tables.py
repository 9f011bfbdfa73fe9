"""The tables as the code uses them (the newest migration's shape), and their bounds.

Changing a table here needs a migration under ``migrations/versions/`` that takes an existing
database to the new shape; ``tests/test_migrations.py`` checks the two agree.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

MAX_TEXT_LENGTH = 500  # a comment, or "what you tried"
MAX_TERM_LENGTH = 200  # a search query or code kept as a miss
MAX_TARGET_LENGTH = 100  # a code, a page slug or a heading anchor
MAX_LANGUAGE_LENGTH = 16

# Kinds of miss: a query with no result, a well-formed code the table lacks, and per-day counts
# of misses not kept (the term says why: see DROPPED_REASONS).
MISS_QUERY, MISS_CODE, MISS_DROPPED = "query", "code", "dropped"

# Why a miss was not kept, as the ``term`` of its day's MISS_DROPPED row. "" is the day's limit of
# new terms (MISSES_PER_DAY), the only reason the first releases had.
DAY_FULL, CLIENT_FULL, QUEUE_FULL = "", "client", "queue"
DROPPED_REASONS = (DAY_FULL, CLIENT_FULL, QUEUE_FULL)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """An aware UTC datetime in Python, whatever the database keeps.

    PostgreSQL keeps ``timestamp with time zone``; SQLite has no time zones, so the UTC time is
    stored without one and read back as UTC.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def as_utc(value: datetime | str) -> datetime:
    """A value read without its column type (``min()`` on SQLite), as an aware UTC datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = sa.MetaData()

feedback = sa.Table(
    "feedback",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(8), nullable=False),  # "code" or "page"
    sa.Column("target", sa.String(MAX_TARGET_LENGTH), nullable=False),  # the code or page slug
    sa.Column("section", sa.String(MAX_TARGET_LENGTH), nullable=False),  # anchor, or ""
    sa.Column("language", sa.String(MAX_LANGUAGE_LENGTH), nullable=False, server_default=""),
    sa.Column("helpful", sa.Boolean, nullable=False),
    sa.Column("comment", sa.String(MAX_TEXT_LENGTH)),
    sa.Column("tried", sa.String(MAX_TEXT_LENGTH)),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.CheckConstraint("kind IN ('code', 'page')", name="ck_feedback_kind"),
    sa.Index("ix_feedback_created_at", "created_at"),
)

search_miss = sa.Table(
    "search_miss",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("day", sa.Date, nullable=False),  # UTC day; one row per term, language and day
    sa.Column("kind", sa.String(8), nullable=False),  # MISS_QUERY, MISS_CODE or MISS_DROPPED
    sa.Column("language", sa.String(MAX_LANGUAGE_LENGTH), nullable=False, server_default=""),
    sa.Column("term", sa.String(MAX_TERM_LENGTH), nullable=False),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("first_seen", UTCDateTime, nullable=False),
    sa.Column("last_seen", UTCDateTime, nullable=False),
    sa.UniqueConstraint(
        "day", "kind", "language", "term", name="uq_search_miss_day_kind_language_term"
    ),
    sa.Index("ix_search_miss_last_seen", "last_seen"),
)

# What the IT desk marked handled on its lists (webapp.it_desk): one row per list, item and
# language, the latest marking; a row is new again once people miss it after that moment.
MAX_ACTION_LENGTH = 16
MAX_PERSON_LENGTH = 200
HANDLED_LISTS = ("code", "query", "unhelpful")
HANDLED_ACTIONS = ("keyword", "page", "rewrite", "none")

handled = sa.Table(
    "handled",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("list", sa.String(MAX_ACTION_LENGTH), nullable=False),
    # The miss's term, or the unhelpful answer's topic (its "about": code:0xCAA20003#step).
    sa.Column("item", sa.String(MAX_TERM_LENGTH), nullable=False),
    sa.Column("language", sa.String(MAX_LANGUAGE_LENGTH), nullable=False, server_default=""),
    sa.Column("action", sa.String(MAX_ACTION_LENGTH), nullable=False),
    sa.Column("handled_by", sa.String(MAX_PERSON_LENGTH), nullable=False),
    sa.Column("handled_at", UTCDateTime, nullable=False),
    sa.CheckConstraint("list IN ('code', 'query', 'unhelpful')", name="ck_handled_list"),
    sa.UniqueConstraint("list", "item", "language", name="uq_handled_list_item_language"),
)
