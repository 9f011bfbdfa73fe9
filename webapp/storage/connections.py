"""Connections: which database, and how long anything may wait for it.

Every wait has a bound, so a database that is locked, slow, down or frozen costs a request at
most about ``timeout`` seconds (``DATABASE_TIMEOUT``):

- **SQLite**: the busy timeout (a writer waits that long for another one's lock), in WAL mode so
  readers never wait for writers.
- **PostgreSQL**: ``connect_timeout``; ``statement_timeout`` and ``lock_timeout`` on the server;
  TCP keepalives and ``tcp_user_timeout`` for a network that drops packets; and
  :func:`cut_after`, for a server that accepts bytes and never answers (a frozen process): its
  kernel acknowledges them, so no server or TCP timeout ever fires, and only the client can give
  up. It does so by shutting the socket, which ends the transaction on the server too.
"""

from __future__ import annotations

import logging
import math
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)


class StorageError(Exception):
    """The database could not be reached, or refused or did not finish a write in time; the
    message says which."""


SQLITE_FILE = "signin-help.sqlite3"
# libpq and psycopg round a connect timeout below 2 s up to 2 s.
MIN_CONNECT_TIMEOUT_S = 2


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


def create_engine(url: sa.URL, *, timeout: float, pooled: bool = True) -> Engine:
    """An engine for several threads and processes writing at once, whose every wait ends
    after about ``timeout`` seconds. ``pooled=False`` for one-off work (migrations)."""
    pool: dict[str, Any] = (
        {"pool_size": 5, "max_overflow": 10, "pool_timeout": timeout}
        if pooled
        else {"poolclass": sa.NullPool}
    )
    if url.get_backend_name() == "sqlite":
        folder = Path(url.database or "").parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # reported when connecting; the site runs without storage
            log.error("Cannot create the database folder %s: %s", folder, exc)
        # Pooled connections: when the last connection to a WAL database closes, SQLite
        # checkpoints and deletes the WAL, which cost ~20 ms of fsyncs per write without a pool.
        engine = sa.create_engine(
            url,
            hide_parameters=True,  # what people typed stays out of error logs
            connect_args={"timeout": timeout},
            **pool,
        )
        busy_ms = round(timeout * 1000)
        sa.event.listen(engine, "connect", lambda dbapi, _record: _sqlite_setup(dbapi, busy_ms))
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    budget_ms = round(timeout * 1000)
    engine = sa.create_engine(
        url,
        # No pre-ping: it would wait on a frozen server before cut_after can watch it. A dead
        # connection fails its first statement at once instead, and the pool is replaced.
        pool_recycle=1800,
        hide_parameters=True,
        connect_args={
            "connect_timeout": max(MIN_CONNECT_TIMEOUT_S, math.ceil(timeout)),
            "keepalives": 1,
            "keepalives_idle": 30,
            "keepalives_interval": 5,
            "keepalives_count": 3,
            "tcp_user_timeout": budget_ms,  # sent data unacknowledged that long: give up
        },
        **pool,
    )
    sa.event.listen(engine, "connect", lambda dbapi, _record: _postgres_setup(dbapi, budget_ms))
    return engine


def _postgres_setup(dbapi_connection: Any, budget_ms: int) -> None:
    # Session settings, not URL options: a URL may carry options of its own (search_path).
    lock_ms = max(1, budget_ms * 2 // 3)  # a lock wait leaves time for the statement itself
    with dbapi_connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('statement_timeout', %s, false),"
            " set_config('lock_timeout', %s, false),"
            " set_config('idle_in_transaction_session_timeout', %s, false)",
            (str(budget_ms), str(lock_ms), str(max(budget_ms * 5, 10_000))),
        )
    dbapi_connection.commit()  # so a rollback of the first transaction keeps them


def _sqlite_setup(dbapi_connection: Any, busy_ms: int) -> None:
    # Let SQLAlchemy emit BEGIN (see _sqlite_begin) instead of the sqlite3 module.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
        _switch_to_wal(cursor, busy_ms / 1000)
        cursor.execute("PRAGMA synchronous = NORMAL")  # durable across app crashes in WAL mode
    finally:
        cursor.close()


def _switch_to_wal(cursor: Any, timeout: float) -> None:
    """Put the database in WAL mode, waiting for other processes doing the same.

    Switching needs an exclusive lock, and SQLite answers "database is locked" at once, without
    calling the busy handler, while another connection is switching a new database too (seen
    with eight processes opening one new file together): so wait and retry here, within the
    same time a busy writer would get.
    """
    deadline = time.monotonic() + timeout
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


def _sqlite_begin(connection: Connection) -> None:
    # Take the write lock up front: a deferred transaction that reads and then writes fails at
    # once with "database is locked" when another writer got in between; an immediate one
    # waits its turn (busy_timeout).
    connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def cut_after(connection: Connection, timeout: float) -> Iterator[threading.Event]:
    """Shut a PostgreSQL connection's socket if the block has not ended after ``timeout``
    seconds: the waiting statement then fails at once, and the server, when it runs again,
    sees the connection closed and rolls its transaction back. SQLite has nothing to cut (its
    only wait is the busy timeout). The event yielded is set once it cut the connection."""
    watch = threading.Event()
    if connection.dialect.name != "postgresql":
        yield watch
        return
    # A duplicate of the descriptor names the same socket even if the number is reused.
    fd = os.dup(connection.connection.dbapi_connection.fileno())  # type: ignore[union-attr]
    guard = threading.Lock()
    finished = False

    def cut() -> None:
        with guard:
            if finished:
                return
            watch.set()
            with socket.socket(fileno=os.dup(fd)) as sock, suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # OSError: closed already

    timer = threading.Timer(timeout, cut)
    timer.daemon = True
    timer.start()
    try:
        yield watch
    finally:
        timer.cancel()
        with guard:
            finished = True
        os.close(fd)
