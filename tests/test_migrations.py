"""The schema, kept by Alembic: old databases (revisions 0001 to 0003, as each made them,
under tests/fixtures/schemas/) upgrade to head with their rows, on SQLite and
PostgreSQL, once, even when several processes start together."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from support.apps import make_app
from support.counting import miss
from support.workers import start_like_a_worker, worker_context

from webapp.storage import Storage
from webapp.storage import database_url as resolve_url
from webapp.storage.migrate import head
from webapp.storage.tables import feedback, metadata, search_miss

SCHEMAS = Path(__file__).parent / "fixtures" / "schemas"
MOMENT = datetime(2025, 1, 1, 10, tzinfo=UTC)


def load_old_schema(url: sa.URL, version: int) -> None:
    """Make the tables and rows of revision ``version`` as that revision did."""
    script = (SCHEMAS / f"v{version}.{url.get_backend_name()}.sql").read_text(encoding="utf-8")
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.begin() as connection:
        for statement in script.split(";\n"):
            body = "\n".join(line for line in statement.splitlines() if not line.startswith("--"))
            if body.strip():
                connection.exec_driver_sql(body)
    engine.dispose()


@pytest.fixture
def url(database_url: str, tmp_path: Path) -> sa.URL:
    return resolve_url(database_url, tmp_path)


@pytest.fixture
def store(url: sa.URL) -> Iterator[Storage]:
    storage = Storage(url)
    yield storage
    storage.dispose()


def differences(store: Storage) -> list[object]:
    """What differs between the database's tables and the ones the code uses."""
    with store.engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), metadata)


def table_names(store: Storage) -> set[str]:
    return set(sa.inspect(store.engine).get_table_names())


def rows(store: Storage, table: sa.Table) -> list[sa.Row]:
    with store.engine.connect() as connection:
        return list(connection.execute(sa.select(table).order_by(table.c.id)))


# Every table at the newest revision: the code's tables, and Alembic's own.
HEAD_TABLES = {
    "alembic_version",
    "alert_sent",
    "api_token",
    "feedback",
    "handled",
    "lookup",
    "notice",
    "notice_change",
    "recent_lookup",
    "search_miss",
}


def test_a_new_database_gets_the_tables_the_code_uses(store: Storage) -> None:
    assert store.init_schema() == head() == "0006"
    assert differences(store) == []
    assert table_names(store) == HEAD_TABLES


def test_upgrading_again_changes_nothing(store: Storage) -> None:
    store.init_schema()
    store.add_feedback("code", "0xCAA20003", "", True)
    assert store.init_schema() == head()
    assert len(rows(store, feedback)) == 1 and differences(store) == []


@pytest.mark.parametrize("version", [1, 2, 3])
def test_an_old_database_is_upgraded_to_head_with_its_rows(url: sa.URL, version: int) -> None:
    load_old_schema(url, version)
    store = Storage(url)
    try:
        assert store.init_schema() == head()
        assert differences(store) == []
        assert table_names(store) == HEAD_TABLES
        languages = ("de", "en") if version >= 2 else ("", "")
        answers = rows(store, feedback)
        assert [(r.id, r.target, r.comment, r.tried, r.language) for r in answers] == [
            (1, "0xCAA20003", "Still fails", "Restarted", languages[0]),
            (2, "faq", None, None, languages[1]),
        ]
        assert answers[0].created_at == MOMENT
        languages = ("de", "en", "") if version >= 3 else ("", "", "")
        assert [(r.id, r.kind, r.term, r.count, r.language) for r in rows(store, search_miss)] == [
            (1, "query", "fax", 4, languages[0]),
            (2, "code", "0xCAA2FFFF", 2, languages[1]),
            (3, "dropped", "", 7, languages[2]),
        ]
        # New rows follow the old ids, and the new key counts per language.
        assert store.add_feedback("page", "faq", "why", False, language="de") == 3
        day = datetime(2025, 1, 1, 15, tzinfo=UTC)
        assert miss(store, "query", "fax", "fr", now=day)
        assert miss(store, "query", "fax", languages[0], now=day)
        counts = {(r.id, r.language, r.term): r.count for r in rows(store, search_miss)}
        assert counts[(1, languages[0], "fax")] == 5
        assert counts[(4, "fr", "fax")] == 1
        assert store.init_schema() == head()  # once only
    finally:
        store.dispose()


def test_a_schema_newer_than_the_code_is_left_alone(store: Storage, caplog) -> None:
    store.init_schema()
    with store.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    with caplog.at_level(logging.WARNING, logger="webapp.storage"):
        assert store.init_schema() == "9999"
    assert "does not know" in caplog.text
    assert differences(store) == []


@pytest.mark.parametrize("version", [None, 1])
def test_workers_starting_together_upgrade_once(url: sa.URL, version: int | None) -> None:
    """Eight processes (as eight Gunicorn workers) upgrade one database at the same moment:
    a new one, and one of the first release with rows to carry over."""
    if version is not None:
        load_old_schema(url, version)
    context = worker_context()  # forked as Gunicorn forks its workers
    barrier, results = context.Barrier(8), context.Queue()
    processes = [
        context.Process(
            target=start_like_a_worker,
            args=(url.render_as_string(hide_password=False), barrier, results),
            daemon=True,  # a child that hangs fails the test, never the end of the run
        )
        for _ in range(8)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    assert outcomes == [head()] * 8
    store = Storage(url)
    try:
        assert differences(store) == []
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").all() == [
                (head(),)
            ]
        assert len(rows(store, search_miss)) == (3 if version else 0)
    finally:
        store.dispose()


def test_init_db_upgrades_an_old_database(url: sa.URL, content_dir, tmp_path) -> None:
    load_old_schema(url, 2)
    app = make_app(content_dir, tmp_path, DATABASE_URL=url.render_as_string(hide_password=False))
    # The application upgraded it at start-up already; the command says so and changes nothing.
    for _ in range(2):
        result = app.test_cli_runner().invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert f"(schema revision {head()})" in result.output
    assert len(rows(app.extensions["storage"], feedback)) == 2
    app.extensions["storage"].dispose()
