"""Storage for what people tell us: answers to "Did this solve your problem?" and searches
that found nothing. SQLAlchemy Core over SQLite (the default) or PostgreSQL (``DATABASE_URL``).

Everything else on the site is read-only content in memory; this is the only state the site
writes, so it is kept small and defensive:

- **Nothing personal is stored**: no IP address, no user agent, no name; only the page or code,
  the answer, the optional comment and "what you tried", and the time (UTC).
- **Bounded**: a search term is cut to :data:`MAX_TERM_LENGTH` characters, and at most
  ``MISSES_PER_DAY`` new terms are kept per day (further new terms are only counted).
- **Safe with many writers**: SQLite runs in WAL mode with a busy timeout and takes its write
  lock at ``BEGIN IMMEDIATE``, so concurrent Gunicorn workers queue instead of failing; miss
  counters are upserts (``INSERT ... ON CONFLICT DO UPDATE``), so no increment is lost.
- **Never in the way**: a miss is recorded after the page has been sent, and a database that is
  down only pauses the recording of misses; feedback then answers 503 (see the views).

The schema is created, or upgraded, by ``flask --app webapp init-db`` and automatically at
start-up; both are idempotent and safe when several processes start at once.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Dialect, Engine

from webapp.config import settings_of

log = logging.getLogger(__name__)

EXTENSION_KEY = "storage"
SQLITE_FILE = "signin-help.sqlite3"

SCHEMA_VERSION = 3
"""The version of the tables below. To change the schema: bump it, and add to :data:`UPGRADES`
the step that takes an existing database from the previous version (new tables need no step:
``create_all`` adds them)."""


def _add_feedback_language(connection: Connection) -> None:
    connection.exec_driver_sql(
        "ALTER TABLE feedback ADD COLUMN language VARCHAR(16) NOT NULL DEFAULT ''"
    )


def _add_miss_language(connection: Connection) -> None:
    """Misses are kept per language too: a column, and a unique key that includes it.

    SQLite cannot change a table's constraints, so the new table is made under a temporary
    name, the rows copied (language ''), the old table dropped and the new one renamed;
    PostgreSQL adds the column and swaps the constraint in place.
    """
    columns = {c["name"] for c in sa.inspect(connection).get_columns("search_miss")}
    if "language" in columns:  # made by create_all in this version's form: nothing to do
        return
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            "ALTER TABLE search_miss ADD COLUMN language VARCHAR(16) NOT NULL DEFAULT ''"
        )
        connection.exec_driver_sql(
            "ALTER TABLE search_miss DROP CONSTRAINT uq_search_miss_day_kind_term"
        )
        connection.exec_driver_sql(
            "ALTER TABLE search_miss ADD CONSTRAINT uq_search_miss_day_kind_language_term "
            "UNIQUE (day, kind, language, term)"
        )
        return
    # The table as version 3 has it, written out: a later version may change `search_miss`.
    connection.exec_driver_sql(
        "CREATE TABLE search_miss_v3 ("
        "id INTEGER NOT NULL, day DATE NOT NULL, kind VARCHAR(8) NOT NULL, "
        "language VARCHAR(16) DEFAULT '' NOT NULL, term VARCHAR(200) NOT NULL, "
        "count INTEGER NOT NULL, first_seen DATETIME NOT NULL, last_seen DATETIME NOT NULL, "
        "PRIMARY KEY (id), "
        "CONSTRAINT uq_search_miss_day_kind_language_term UNIQUE (day, kind, language, term))"
    )
    kept = "id, day, kind, term, count, first_seen, last_seen"
    connection.exec_driver_sql(
        f"INSERT INTO search_miss_v3 ({kept}, language) SELECT {kept}, '' FROM search_miss"
    )
    connection.exec_driver_sql("DROP TABLE search_miss")  # and its index
    connection.exec_driver_sql("ALTER TABLE search_miss_v3 RENAME TO search_miss")
    connection.exec_driver_sql("CREATE INDEX ix_search_miss_last_seen ON search_miss (last_seen)")


UPGRADES: dict[int, Callable[[Connection], None]] = {
    2: _add_feedback_language,  # the language of the page the answer is about
    3: _add_miss_language,  # the language of the search that found nothing
}
"""version -> function that upgrades a database from ``version - 1`` to ``version``."""

MAX_TEXT_LENGTH = 500  # a comment, or "what you tried"
MAX_TERM_LENGTH = 200  # a search query or code kept as a miss
MAX_TARGET_LENGTH = 100  # a code, a page slug or a heading anchor

BUSY_TIMEOUT_MS = 5000  # how long a SQLite writer waits for another one
CONNECT_TIMEOUT_S = 5  # how long to wait for PostgreSQL to answer
MISSES_PAUSE_S = 30.0  # after a failure, how long misses are dropped without trying

# Serialises schema creation across processes on PostgreSQL ("SIGNHELP" in ASCII).
_SCHEMA_LOCK_KEY = 0x5349474E48454C50

# Kinds of miss: a query with no result, a well-formed code the table lacks, and the per-day
# count of misses not kept because the day's limit of new terms was reached.
QUERY, CODE, DROPPED = "query", "code", "dropped"


class StorageError(Exception):
    """The database could not be reached or refused a write; the message says which."""


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


metadata = sa.MetaData()

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
)

feedback = sa.Table(
    "feedback",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(8), nullable=False),  # "code" or "page"
    sa.Column("target", sa.String(MAX_TARGET_LENGTH), nullable=False),  # the code or page slug
    sa.Column("section", sa.String(MAX_TARGET_LENGTH), nullable=False),  # anchor, or ""
    sa.Column("language", sa.String(16), nullable=False, server_default=""),  # "en", "de"
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
    sa.Column("kind", sa.String(8), nullable=False),  # QUERY, CODE or DROPPED
    sa.Column("language", sa.String(16), nullable=False, server_default=""),  # "en", "de"
    sa.Column("term", sa.String(MAX_TERM_LENGTH), nullable=False),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("first_seen", UTCDateTime, nullable=False),
    sa.Column("last_seen", UTCDateTime, nullable=False),
    sa.UniqueConstraint(
        "day", "kind", "language", "term", name="uq_search_miss_day_kind_language_term"
    ),
    sa.Index("ix_search_miss_last_seen", "last_seen"),
)


# --- Report records --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Miss:
    """A search term that found nothing in one language, over the report's period."""

    term: str
    language: str
    count: int
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True, slots=True)
class Comment:
    created_at: datetime
    comment: str
    tried: str


@dataclass(frozen=True, slots=True)
class Unhelpful:
    """An answer people marked as not solving their problem, with what they wrote."""

    kind: str
    target: str
    section: str
    language: str
    no: int
    yes: int
    comments: tuple[Comment, ...]


@dataclass(frozen=True, slots=True)
class Report:
    since: datetime
    until: datetime
    unknown_codes: tuple[Miss, ...]
    queries: tuple[Miss, ...]
    unhelpful: tuple[Unhelpful, ...]
    dropped: int  # misses not kept because a day's limit of new terms was reached


# --- Connections -----------------------------------------------------------------------------


def database_url(url: str | None, instance_path: str | os.PathLike[str]) -> sa.URL:
    """The URL to connect to: ``url`` (``DATABASE_URL``), or SQLite in the instance folder.

    ``postgres://`` and ``postgresql://`` (as hosting platforms write them) use psycopg 3.
    """
    if not url:
        return sa.URL.create("sqlite", database=str(Path(instance_path) / SQLITE_FILE))
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        raise ValueError(
            "DATABASE_URL is not a database URL; use postgresql://user:password@host/name "
            "or sqlite:////absolute/path/to/file.sqlite3"
        ) from None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ValueError(f"DATABASE_URL: {backend} is not supported; use PostgreSQL or SQLite.")
    if backend == "sqlite" and parsed.database in (None, "", ":memory:"):
        raise ValueError(
            "DATABASE_URL: an in-memory SQLite database would not be shared; use a file."
        )
    return parsed


def create_engine(url: sa.URL) -> Engine:
    """An engine set up for several threads and processes writing at once."""
    if url.get_backend_name() == "sqlite":
        folder = Path(url.database or "").parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # reported when connecting; the site runs without storage
            log.error("Cannot create the database folder %s: %s", folder, exc)
        # Pooled connections: when the last connection to a WAL database closes, SQLite
        # checkpoints and deletes the WAL, which cost ~20 ms of fsyncs per write without a
        # pool. Forks and garbage collection are handled in Storage.__init__.
        engine = sa.create_engine(
            url,
            pool_size=5,
            max_overflow=10,
            pool_timeout=BUSY_TIMEOUT_MS / 1000,
            hide_parameters=True,  # what people typed stays out of error logs
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
        )
        sa.event.listen(engine, "connect", _sqlite_on_connect)
        sa.event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    return sa.create_engine(
        url,
        pool_pre_ping=True,  # a restarted server costs one failed check, not one failed write
        pool_size=5,
        max_overflow=5,
        pool_timeout=CONNECT_TIMEOUT_S,
        pool_recycle=1800,
        hide_parameters=True,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
    )


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy emit BEGIN (see _sqlite_on_begin) instead of the sqlite3 module.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _switch_to_wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")  # durable across app crashes in WAL mode
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _switch_to_wal(cursor: Any) -> None:
    """Put the database in WAL mode, waiting for other processes doing the same.

    Switching needs an exclusive lock, and SQLite answers "database is locked" at once, without
    calling the busy handler, while another connection is switching a new database too (seen
    with eight processes opening one new file together): so wait and retry here, within the
    same time a busy writer would get.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.1)


def _sqlite_on_begin(connection: Connection) -> None:
    # Take the write lock up front: a deferred transaction that reads and then writes fails at
    # once with "database is locked" when another writer got in between; an immediate one
    # waits its turn (busy_timeout).
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _dispose_after_fork(ref: weakref.ReferenceType[Storage]) -> None:
    storage = ref()
    if storage is not None:
        # The parent's connections belong to the parent: forget them without closing them.
        storage.engine.dispose(close=False)


# --- The store -------------------------------------------------------------------------------


class Storage:
    """Feedback and misses in one database. Thread-safe; one per application."""

    def __init__(self, url: sa.URL, *, misses_per_day: int = 1000) -> None:
        self.url = url
        self.engine = create_engine(url)
        self.misses_per_day = misses_per_day
        self._schema_ready = False
        self._schema_lock = threading.Lock()
        self._misses_paused_until = 0.0
        ref = weakref.ref(self)
        os.register_at_fork(after_in_child=lambda: _dispose_after_fork(ref))
        # Pooled connections are closed, not just dropped, when the storage goes away.
        weakref.finalize(self, self.engine.dispose)

    def describe(self) -> str:
        """The database's URL without its password, for messages and logs."""
        return self.url.render_as_string(hide_password=True)

    @contextmanager
    def _transaction(self, what: str) -> Iterator[Connection]:
        """A transaction, committed at the end. A failure of the database (not of our code)
        becomes StorageError."""
        try:
            with self.engine.begin() as connection:
                yield connection
        except (sa.exc.DBAPIError, sa.exc.TimeoutError) as exc:
            raise StorageError(f"could not {what} in {self.describe()}: {_reason(exc)}") from exc

    # --- Schema ---

    def init_schema(self) -> int:
        """Create missing tables and apply upgrades; return the schema version. Idempotent.

        Several processes may run this at once: SQLite serialises the transactions
        (``BEGIN IMMEDIATE``), PostgreSQL through an advisory lock held until commit.
        """
        with self._schema_lock:
            for attempt in range(3):
                try:
                    with self._transaction("create the tables") as connection:
                        version = self._create_or_upgrade(connection)
                    break
                except StorageError as exc:
                    # Two servers without the lock (an old version, say) may race on CREATE;
                    # the loser sees "already exists" and finds the tables on its next try.
                    if attempt == 2 or "already exists" not in str(exc.__cause__):
                        raise
            self._schema_ready = True
            return version

    def _create_or_upgrade(self, connection: Connection) -> int:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_SCHEMA_LOCK_KEY)))
        metadata.create_all(connection, checkfirst=True)
        found = connection.execute(sa.select(sa.func.max(schema_version.c.version))).scalar()
        if found is None:  # a new database: create_all made the current tables
            connection.execute(schema_version.insert().values(version=SCHEMA_VERSION))
            return SCHEMA_VERSION
        if found > SCHEMA_VERSION:
            log.warning(
                "The database schema is version %s, newer than this code's %s; "
                "is an older release running?",
                found,
                SCHEMA_VERSION,
            )
            return found
        for version in range(found + 1, SCHEMA_VERSION + 1):
            log.info("Upgrading the database schema to version %s", version)
            UPGRADES[version](connection)
            connection.execute(schema_version.update().values(version=version))
        return max(found, SCHEMA_VERSION)

    def _ensure_schema(self) -> None:
        if not self._schema_ready:
            self.init_schema()

    # --- Feedback ---

    def add_feedback(
        self,
        kind: str,
        target: str,
        section: str,
        helpful: bool,
        comment: str = "",
        tried: str = "",
        *,
        language: str = "",
        now: datetime | None = None,
    ) -> int:
        """Store one answer and return its id; committed when this returns."""
        self._ensure_schema()
        values = {
            "kind": kind,
            "target": target[:MAX_TARGET_LENGTH],
            "section": section[:MAX_TARGET_LENGTH],
            "language": language[:16],
            "helpful": helpful,
            "comment": _text_or_none(comment),
            "tried": _text_or_none(tried),
            "created_at": now or datetime.now(UTC),
        }
        with self._transaction("save the feedback") as connection:
            result = connection.execute(feedback.insert().values(values))
            return int(result.inserted_primary_key[0])

    def add_feedback_details(
        self, feedback_id: int, helpful: bool, comment: str = "", tried: str = ""
    ) -> bool:
        """Complete an answer with what the person wrote next; False if it no longer exists."""
        self._ensure_schema()
        values = {
            "helpful": helpful,
            "comment": _text_or_none(comment),
            "tried": _text_or_none(tried),
        }
        with self._transaction("save the feedback") as connection:
            result = connection.execute(
                feedback.update().where(feedback.c.id == feedback_id).values(values)
            )
            return result.rowcount == 1

    # --- Misses ---

    def record_miss(
        self, kind: str, term: str, language: str = "", *, now: datetime | None = None
    ) -> bool:
        """Count a search that found nothing in ``language`` (the page's: "en", "de"); True
        if counted. Never raises.

        A failure is logged and pauses the recording for :data:`MISSES_PAUSE_S` seconds, so a
        database that is down or slow costs the site nothing more.
        """
        if kind not in (QUERY, CODE):
            raise ValueError(f"unknown kind of miss: {kind!r}")
        term = term[:MAX_TERM_LENGTH]
        if not term or time.monotonic() < self._misses_paused_until:
            return False
        try:
            self._ensure_schema()
            with self._transaction("record a search miss") as connection:
                return self._count_miss(
                    connection, kind, term, language[:16], now or datetime.now(UTC)
                )
        except StorageError as exc:
            self._misses_paused_until = time.monotonic() + MISSES_PAUSE_S
            log.error("Search misses not recorded for %ss: %s", int(MISSES_PAUSE_S), exc)
            return False

    def _count_miss(
        self, connection: Connection, kind: str, term: str, language: str, now: datetime
    ) -> bool:
        day = now.astimezone(UTC).date()
        row = (
            (search_miss.c.day == day)
            & (search_miss.c.kind == kind)
            & (search_miss.c.language == language)
            & (search_miss.c.term == term)
        )
        bumped = connection.execute(
            search_miss.update().where(row).values(count=search_miss.c.count + 1, last_seen=now)
        )
        if bumped.rowcount:
            return True
        # A new term today: keep it only while the day has room. Concurrent writers may each
        # see room for the last one, so a day can overshoot by a few rows, never by much.
        kept_today = connection.execute(
            sa.select(sa.func.count())
            .select_from(search_miss)
            .where((search_miss.c.day == day) & (search_miss.c.kind != DROPPED))
        ).scalar_one()
        counted = kept_today < self.misses_per_day
        if not counted:  # one DROPPED row per day, whatever the language
            kind, term, language = DROPPED, "", ""
        self._upsert_miss(connection, day, kind, language, term, now)
        return counted

    def _upsert_miss(
        self,
        connection: Connection,
        day: date,
        kind: str,
        language: str,
        term: str,
        now: datetime,
    ) -> None:
        insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
        statement = insert(search_miss).values(
            day=day,
            kind=kind,
            language=language,
            term=term,
            count=1,
            first_seen=now,
            last_seen=now,
        )
        statement = statement.on_conflict_do_update(
            index_elements=[
                search_miss.c.day,
                search_miss.c.kind,
                search_miss.c.language,
                search_miss.c.term,
            ],
            set_={"count": search_miss.c.count + 1, "last_seen": statement.excluded.last_seen},
        )
        connection.execute(statement)

    # --- Report ---

    def report(self, since: datetime, *, limit: int = 20, until: datetime | None = None) -> Report:
        """What people missed and which answers did not help, from ``since`` to now."""
        until = until or datetime.now(UTC)
        with self._transaction("read the report") as connection:
            return Report(
                since=since,
                until=until,
                unknown_codes=self._misses(connection, CODE, since, limit),
                queries=self._misses(connection, QUERY, since, limit),
                unhelpful=self._unhelpful(connection, since, limit),
                dropped=connection.execute(
                    sa.select(sa.func.coalesce(sa.func.sum(search_miss.c.count), 0)).where(
                        (search_miss.c.kind == DROPPED) & (search_miss.c.last_seen >= since)
                    )
                ).scalar_one(),
            )

    def _misses(
        self, connection: Connection, kind: str, since: datetime, limit: int
    ) -> tuple[Miss, ...]:
        total = sa.func.sum(search_miss.c.count).label("total")
        rows = connection.execute(
            sa.select(
                search_miss.c.term,
                search_miss.c.language,
                total,
                sa.func.min(search_miss.c.first_seen),
                sa.func.max(search_miss.c.last_seen),
            )
            .where((search_miss.c.kind == kind) & (search_miss.c.last_seen >= since))
            .group_by(search_miss.c.term, search_miss.c.language)
            .order_by(total.desc(), search_miss.c.term, search_miss.c.language)
            .limit(limit)
        )
        # min() and max() lose the column type on SQLite: read them back as UTC.
        return tuple(
            Miss(term, language, int(count), _as_utc(first), _as_utc(last))
            for term, language, count, first, last in rows
        )

    def _unhelpful(
        self, connection: Connection, since: datetime, limit: int
    ) -> tuple[Unhelpful, ...]:
        page = (feedback.c.kind, feedback.c.target, feedback.c.section, feedback.c.language)
        no = sa.func.sum(sa.case((feedback.c.helpful.is_(False), 1), else_=0)).label("no")
        yes = sa.func.sum(sa.case((feedback.c.helpful.is_(True), 1), else_=0)).label("yes")
        rows = connection.execute(
            sa.select(*page, no, yes)
            .where(feedback.c.created_at >= since)
            .group_by(*page)
            .having(no > 0)
            .order_by(no.desc(), yes, *page)
            .limit(limit)
        ).all()
        if not rows:
            return ()
        comments: dict[tuple[str, ...], list[Comment]] = {tuple(r[:4]): [] for r in rows}
        written = connection.execute(
            sa.select(*page, feedback.c.created_at, feedback.c.comment, feedback.c.tried)
            .where(
                (feedback.c.created_at >= since)
                & feedback.c.helpful.is_(False)
                & (feedback.c.comment.is_not(None) | feedback.c.tried.is_not(None))
                & sa.tuple_(*page).in_([tuple(r[:4]) for r in rows])
            )
            .order_by(feedback.c.created_at.desc(), feedback.c.id.desc())
        )
        for *key, created_at, comment, tried in written:
            comments[tuple(key)].append(Comment(created_at, comment or "", tried or ""))
        return tuple(
            Unhelpful(*key, no=int(no), yes=int(yes), comments=tuple(comments[tuple(key)]))
            for *key, no, yes in rows
        )

    def dispose(self) -> None:
        self.engine.dispose()


def _text_or_none(text: str) -> str | None:
    return text[:MAX_TEXT_LENGTH] if text else None


def _as_utc(value: datetime | str) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _reason(exc: sa.exc.SQLAlchemyError) -> str:
    """The first line of the driver's message, without SQLAlchemy's statement dump."""
    original = getattr(exc, "orig", None) or exc
    return (str(original).strip().splitlines() or [type(original).__name__])[0]


# --- Flask integration -----------------------------------------------------------------------


def init_app(app: Flask) -> None:
    """Open the database named by ``DATABASE_URL`` (SQLite in the instance folder by default),
    create or upgrade its tables, and add the ``init-db`` command.

    A database that cannot be reached does not stop the site: the problem is logged, and the
    tables are created on the first write that finds the database back.
    """
    settings = settings_of(app)
    url = database_url(settings.database_url, app.instance_path)
    storage = Storage(url, misses_per_day=settings.misses_per_day)
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
        version = storage.init_schema()
    except StorageError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Database ready: {storage.describe()} (schema version {version}).")
