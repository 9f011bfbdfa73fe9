"""The schema, kept by Alembic: ``upgrade head``, safe when several processes start at once.

The migration scripts live in ``migrations/versions/`` inside the package, so an installed copy
of the site has them; no ``alembic.ini`` is needed. Several Gunicorn workers, or servers, may
upgrade at the same moment: each upgrade runs in one transaction that first takes a lock
(PostgreSQL an advisory lock, SQLite its write lock by ``BEGIN IMMEDIATE``), so one process
migrates and the others wait, then find nothing left to do.

To change the schema: change :mod:`webapp.storage.tables`, add the step as the next script in
``versions/`` (copy the newest; ``down_revision`` names it), and run ``tests/test_migrations.py``,
which checks that the migrated tables are the ones the code uses.
"""

from __future__ import annotations

import logging
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
# Serialises upgrades across processes on PostgreSQL ("SIGNHELP" in ASCII).
LOCK_KEY = 0x5349474E48454C50


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision the code knows."""
    (revision,) = ScriptDirectory.from_config(_config()).get_heads()  # one head, never a fork
    return revision


def current(connection: Connection) -> str | None:
    """The revision the database is at (None: no tables yet)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> str:
    """Bring the database to :func:`head` and return the revision it is at. Idempotent."""
    with engine.begin() as connection:  # on SQLite, BEGIN IMMEDIATE: the write lock
        if connection.dialect.name == "postgresql":
            connection.execute(sa.select(sa.func.pg_advisory_xact_lock(LOCK_KEY)))
        config = _config(connection)
        known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
        found = current(connection)
        if found is not None and found not in known:
            log.warning(
                "The database schema is at revision %s, which this code does not know; "
                "is a newer release running? Leaving it as it is.",
                found,
            )
            return found
        if found != head():
            log.info("Upgrading the database schema from %s to %s", found or "nothing", head())
            command.upgrade(config, "head")
        return head()
