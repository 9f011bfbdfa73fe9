"""Searches that found nothing, recorded through the site: what counts, how it is normalised,
counted per code, bounded, and never in the way."""

from __future__ import annotations

import functools
import logging
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from support.apps import make_app
from support.content import HOME_MD, SHIPPED_CONTENT, write_content

from webapp.feedback.misses import normalise_query
from webapp.storage import MAX_TERM_LENGTH, MISS_DROPPED, Storage
from webapp.storage import counter as counter_module
from webapp.storage.counter import Counter
from webapp.storage.tables import search_miss


def misses(app: Flask, *, flush: bool = True) -> dict[tuple[str, str], int]:
    """The misses stored, once every one queued so far is written (unless ``flush=False``)."""
    storage: Storage = app.extensions["storage"]
    if flush:
        assert storage.flush(timeout=30)
    with storage.engine.connect() as connection:
        rows = connection.execute(
            sa.select(search_miss.c.kind, search_miss.c.term, search_miss.c.count)
        )
        return {(kind, term): count for kind, term, count in rows}


def misses_by_language(app: Flask) -> dict[tuple[str, str, str], int]:
    storage: Storage = app.extensions["storage"]
    assert storage.flush(timeout=30)
    with storage.engine.connect() as connection:
        rows = connection.execute(
            sa.select(
                search_miss.c.kind, search_miss.c.language, search_miss.c.term, search_miss.c.count
            )
        )
        return {(kind, language, term): count for kind, language, term, count in rows}


def visit(client: FlaskClient, path: str) -> int:
    """GET ``path`` as a browser would: the whole answer is read, then the connection closed
    (a miss is recorded when the response closes, after it was sent)."""
    with client.get(path) as response:
        response.get_data()
        return response.status_code


def test_a_search_with_no_result_is_recorded_normalised(app: Flask, client) -> None:
    assert visit(client, "/search?q=Printer++ON+FIRE") == 200
    assert visit(client, "/search?q=%20printer%20on%20fire%20") == 200
    assert visit(client, "/search?q=PRINTER%09on%0Afire") == 200
    assert misses(app) == {("query", "printer on fire"): 3}


def test_a_search_with_results_is_not_a_miss(app: Flask, client) -> None:
    assert visit(client, "/search?q=clock") == 200
    assert misses(app) == {}


def test_a_known_code_is_not_a_miss(app: Flask, client) -> None:
    assert visit(client, "/search?q=caa20003") == 303
    assert visit(client, "/codes/0xCAA20003") == 200
    assert misses(app) == {}


def test_an_empty_or_refused_search_is_not_a_miss(app: Flask, client) -> None:
    assert visit(client, "/search?q=") == 200
    assert visit(client, "/search?q=" + "x" * 2001) == 400
    assert visit(client, "/search?q=a%00b") == 400
    assert misses(app) == {}


def test_unknown_codes_are_counted_per_code(app: Flask, client) -> None:
    # A search lands on the code's page, which counts it: once per visit, never twice.
    assert visit(client, "/search?q=0xCAA2FFFF") == 303
    assert visit(client, "/search?q=error+caa2ffff+when+signing+in") == 303
    assert visit(client, "/codes/0xCAA2FFFF") == 404
    assert visit(client, "/codes/caa2-ffff") == 301  # counted once, on the canonical page
    assert visit(client, "/codes/0xCAA2FFFF") == 404
    assert visit(client, "/codes/0xCAA3EEEE") == 404
    assert misses(app) == {("code", "0xCAA2FFFF"): 2, ("code", "0xCAA3EEEE"): 1}


def test_words_that_are_not_codes_are_not_counted_as_codes(app: Flask, client) -> None:
    assert visit(client, "/codes/not-a-code") == 404
    assert misses(app) == {}


# --- What counts as found: every word of the query, itself or by its stem ---------------------


def shown(client: FlaskClient, query: str) -> str:
    with client.get(f"/search?q={query}") as response:
        assert response.status_code == 200
        return response.get_data(as_text=True)


def test_results_that_match_only_by_prefix_are_shown_but_counted_as_a_miss(app, client) -> None:
    # "fire" is the start of "firewall": the page lists that code, but the search is a miss.
    assert "0xCAA82EFD" in shown(client, "printer+on+fire")
    assert "0xCAA82EFD" in shown(client, "firew")
    assert misses(app) == {("query", "printer on fire"): 1, ("query", "firew"): 1}


def test_results_that_match_only_a_typo_are_shown_but_counted_as_a_miss(app, client) -> None:
    assert "0xCAA20003" in shown(client, "clcok")  # "clock", two letters swapped
    assert misses(app) == {("query", "clcok"): 1}


def test_results_that_match_only_some_of_the_words_are_counted_as_a_miss(app, client) -> None:
    assert "0xCAA20003" in shown(client, "clock+printer")
    assert misses(app) == {("query", "clock printer"): 1}


@pytest.mark.parametrize(
    "query",
    [
        "clock",
        "Clocks",  # by its stem
        "firewall blocks",
        "timed out",
        "timeout",  # a keyword; the text has "timed out"
        "the password",  # stop words are not words to find
    ],
)
def test_results_holding_every_word_are_not_a_miss(app, client, query: str) -> None:
    shown(client, query.replace(" ", "+"))
    assert misses(app) == {}


@pytest.fixture(scope="module")
def shipped_with_database(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The shipped content, with a database of its own for this module's counts."""
    folder = tmp_path_factory.mktemp("shipped-misses")
    return make_app(SHIPPED_CONTENT, folder)


@pytest.mark.parametrize(
    ("query", "missed"),
    [
        ("printer on fire", True),  # the firewall pages are listed, but nothing is on printers
        ("clear cache", False),
        ("password changed", False),
        ("AADSTS50126", False),
        ("proxxy", True),  # shown the proxy pages, counted: the report shows the spelling
    ],
)
def test_what_the_shipped_content_counts_as_a_miss(shipped_with_database, query, missed) -> None:
    client = shipped_with_database.test_client()
    visit(client, "/search?q=" + query.replace(" ", "+"))
    recorded = {term.casefold() for _, term in misses(shipped_with_database)}
    assert (query.casefold() in recorded) is missed


def test_the_suggestions_api_records_nothing(app: Flask, client) -> None:
    """It answers every keystroke; half-typed words are not misses."""
    assert visit(client, "/api/search?q=printer+on+fi") == 200
    assert visit(client, "/api/search?q=0xCAA2FFFF") == 200
    assert misses(app) == {}


def test_a_miss_answered_from_the_page_cache_is_still_counted(app, client) -> None:
    rendered = []
    view = app.view_functions["search.search"]

    @functools.wraps(view)  # keeps the view's page-cache policy
    def counting():
        rendered.append(1)
        return view()

    app.view_functions["search.search"] = counting
    for _ in range(3):
        assert visit(client, "/search?q=zebra+crossing") == 200
    assert len(rendered) == 1  # the page cache answered twice
    assert misses(app) == {("query", "zebra crossing"): 3}


def test_an_unknown_code_answered_from_the_page_cache_is_still_counted(app, client) -> None:
    rendered = []
    view = app.view_functions["codes.code"]

    @functools.wraps(view)
    def counting(typed: str):
        rendered.append(1)
        return view(typed)

    app.view_functions["codes.code"] = counting
    for _ in range(3):
        assert visit(client, "/codes/0xCAA2FFFF") == 404
    assert len(rendered) == 1  # the page cache answered twice
    assert misses(app) == {("code", "0xCAA2FFFF"): 3}


def test_email_addresses_are_not_kept() -> None:
    assert normalise_query("Jane.Doe@Example.org can't sign in") == "[email] can't sign in"


def test_queries_are_bounded_and_folded() -> None:
    assert len(normalise_query("word " * 1000)) == MAX_TERM_LENGTH
    fullwidth = "\uff30\uff32\uff2f\uff38\uff39"  # PROXY as typed with an East Asian keyboard
    assert normalise_query(f"Straße {fullwidth}") == "strasse proxy"  # casefold and NFKC


def test_new_terms_per_day_are_bounded_by_the_setting(content_dir, tmp_path: Path) -> None:
    app = make_app(content_dir, tmp_path, MISSES_PER_DAY="2")
    client = app.test_client()
    for word in ("alpha", "bravo", "charlie", "delta", "alpha"):
        assert visit(client, f"/search?q=zz{word}zz") == 200
    assert misses(app) == {
        ("query", "zzalphazz"): 2,
        ("query", "zzbravozz"): 1,
        (MISS_DROPPED, ""): 2,
    }


@pytest.mark.parametrize("value", ["many", "-1", "1.5"])
def test_a_bad_daily_bound_stops_the_start_up(content_dir, tmp_path, value) -> None:
    with pytest.raises(ValueError, match="MISSES_PER_DAY"):
        make_app(content_dir, tmp_path, MISSES_PER_DAY=value)


def test_searches_answer_when_the_database_is_down(content_dir, tmp_path, caplog) -> None:
    app = make_app(content_dir, tmp_path, DATABASE_URL="postgresql+psycopg://x:y@127.0.0.1:1/none")
    client = app.test_client()
    with caplog.at_level(logging.ERROR, logger="webapp.storage"):
        for _ in range(5):
            assert visit(client, "/search?q=zebra+crossing") == 200
            assert visit(client, "/codes/0xCAA2FFFF") == 404
        assert not app.extensions["storage"].flush(timeout=30)  # paused after a failure
    recorded = [r for r in caplog.records if "Counts not written" in r.getMessage()]
    assert len(recorded) == 1  # logged once, then paused instead of trying on every search


def test_misses_on_postgresql_too(database_url: str, content_dir, tmp_path) -> None:
    app = make_app(content_dir, tmp_path, DATABASE_URL=database_url)
    client = app.test_client()
    for path in ("/search?q=fax+machine", "/search?q=FAX  machine", "/codes/0xCAA2FFFF"):
        visit(client, path)
    assert misses(app) == {("query", "fax machine"): 2, ("code", "0xCAA2FFFF"): 1}
    app.extensions["storage"].dispose()


# --- Languages -------------------------------------------------------------------------------


@pytest.fixture
def bilingual(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The test content with a German translation (of the home page; the rest falls back)."""
    german = {"de/home.md": HOME_MD.replace("Sign-in help", "Hilfe zur Anmeldung")}
    app = make_app(
        write_content(tmp_path / "content", **german), tmp_path, DATABASE_URL=database_url
    )
    yield app
    app.extensions["storage"].dispose()


def test_misses_carry_the_language_of_the_page(bilingual: Flask) -> None:
    client = bilingual.test_client()
    assert visit(client, "/de/search?q=Drucker+brennt") == 200
    assert visit(client, "/search?q=drucker+brennt") == 200
    assert visit(client, "/de/search?q=DRUCKER++brennt") == 200
    assert visit(client, "/search?q=printer+on+fire") == 200
    assert misses_by_language(bilingual) == {
        ("query", "de", "drucker brennt"): 2,
        ("query", "en", "drucker brennt"): 1,  # the same words in English: a row of its own
        ("query", "en", "printer on fire"): 1,
    }


def test_unknown_codes_are_counted_per_code_and_language(bilingual: Flask) -> None:
    client = bilingual.test_client()
    assert visit(client, "/de/codes/0xCAA2FFFF") == 404
    assert visit(client, "/de/search?q=0xCAA2FFFF") == 303  # counted on the page it lands on
    assert visit(client, "/de/codes/0xCAA2FFFF") == 404
    assert visit(client, "/codes/0xCAA2FFFF") == 404
    assert misses_by_language(bilingual) == {
        ("code", "de", "0xCAA2FFFF"): 2,
        ("code", "en", "0xCAA2FFFF"): 1,
    }


# --- The queue: off the request thread, bounded, per client ----------------------------------


def test_a_search_that_found_nothing_answers_before_its_miss_is_written(app: Flask) -> None:
    """Writing waits for the database; the page does not."""
    storage: Storage = app.extensions["storage"]
    release = threading.Event()
    original = storage.run

    def slow_run(what, work):  # type: ignore[no-untyped-def]
        release.wait(timeout=30)  # a database that takes its time
        return original(what, work)

    storage.run = slow_run  # type: ignore[method-assign]
    try:
        assert visit(app.test_client(), "/search?q=zebra+crossing") == 200
        assert misses(app, flush=False) == {}  # answered, and the write still waits
    finally:
        release.set()
        storage.run = original  # type: ignore[method-assign]
    assert misses(app) == {("query", "zebra crossing"): 1}


def test_one_address_adds_at_most_its_ceiling_of_new_terms_a_day(content_dir, tmp_path) -> None:
    app = make_app(content_dir, tmp_path, MISSES_PER_CLIENT="2")
    junk, person = app.test_client(), app.test_client()
    junk.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    person.environ_base["REMOTE_ADDR"] = "198.51.100.4"
    for word in ("alpha", "bravo", "charlie", "delta", "alpha"):
        assert visit(junk, f"/search?q=zz{word}zz") == 200  # every search still answers
    assert visit(person, "/search?q=printer+on+fire") == 200
    assert misses(app) == {
        ("query", "zzalphazz"): 2,  # a term it added already still counts
        ("query", "zzbravozz"): 1,
        ("query", "printer on fire"): 1,  # another address is not held back
        (MISS_DROPPED, "client"): 2,
    }
    report = app.test_cli_runner().invoke(args=["report"]).output
    assert "2 more searches found nothing but were not kept: one address" in report
    table = app.test_cli_runner().invoke(args=["report", "--format", "csv"]).output
    assert "not kept,(one address's daily limit reached),,2," in table


def test_the_report_counts_misses_the_counter_could_not_hold(app: Flask, monkeypatch) -> None:
    monkeypatch.setattr(counter_module, "INTERVAL_S", 3600)  # no write until the flush below
    storage: Storage = app.extensions["storage"]
    storage.counts.max_keys = 2
    client = app.test_client()
    for word in ("one", "two", "three", "four", "one"):  # two wait, two are dropped
        assert visit(client, f"/search?q=zz{word}zz") == 200
    assert misses(app) == {
        ("query", "zzonezz"): 2,  # a term already waiting is still counted
        ("query", "zztwozz"): 1,
        (MISS_DROPPED, "queue"): 2,
    }
    report = app.test_cli_runner().invoke(args=["report"]).output
    assert "2 more searches found nothing but were not kept: the database could not keep up" in (
        report.replace("\n", " ")
    )


def test_a_full_counter_drops_new_keys_and_counts_them(caplog) -> None:
    written: list[tuple[dict, dict]] = []
    counter = Counter(lambda batch, dropped: written.append((batch, dropped)), max_keys=3)
    day = time.strftime("%Y-%m-%d", time.gmtime())
    with caplog.at_level(logging.WARNING, logger="webapp.storage"):
        added = [counter.add(("miss", f"term {i}")) for i in range(5)]
        added.append(counter.add(("miss", "term 0")))
        assert counter.flush(timeout=30)
    assert added == [True, True, True, False, False, True]
    batch, dropped = next((b, d) for b, d in written if b)
    assert {key[1]: seen[0] for key, seen in batch.items()} == {
        "term 0": 2,
        "term 1": 1,
        "term 2": 1,
    }
    assert {(kind, str(when)): times for (kind, when), times in dropped.items()} == {
        ("miss", day): 2
    }


@pytest.mark.slow
def test_queued_misses_are_written_when_the_process_exits(tmp_path: Path) -> None:
    """Gunicorn stopping a worker: what waits in the queue is written, not lost."""
    database = tmp_path / "exit.sqlite3"
    script = textwrap.dedent(
        f"""
        import sqlalchemy as sa
        from webapp.storage import Storage, database_url
        storage = Storage(database_url("sqlite:///{database}", "."))
        storage.init_schema()
        for i in range(50):
            storage.queue_miss("query", f"term {{i}}", "en", client="a")
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    store = Storage(sa.make_url(f"sqlite:///{database}"))
    try:
        with store.engine.connect() as connection:
            assert (
                connection.execute(sa.select(sa.func.count()).select_from(search_miss)).scalar()
                == 50
            )
    finally:
        store.dispose()
