"""Storage for what people tell us: answers to "Did this solve your problem?" and searches
that found nothing. SQLAlchemy Core over SQLite (the default) or PostgreSQL (``DATABASE_URL``),
with the schema kept by Alembic.

Everything else on the site is read-only content in memory; this is the only state the site
writes, so it is kept small and defensive:

- **Nothing personal is stored**: no IP address, no user agent, no name; only the page or code,
  the answer, the optional comment and "what you tried", and the time (UTC); lookups are counts
  per hour, code and language.
- **Bounded**: a search term is cut to :data:`MAX_TERM_LENGTH` characters, and at most
  ``MISSES_PER_DAY`` new terms are kept per day (further new terms are only counted).
- **Safe with many writers**: SQLite runs in WAL mode with a busy timeout and takes its write
  lock at ``BEGIN IMMEDIATE``, so concurrent Gunicorn workers queue instead of failing; miss
  counters are upserts, so no increment is lost.
- **Never in the way**: every wait is bounded by ``DATABASE_TIMEOUT``; a failure is a
  :class:`StorageError` (feedback then answers 503 with the person's words kept).

The parts: :mod:`.connections` (which database, how long to wait for it, and the one error a
failure becomes), :mod:`.tables`, :mod:`.counter` (what is counted on every request, written
in batches by a thread of each process), :mod:`.feedback`, :mod:`.misses` and :mod:`.lookups`
(the writes), :mod:`.queries` and :mod:`.lookup_queries` (the reads), :mod:`.migrate`
(Alembic, with the scripts in ``migrations/``), :mod:`.store` (the :class:`Storage` the site
uses). The schema is created, or upgraded, by ``flask --app webapp init-db`` and automatically
at start-up; both are idempotent and safe when several processes start at once.
"""

from __future__ import annotations

import logging

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from webapp.config import settings_of
from webapp.storage.connections import StorageError, database_url
from webapp.storage.lookup_queries import CodeCount, Rising
from webapp.storage.queries import Comment, Miss, Report, Unhelpful
from webapp.storage.store import Storage
from webapp.storage.tables import (
    LOOKUP_OTHER,
    MAX_TERM_LENGTH,
    MAX_TEXT_LENGTH,
    MISS_CODE,
    MISS_DROPPED,
    MISS_QUERY,
)

__all__ = [
    "LOOKUP_OTHER",
    "MAX_TERM_LENGTH",
    "MAX_TEXT_LENGTH",
    "MISS_CODE",
    "MISS_DROPPED",
    "MISS_QUERY",
    "CodeCount",
    "Comment",
    "Miss",
    "Report",
    "Rising",
    "Storage",
    "StorageError",
    "Unhelpful",
    "current_storage",
    "database_url",
    "init_app",
]

log = logging.getLogger(__name__)

EXTENSION_KEY = "storage"


def init_app(app: Flask) -> None:
    """Open the database named by ``DATABASE_URL`` (SQLite in the instance folder by default),
    create or upgrade its tables, and add the ``init-db`` command.

    A database that cannot be reached does not stop the site: the problem is logged, and the
    tables are created on the first write that finds the database back.
    """
    settings = settings_of(app)
    url = database_url(settings.database_url, app.instance_path)
    storage = Storage(
        url,
        misses_per_day=settings.misses_per_day,
        misses_per_client=settings.misses_per_client,
        timeout=settings.database_timeout,
        lookups_keep_days=settings.lookups_keep_days,
        spike_min=settings.spike_min,
        spike_factor=settings.spike_factor,
    )
    app.extensions[EXTENSION_KEY] = storage
    try:
        storage.init_schema()
    except StorageError as exc:
        log.error("Database not ready (%s); pages work, feedback waits for it.", exc)
    finally:
        # Gunicorn forks its workers from this process (preload_app): fork with no connection.
        storage.engine.dispose()
    app.cli.add_command(init_db_command)


def current_storage() -> Storage:
    """The storage of the running application."""
    return current_app.extensions[EXTENSION_KEY]


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database tables (safe to run again)."""
    storage = current_storage()
    try:
        revision = storage.init_schema()
    except StorageError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Database ready: {storage.describe()} (schema revision {revision}).")
