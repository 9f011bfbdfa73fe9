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
# of misses not kept (the term says why: DAY_FULL, CLIENT_FULL, QUEUE_FULL).
MISS_QUERY, MISS_CODE, MISS_DROPPED = "query", "code", "dropped"

# Why a miss was not kept, as the ``term`` of its day's MISS_DROPPED row. "" is the day's limit of
# new terms (MISSES_PER_DAY), the only reason the first releases had.
DAY_FULL, CLIENT_FULL, QUEUE_FULL = "", "client", "queue"


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

# Lookups: what people looked up, per hour, code and language. Only codes the site recognises
# have rows of their own; every other code is counted under LOOKUP_OTHER, so a flood of made-up
# codes adds one row an hour, not one per code.
LOOKUP_OTHER = "other"

lookup = sa.Table(
    "lookup",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("hour", UTCDateTime, nullable=False),  # the start of the UTC hour
    sa.Column("code", sa.String(MAX_TARGET_LENGTH), nullable=False),  # a code or LOOKUP_OTHER
    sa.Column("language", sa.String(MAX_LANGUAGE_LENGTH), nullable=False),
    sa.Column("count", sa.Integer, nullable=False),
    sa.UniqueConstraint("hour", "code", "language", name="uq_lookup_hour_code_language"),
    sa.Index("ix_lookup_code_hour", "code", "hour"),
)

# The last hour by the minute, any language: what "rising in the last 15 minutes" reads.
recent_lookup = sa.Table(
    "recent_lookup",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("minute", UTCDateTime, nullable=False),
    sa.Column("code", sa.String(MAX_TARGET_LENGTH), nullable=False),
    sa.Column("count", sa.Integer, nullable=False),
    sa.UniqueConstraint("minute", "code", name="uq_recent_lookup_minute_code"),
)

# One row per code and hour an alert was sent for: the process that inserts it sends the alert,
# every other worker and server finds the row taken.
alert_sent = sa.Table(
    "alert_sent",
    metadata,
    sa.Column("code", sa.String(MAX_TARGET_LENGTH), primary_key=True),
    sa.Column("hour", UTCDateTime, primary_key=True),
    sa.Column("sent_at", UTCDateTime, nullable=False),
)

MAX_TOKEN_NAME_LENGTH = 64
TOKEN_HASH_LENGTH = 64  # SHA-256 in hex
MAX_SCOPES_LENGTH = 100
MAX_PERSON_LENGTH = 100  # who posted or changed a notice: a token's name, a login

# Keys for the bearer tokens of the API and /metrics: only a hash of each secret is kept.
api_token = sa.Table(
    "api_token",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(MAX_TOKEN_NAME_LENGTH), nullable=False),
    sa.Column("secret_hash", sa.String(TOKEN_HASH_LENGTH), nullable=False),
    sa.Column("scopes", sa.String(MAX_SCOPES_LENGTH), nullable=False),  # space-separated
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("name", name="uq_api_token_name"),
    sa.UniqueConstraint("secret_hash", name="uq_api_token_secret_hash"),
)

# What IT tells everyone: one row per notice. ``texts`` maps a language to its title and
# Markdown text ({"en": {"title": …, "text": …}, "de": …}); ``codes`` is a list of normalised
# codes (empty: everyone).
notice = sa.Table(
    "notice",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("level", sa.String(16), nullable=False),
    sa.Column("texts", sa.JSON, nullable=False),
    sa.Column("codes", sa.JSON, nullable=False),
    sa.Column("starts_at", UTCDateTime, nullable=False),
    sa.Column("ends_at", UTCDateTime, nullable=False),
    sa.Column("report", sa.Boolean, nullable=False),
    sa.Column("posted_by", sa.String(MAX_PERSON_LENGTH), nullable=False),
    sa.Column("posted_at", UTCDateTime, nullable=False),
    sa.CheckConstraint("level IN ('outage', 'maintenance', 'info')", name="ck_notice_level"),
    sa.Index("ix_notice_ends_at", "ends_at"),
)

# Every change of a notice, kept: who, when, what (the fields as they became). Its newest id is
# the notices' version, which every worker polls to learn of a change.
notice_change = sa.Table(
    "notice_change",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("notice_id", sa.Integer, sa.ForeignKey("notice.id"), nullable=False),
    sa.Column("action", sa.String(8), nullable=False),  # posted, changed, ended
    sa.Column("changed_by", sa.String(MAX_PERSON_LENGTH), nullable=False),
    sa.Column("changed_at", UTCDateTime, nullable=False),
    sa.Column("fields", sa.JSON, nullable=False),
    sa.Index("ix_notice_change_notice_id", "notice_id"),
)

# What the IT desk marked handled on its lists (webapp.it_desk): one row per list, item and
# language, the latest marking; a row is new again once people miss it after that moment.
MAX_ACTION_LENGTH = 16
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
