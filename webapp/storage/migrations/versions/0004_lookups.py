"""Lookups: what people looked up per hour, code and language; the last hour by the minute for
rising codes; and one row per code and hour an alert was sent for.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lookup",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("hour", sa.DateTime(timezone=True), nullable=False),
        sa.Column("code", sa.String(100), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.UniqueConstraint("hour", "code", "language", name="uq_lookup_hour_code_language"),
    )
    op.create_index("ix_lookup_code_hour", "lookup", ["code", "hour"])
    op.create_table(
        "recent_lookup",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("minute", sa.DateTime(timezone=True), nullable=False),
        sa.Column("code", sa.String(100), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.UniqueConstraint("minute", "code", name="uq_recent_lookup_minute_code"),
    )
    op.create_table(
        "alert_sent",
        sa.Column("code", sa.String(100), primary_key=True),
        sa.Column("hour", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("alert_sent")
    op.drop_table("recent_lookup")
    op.drop_index("ix_lookup_code_hour", table_name="lookup")
    op.drop_table("lookup")
