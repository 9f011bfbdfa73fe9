"""Alembic's environment: run the migrations on the connection :mod:`webapp.storage.migrate`
hands over, inside the transaction it already holds (with the lock that keeps several
processes from migrating at once)."""

from __future__ import annotations

from alembic import context

from webapp.storage.tables import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,  # SQLite cannot alter constraints: new revisions get batch mode
)
with context.begin_transaction():
    context.run_migrations()
