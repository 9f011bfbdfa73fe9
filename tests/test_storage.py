"""The storage layer on SQLite and PostgreSQL: schema, feedback, misses, concurrency, failures."""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from support.apps import make_app
from support.counting import miss
from support.environment import postgres_url
from support.workers import open_a_new_file, worker_context, write_through_a_read_only_spell

from webapp import storage as storage_module
from webapp.storage import (
    MAX_TERM_LENGTH,
    MISS_CODE,
    MISS_DROPPED,
    MISS_QUERY,
    Storage,
    StorageError,
)
from webapp.storage import database_url as resolve_url
from webapp.storage.migrate import head
from webapp.storage.tables import feedback, search_miss

# Nothing listens on port 1: connecting fails at once, like a database that is down.
DOWN_URL = "postgresql+psycopg://nobody:secret@127.0.0.1:1/signin"


@pytest.fixture
def storage(database_url: str, tmp_path: Path) -> Iterator[Storage]:
    store = Storage(resolve_url(database_url, tmp_path))
    store.init_schema()
    yield store
    store.dispose()


def _rows(store: Storage, table: sa.Table) -> list[sa.Row]:
    with store.engine.connect() as connection:
        return list(connection.execute(sa.select(table).order_by(table.c.id)))


def _run_at_once(count: int, work: Callable[[int], object]) -> list[object]:
    """Run ``work(i)`` in ``count`` threads released together; return results, raise errors."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


# --- URLs ------------------------------------------------------------------------------------


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path: Path) -> None:
    url = resolve_url(None, tmp_path / "instance")
    assert url.drivername == "sqlite"
    assert url.database == str(tmp_path / "instance" / "signin-help.sqlite3")


@pytest.mark.parametrize(
    "given",
    [
        "postgres://u:p@db.example:5432/help",
        "postgresql://u:p@db.example:5432/help",
        "postgresql+psycopg://u:p@db.example:5432/help",
    ],
)
def test_postgres_urls_use_psycopg_3(given: str, tmp_path: Path) -> None:
    url = resolve_url(given, tmp_path)
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.port, url.database, url.username) == ("db.example", 5432, "help", "u")


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("not a url", "not a database URL"),
        ("mysql://u:p@host/db", "mysql is not supported"),
        ("sqlite://", "in-memory"),
        ("sqlite:///:memory:", "in-memory"),
    ],
)
def test_unusable_database_urls_stop_the_start_up(given: str, message: str, tmp_path) -> None:
    with pytest.raises(ValueError, match=message):
        resolve_url(given, tmp_path)


def test_passwords_stay_out_of_messages(tmp_path: Path) -> None:
    store = Storage(resolve_url(DOWN_URL, tmp_path))
    assert "secret" not in store.describe() and "***" in store.describe()
    with pytest.raises(StorageError) as raised:
        store.init_schema()
    assert "secret" not in str(raised.value)
    assert "127.0.0.1" in str(raised.value)


def test_postgres_fixture_fails_in_ci_and_skips_elsewhere(monkeypatch) -> None:
    monkeypatch.delenv("TEST_DATABASE_URL", raising=False)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the PostgreSQL tests"):
        postgres_url()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        postgres_url()


# --- Schema (the migrations themselves: test_migrations.py) ------------------------------------


def test_schema_creation_is_idempotent(storage: Storage) -> None:
    assert storage.init_schema() == head()
    assert storage.init_schema() == head()
    names = set(sa.inspect(storage.engine).get_table_names())
    assert {"feedback", "search_miss", "alembic_version"} <= names


def test_sqlite_connections_use_wal_and_a_busy_timeout(tmp_path: Path) -> None:
    store = Storage(resolve_url(None, tmp_path))
    store.init_schema()
    for _ in range(2):  # every connection, not only the first
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1500
        store.engine.dispose()


def test_init_db_command_creates_and_is_idempotent(database_url: str, content_dir, tmp_path):
    app = make_app(content_dir, tmp_path, DATABASE_URL=database_url)
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert f"(schema revision {head()})" in result.output
    app.extensions["storage"].dispose()


def test_init_db_command_fails_clearly_when_the_database_is_down(content_dir, tmp_path):
    app = make_app(content_dir, tmp_path, DATABASE_URL=DOWN_URL)
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 1
    assert "could not create the tables" in result.output and "secret" not in result.output


def test_by_default_the_database_is_a_sqlite_file_in_the_instance_folder(tmp_path: Path):
    from flask import Flask

    from webapp.config import Settings

    instance = tmp_path / "instance"  # created when missing
    app = Flask(__name__, instance_path=str(instance))
    app.extensions["settings"] = Settings()  # no DATABASE_URL
    storage_module.init_app(app)
    assert (instance / "signin-help.sqlite3").is_file()
    assert "init-db" in app.cli.commands
    app.extensions["storage"].dispose()


# --- Feedback --------------------------------------------------------------------------------


def test_feedback_is_stored_with_only_what_is_needed(storage: Storage) -> None:
    moment = datetime(2025, 3, 1, 12, 30, tzinfo=UTC)
    new_id = storage.add_feedback("code", "0xCAA20003", "", False, "Still fails", "", now=moment)
    (row,) = _rows(storage, feedback)
    assert row._asdict() == {
        "id": new_id,
        "kind": "code",
        "target": "0xCAA20003",
        "section": "",
        "language": "",
        "helpful": False,
        "comment": "Still fails",
        "tried": None,
        "created_at": moment,
    }
    assert row.created_at.tzinfo is UTC


def test_feedback_details_complete_the_same_answer(storage: Storage) -> None:
    new_id = storage.add_feedback("page", "faq", "why", False)
    assert storage.add_feedback_details(new_id, False, "No luck", "Restarted")
    assert not storage.add_feedback_details(new_id + 1000, False, "Lost", "")
    (row,) = _rows(storage, feedback)
    assert (row.comment, row.tried, row.helpful) == ("No luck", "Restarted", False)


def test_times_must_be_aware(storage: Storage) -> None:
    with pytest.raises(sa.exc.StatementError):
        storage.add_feedback("code", "0xCAA20003", "", True, now=datetime(2025, 1, 1))


def test_fifty_concurrent_answers_store_fifty_rows(storage: Storage) -> None:
    ids = _run_at_once(
        50, lambda i: storage.add_feedback("code", "0xCAA20003", "", i % 2 == 0, f"#{i}")
    )
    assert len(set(ids)) == 50
    rows = _rows(storage, feedback)
    assert len(rows) == 50
    assert {row.comment for row in rows} == {f"#{i}" for i in range(50)}


# --- Misses ----------------------------------------------------------------------------------


def test_a_miss_is_counted_with_first_and_last_seen(storage: Storage) -> None:
    first = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    last = first + timedelta(hours=5)
    assert miss(storage, MISS_QUERY, "vpn broken", now=first)
    assert miss(storage, MISS_QUERY, "vpn broken", now=last)
    (row,) = _rows(storage, search_miss)
    assert (row.kind, row.term, row.count, row.day) == (MISS_QUERY, "vpn broken", 2, first.date())
    assert (row.first_seen, row.last_seen) == (first, last)


def test_misses_are_kept_per_language(storage: Storage) -> None:
    for language in ("de", "en", "de"):
        assert miss(storage, MISS_QUERY, "drucker", language)
        assert miss(storage, MISS_CODE, "0xCAA2FFFF", language)
    counts = {(r.kind, r.language, r.term): r.count for r in _rows(storage, search_miss)}
    assert counts == {
        (MISS_QUERY, "de", "drucker"): 2,
        (MISS_QUERY, "en", "drucker"): 1,
        (MISS_CODE, "de", "0xCAA2FFFF"): 2,
        (MISS_CODE, "en", "0xCAA2FFFF"): 1,
    }


def test_misses_over_the_bound_are_one_daily_total_whatever_the_language(
    database_url: str, tmp_path: Path
) -> None:
    store = Storage(resolve_url(database_url, tmp_path), misses_per_day=1)
    store.init_schema()
    try:
        for term, language in (("one", "en"), ("two", "de"), ("three", "en")):
            assert miss(store, MISS_QUERY, term, language)
        rows = _rows(store, search_miss)
        assert [(r.kind, r.language, r.term, r.count) for r in rows] == [
            (MISS_QUERY, "en", "one", 1),
            (MISS_DROPPED, "", "", 2),
        ]
    finally:
        store.dispose()


def test_misses_are_kept_per_day(storage: Storage) -> None:
    day_one = datetime(2025, 3, 1, 23, 59, tzinfo=UTC)
    storage.queue_miss(MISS_CODE, "0xCAA2FFFF", now=day_one)
    storage.queue_miss(MISS_CODE, "0xCAA2FFFF", now=day_one + timedelta(minutes=2))
    assert storage.flush(timeout=30)  # in one batch, yet on two days
    assert [(r.day.isoformat(), r.count) for r in _rows(storage, search_miss)] == [
        ("2025-03-01", 1),
        ("2025-03-02", 1),
    ]


def test_concurrent_misses_lose_no_increment(storage: Storage) -> None:
    results = _run_at_once(50, lambda i: miss(storage, MISS_QUERY, "same words"))
    assert all(results)
    results = _run_at_once(30, lambda i: miss(storage, MISS_CODE, f"0xCAA2{i:04X}"))
    assert all(results)
    rows = _rows(storage, search_miss)
    assert [r.count for r in rows if r.kind == MISS_QUERY] == [50]
    assert sorted(r.term for r in rows if r.kind == MISS_CODE) == [
        f"0xCAA2{i:04X}" for i in range(30)
    ]


def test_new_terms_per_day_are_bounded(database_url: str, tmp_path: Path) -> None:
    store = Storage(resolve_url(database_url, tmp_path), misses_per_day=3)
    store.init_schema()
    try:
        for i in range(10):
            assert miss(store, MISS_QUERY, f"junk {i}")
        assert miss(store, MISS_QUERY, "junk 0")  # a term already kept is still counted
        rows = _rows(store, search_miss)
        assert len(rows) == 4  # three terms and the day's count of the rest
        assert {r.term: r.count for r in rows if r.kind == MISS_QUERY} == {
            "junk 0": 2,
            "junk 1": 1,
            "junk 2": 1,
        }
        assert [r.count for r in rows if r.kind == MISS_DROPPED] == [7]
    finally:
        store.dispose()


def test_terms_are_cut_to_a_bound(storage: Storage) -> None:
    assert miss(storage, MISS_QUERY, "x" * 5000)
    (row,) = _rows(storage, search_miss)
    assert len(row.term) == MAX_TERM_LENGTH


def test_a_database_that_is_down_pauses_counting_and_logs_once(tmp_path: Path, caplog) -> None:
    store = Storage(resolve_url(DOWN_URL, tmp_path))
    attempts: list[object] = []

    def count_attempt(dialect, record, cargs, cparams):  # type: ignore[no-untyped-def]
        attempts.append(cargs)  # and let the connection be tried (and fail) as usual

    sa.event.listen(sa.Engine, "do_connect", count_attempt)  # every engine, the migrations' too
    try:
        with caplog.at_level(logging.ERROR, logger="webapp.storage"):
            assert miss(store, MISS_QUERY, "anything") is False
            tried = len(attempts)
            for _ in range(100):
                assert miss(store, MISS_QUERY, "anything") is False
    finally:
        sa.event.remove(sa.Engine, "do_connect", count_attempt)
    assert tried >= 1 and len(attempts) == tried  # paused: no more attempts to connect
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "Counts not written" in errors[0].getMessage()


def test_writes_raise_storage_error_when_the_database_is_down(tmp_path: Path) -> None:
    store = Storage(resolve_url(DOWN_URL, tmp_path))
    with pytest.raises(StorageError, match="could not"):
        store.add_feedback("code", "0xCAA20003", "", True)


# --- Several processes, as Gunicorn workers ----------------------------------------------------


def _write_from_a_process(url: str, worker: int, count: int) -> None:
    store = Storage(sa.make_url(url))
    try:
        for i in range(count):
            store.add_feedback("code", "0xCAA20003", "", True, f"{worker}-{i}")
            store.queue_miss(MISS_QUERY, "shared term")
        assert store.flush(timeout=30)
    finally:
        store.dispose()


@pytest.mark.slow
def test_several_processes_write_at_once(database_url: str, tmp_path: Path) -> None:
    url = resolve_url(database_url, tmp_path)
    setup = Storage(url)
    setup.init_schema()
    setup.dispose()
    context = multiprocessing.get_context("spawn")  # a fresh interpreter, like a worker
    processes = [
        context.Process(
            target=_write_from_a_process,
            args=(url.render_as_string(hide_password=False), worker, 25),
        )
        for worker in range(4)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0
    store = Storage(url)
    try:
        assert len(_rows(store, feedback)) == 100
        assert [r.count for r in _rows(store, search_miss)] == [100]
    finally:
        store.dispose()


@pytest.mark.slow
@pytest.mark.timeout(300)  # 80 processes in 10 rounds: over a minute on a busy machine
def test_processes_opening_a_new_sqlite_file_together_all_get_wal(tmp_path: Path) -> None:
    """SQLite answers "database is locked" at once, busy_timeout or not, to a connection that
    switches a new file to WAL while another does too: workers starting together must wait,
    and then each write, in WAL mode."""
    context = worker_context()
    outcomes = []
    for round_ in range(10):
        path = str(tmp_path / f"new-{round_}.sqlite3")
        barrier, results = context.Barrier(8), context.Queue()
        processes = [
            context.Process(target=open_a_new_file, args=(path, barrier, results), daemon=True)
            for _ in range(8)
        ]
        for process in processes:
            process.start()
        outcomes += [results.get(timeout=60) for _ in processes]
        for process in processes:
            process.join(timeout=30)
    assert outcomes == ["wal"] * 80


# --- Recovering without a restart --------------------------------------------------------------


def test_a_read_only_sqlite_file_works_again_once_its_permissions_are_fixed() -> None:
    """The connection that found the file read-only is not kept: the next write opens the
    file again, and succeeds, without restarting the site."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp())  # not under tmp_path, which only root may enter
    try:
        if os.geteuid() == 0:
            os.chown(folder, 65534, 65534)
        context = worker_context()
        results = context.Queue()
        process = context.Process(
            target=write_through_a_read_only_spell,
            args=(str(folder / "help.sqlite3"), results),
            daemon=True,
        )
        process.start()
        outcomes = [results.get(timeout=60), results.get(timeout=60)]
        process.join(timeout=30)
    finally:
        shutil.rmtree(folder)
    assert outcomes[0].startswith("refused: could not save the feedback")
    assert outcomes[1] == "stored once fixed"


@pytest.mark.parametrize("value", ["soon", "0", "-1", "31"])
def test_an_unusable_database_timeout_stops_the_start_up(value: str, content_dir, tmp_path) -> None:
    from webapp.config import SettingError

    with pytest.raises(SettingError, match="DATABASE_TIMEOUT must be a number of seconds"):
        make_app(content_dir, tmp_path, DATABASE_TIMEOUT=value)


def test_the_database_timeout_is_the_busy_timeout(content_dir, tmp_path) -> None:
    app = make_app(content_dir, tmp_path, DATABASE_TIMEOUT="0.25")
    with app.extensions["storage"].engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 250
    app.extensions["storage"].dispose()
