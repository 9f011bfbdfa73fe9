"""Processes started as Gunicorn starts its workers, and what the tests run in them.

They are forked, as Gunicorn forks, but from a process without threads, as Gunicorn's master
is: a fork of the test run itself would inherit whatever lock its threads (the pollers and
flushers of apps made by earlier tests) hold at that moment, and could hang on it. The fork
server imports this module once, so each child starts with the site already imported.
"""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.context import ForkServerContext
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from webapp.storage import Storage, StorageError
from webapp.storage import database_url as resolve_url


def worker_context() -> ForkServerContext:
    """A context whose processes fork from a server that has imported this module."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])  # only before its first process; harmless after
    return context


def start_like_a_worker(url: str, barrier: Any, results: Any) -> None:
    """Upgrade the schema as a worker's start-up does, with the others at the same moment."""
    storage = Storage(sa.make_url(url))
    barrier.wait(timeout=60)
    try:
        results.put(storage.init_schema())
    except Exception as exc:  # reported to the test, which fails with it
        results.put(repr(exc))
    finally:
        storage.dispose()


def open_a_new_file(path: str, barrier: Any, results: Any) -> None:
    """Open a new SQLite file with the others at the same moment; write; say its journal mode."""
    # A generous budget: eight processes on a busy shared machine may each wait a while; what
    # is proven is that they wait instead of failing at once.
    storage = Storage(resolve_url(f"sqlite:///{path}", "."), timeout=30)
    barrier.wait()
    try:
        storage.init_schema()  # as each worker's start-up does
        storage.add_feedback("code", "0xCAA20003", "", True)
        with storage.engine.connect() as connection:
            results.put(connection.exec_driver_sql("PRAGMA journal_mode").scalar())
    except StorageError as exc:
        results.put(str(exc))
    finally:
        storage.dispose()


def write_through_a_read_only_spell(path: str, results: Any) -> None:
    """Write, have the file made read-only, write (refused), have it fixed, write again; as a
    user the file permissions apply to (root ignores them)."""
    if os.geteuid() == 0:
        os.setgid(65534)
        os.setuid(65534)  # nobody
    store = Storage(resolve_url(f"sqlite:///{path}", "."))
    try:
        try:
            store.init_schema()
        except StorageError as exc:  # the test fails with it
            results.put(f"no tables: {exc}")
            results.put("")
            return
        store.add_feedback("code", "0xCAA20003", "", True, "writable")
        store.dispose()  # the next write opens a new connection, while the file is read-only
        os.chmod(path, 0o444)
        try:
            store.add_feedback("code", "0xCAA20003", "", True, "read-only")
            results.put("stored while read-only")
        except StorageError as exc:
            results.put(f"refused: {exc}")
        for name in Path(path).parent.iterdir():  # the operator fixes the files' permissions
            name.chmod(0o644)
        try:
            store.add_feedback("code", "0xCAA20003", "", True, "fixed")
            results.put("stored once fixed")
        except StorageError as exc:
            results.put(f"still refused: {exc}")
    finally:
        store.dispose()
