"""The first release's tables: feedback on answers, and searches that found nothing.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("target", sa.String(100), nullable=False),
        sa.Column("section", sa.String(100), nullable=False),
        sa.Column("helpful", sa.Boolean, nullable=False),
        sa.Column("comment", sa.String(500)),
        sa.Column("tried", sa.String(500)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('code', 'page')", name="ck_feedback_kind"),
    )
    op.create_index("ix_feedback_created_at", "feedback", ["created_at"])
    op.create_table(
        "search_miss",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("term", sa.String(200), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("day", "kind", "term", name="uq_search_miss_day_kind_term"),
    )
    op.create_index("ix_search_miss_last_seen", "search_miss", ["last_seen"])


def downgrade() -> None:
    op.drop_table("search_miss")
    op.drop_table("feedback")
