"""Bearer tokens for the API, and the notices IT posts with every change kept.

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("scopes", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("name", name="uq_api_token_name"),
        sa.UniqueConstraint("secret_hash", name="uq_api_token_secret_hash"),
    )
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("texts", sa.JSON, nullable=False),
        sa.Column("codes", sa.JSON, nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("report", sa.Boolean, nullable=False),
        sa.Column("posted_by", sa.String(100), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("level IN ('outage', 'maintenance', 'info')", name="ck_notice_level"),
    )
    op.create_index("ix_notice_ends_at", "notice", ["ends_at"])
    op.create_table(
        "notice_change",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("notice_id", sa.Integer, sa.ForeignKey("notice.id"), nullable=False),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("changed_by", sa.String(100), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fields", sa.JSON, nullable=False),
    )
    op.create_index("ix_notice_change_notice_id", "notice_change", ["notice_id"])


def downgrade() -> None:
    op.drop_index("ix_notice_change_notice_id", table_name="notice_change")
    op.drop_table("notice_change")
    op.drop_index("ix_notice_ends_at", table_name="notice")
    op.drop_table("notice")
    op.drop_table("api_token")
