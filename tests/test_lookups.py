"""Lookups: what counts (code pages, cached or not, 304s, searches landing on a code, the API),
what does not (suggestions, redirects, the page again after feedback), nothing about the
person, the queries the IT desk reads, rising codes and their one alert, and pruning."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from support.apps import make_app
from support.content import HOME_MD, write_content
from support.counting import lookup

from webapp.storage import LOOKUP_OTHER, Rising, Storage, lookup_queries
from webapp.storage import database_url as resolve_url
from webapp.storage.tables import lookup as lookup_table

NOW = datetime.now(UTC)


def counted(app: Flask) -> dict[tuple[str, str], int]:
    """The lookups stored per (code, language), once every one counted so far is written."""
    storage: Storage = app.extensions["storage"]
    assert storage.flush(timeout=30)
    with storage.engine.connect() as connection:
        rows = connection.execute(
            sa.select(lookup_table.c.code, lookup_table.c.language, lookup_table.c.count)
        )
        totals: dict[tuple[str, str], int] = {}
        for code, language, count in rows:
            totals[(code, language)] = totals.get((code, language), 0) + count
        return totals


def visit(client: FlaskClient, path: str, **headers: str) -> int:
    with client.get(path, headers=headers) as response:
        response.get_data()
        return response.status_code


@pytest.fixture
def bilingual(content_dir: Path, tmp_path: Path) -> Flask:
    german = {"de/home.md": HOME_MD.replace("Sign-in help", "Hilfe zur Anmeldung")}
    return make_app(write_content(tmp_path / "content", **german), tmp_path)


def test_each_visit_of_a_code_page_counts_once_per_code_and_language(bilingual: Flask) -> None:
    client = bilingual.test_client()
    for _ in range(3):  # the second and third from the page cache
        assert visit(client, "/codes/0xCAA20003") == 200
    assert visit(client, "/de/codes/0xCAA20003") == 200
    assert counted(bilingual) == {("0xCAA20003", "en"): 3, ("0xCAA20003", "de"): 1}


def test_a_304_counts(app: Flask, client: FlaskClient) -> None:
    with client.get("/codes/0xCAA20003") as first:
        etag = first.headers["ETag"]
    assert visit(client, "/codes/0xCAA20003", **{"If-None-Match": etag}) == 304
    assert counted(app) == {("0xCAA20003", "en"): 2}


def test_a_search_that_lands_on_a_code_counts_once(app: Flask, client: FlaskClient) -> None:
    with client.get("/search?q=caa20003", follow_redirects=True) as answer:
        assert answer.status_code == 200 and len(answer.history) == 1
    with client.get("/codes/caa-20003", follow_redirects=True) as answer:  # a 301 first
        assert answer.status_code == 200 and len(answer.history) == 1
    assert counted(app) == {("0xCAA20003", "en"): 2}


def test_the_api_counts_codes_asked_for_not_suggestions(app: Flask, client) -> None:
    assert visit(client, "/api/codes/0xCAA20003") == 200
    assert visit(client, "/api/codes/caa20003") == 200  # any spelling, answered as it is
    assert visit(client, "/api/search?q=0xCAA20003") == 200
    assert visit(client, "/api/search?q=clock") == 200
    assert counted(app) == {("0xCAA20003", "en"): 2}


def test_codes_the_site_does_not_recognise_are_one_other(app: Flask, client) -> None:
    for path in ("/codes/0xCAA2FFFF", "/codes/0xCAA3EEEE", "/api/codes/0xCAA4DDDD"):
        assert visit(client, path) in (404,)
    assert visit(client, "/codes/not-a-code") == 404  # no code at all: nothing looked up
    assert counted(app) == {(LOOKUP_OTHER, "en"): 3}


def test_the_page_again_after_feedback_is_not_another_lookup(app: Flask, client) -> None:
    assert visit(client, "/codes/0xCAA20003") == 200
    assert visit(client, "/codes/0xCAA20003?answered=code:0xCAA20003") == 200
    assert counted(app) == {("0xCAA20003", "en"): 1}


def test_nothing_about_the_person_is_kept() -> None:
    assert set(lookup_table.c.keys()) == {"id", "hour", "code", "language", "count"}


# --- The queries the IT desk reads -----------------------------------------------------------


@pytest.fixture
def storage(database_url: str, tmp_path: Path) -> Iterator[Storage]:
    store = Storage(resolve_url(database_url, tmp_path), spike_min=10, spike_factor=5)
    store.init_schema()
    yield store
    store.dispose()


def test_lookups_per_code_come_with_the_period_before(storage: Storage) -> None:
    lookup(storage, "0xCAA20003", times=6, now=NOW - timedelta(hours=2))
    lookup(storage, "0xCAA20003", times=2, now=NOW - timedelta(hours=30))
    lookup(storage, "AADSTS50126", times=3, now=NOW - timedelta(hours=30))
    counts = storage.read(
        "lookups",
        lambda c: lookup_queries.lookups_per_code(c, NOW - timedelta(hours=24), NOW),
    )
    assert [(c.code, c.count, c.before) for c in counts] == [
        ("0xCAA20003", 6, 2),
        ("AADSTS50126", 0, 3),
    ]
    total = storage.read(
        "lookups", lambda c: lookup_queries.total_lookups(c, NOW - timedelta(hours=24), NOW)
    )
    assert total == 6


def test_lookups_per_hour_have_every_hour_for_a_chart(storage: Storage) -> None:
    hour = NOW.replace(minute=0, second=0, microsecond=0)
    lookup(storage, "0xCAA20003", times=4, now=hour - timedelta(hours=2))
    lookup(storage, "0xCAA20003", "de", times=1, now=hour - timedelta(hours=2))
    lookup(storage, "0xCAA20003", times=2, now=hour)
    hours = storage.read(
        "lookups",
        lambda c: lookup_queries.lookups_per_hour(
            c, "0xCAA20003", hour - timedelta(hours=3), hour + timedelta(hours=1)
        ),
    )
    assert [h.count for h in hours] == [0, 5, 0, 2]
    assert hours[0].hour == hour - timedelta(hours=3)


def test_most_looked_up_today_against_a_usual_day(storage: Storage) -> None:
    midnight = NOW.replace(hour=0, minute=0, second=0, microsecond=0)
    lookup(storage, "0xCAA20003", times=14, now=midnight - timedelta(days=3))
    lookup(storage, "0xCAA20003", times=9, now=NOW)
    lookup(storage, "AADSTS50126", times=3, now=NOW)
    today = storage.read("lookups", lambda c: lookup_queries.most_looked_up_today(c, NOW, limit=10))
    assert [(t.code, t.today, t.usual_day) for t in today] == [
        ("0xCAA20003", 9, 2.0),
        ("AADSTS50126", 3, 0.0),
    ]


def rising(storage: Storage) -> list[Rising]:
    return storage.read(
        "rising",
        lambda c: lookup_queries.rising_codes(c, datetime.now(UTC), spike_min=10, spike_factor=5),
    )


def test_a_code_never_seen_before_rises_at_spike_min(storage: Storage) -> None:
    lookup(storage, "0xCAA20003", times=9)
    assert rising(storage) == []
    lookup(storage, "0xCAA20003", "de")
    (found,) = rising(storage)
    assert (found.code, found.now, found.usual, set(found.languages)) == (
        "0xCAA20003",
        10,
        0.0,
        {"en", "de"},
    )


def test_a_code_rises_only_at_spike_factor_times_its_usual_rate(storage: Storage) -> None:
    # 672 lookups over the last 7 days: one per 15 minutes, usually.
    week_ago = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=6)
    lookup(storage, "0xCAA20003", times=672, now=week_ago)
    lookup(storage, "AADSTS50126", times=6720, now=week_ago)  # usually 10 per 15 minutes
    lookup(storage, "0xCAA20003", times=12)
    lookup(storage, "AADSTS50126", times=12)  # 12 now: usual, not rising
    assert [(r.code, r.now, r.usual) for r in rising(storage)] == [("0xCAA20003", 12, 1.0)]


def test_lookups_older_than_the_bound_are_deleted(storage: Storage) -> None:
    storage.lookups_keep_days = 400
    lookup(storage, "0xCAA20003", now=NOW - timedelta(days=401))
    lookup(storage, "0xCAA20003", now=NOW - timedelta(days=399))
    lookup(storage, "0xCAA20003")
    with storage.engine.connect() as connection:
        hours = [r.hour for r in connection.execute(sa.select(lookup_table.c.hour))]
    assert len(hours) == 2 and min(hours) > NOW - timedelta(days=400)


def test_two_servers_send_one_alert_for_a_rising_code(database_url: str, tmp_path: Path) -> None:
    url = resolve_url(database_url, tmp_path)
    servers = [Storage(url, spike_min=10, spike_factor=5) for _ in range(2)]
    alerts: list[tuple[int, Rising]] = []
    try:
        for number, server in enumerate(servers):
            server.init_schema()
            server.on_rising = lambda found, number=number: alerts.append((number, found))
        for _ in range(3):
            for server in servers:
                lookup(server, "0xCAA20003", times=4)
    finally:
        for server in servers:
            server.dispose()
    assert len(alerts) == 1
    assert alerts[0][1].code == "0xCAA20003" and alerts[0][1].now >= 10
