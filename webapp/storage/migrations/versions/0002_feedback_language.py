"""Feedback knows the language of the page it is about ("" for answers stored before).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "feedback", sa.Column("language", sa.String(16), nullable=False, server_default="")
    )


def downgrade() -> None:
    with op.batch_alter_table("feedback") as table:
        table.drop_column("language")
