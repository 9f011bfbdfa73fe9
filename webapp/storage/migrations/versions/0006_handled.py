"""The IT desk's markings: which misses and unhelpful answers someone handled, how, who, when.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handled",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("list", sa.String(16), nullable=False),
        sa.Column("item", sa.String(200), nullable=False),
        sa.Column("language", sa.String(16), nullable=False, server_default=""),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("handled_by", sa.String(100), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("list IN ('code', 'query', 'unhelpful')", name="ck_handled_list"),
        sa.UniqueConstraint("list", "item", "language", name="uq_handled_list_item_language"),
    )


def downgrade() -> None:
    op.drop_table("handled")
