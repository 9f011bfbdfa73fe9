"""Misses are kept per language too: a column, and a unique key that includes it.

SQLite cannot change a table's constraints, so batch mode makes the new table, copies the rows
(language "", ids kept), drops the old one and renames the new; PostgreSQL alters in place.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("search_miss") as table:
        table.add_column(sa.Column("language", sa.String(16), nullable=False, server_default=""))
        table.drop_constraint("uq_search_miss_day_kind_term", type_="unique")
        table.create_unique_constraint(
            "uq_search_miss_day_kind_language_term", ["day", "kind", "language", "term"]
        )


def downgrade() -> None:
    with op.batch_alter_table("search_miss") as table:
        table.drop_constraint("uq_search_miss_day_kind_language_term", type_="unique")
        table.create_unique_constraint("uq_search_miss_day_kind_term", ["day", "kind", "term"])
        table.drop_column("language")
