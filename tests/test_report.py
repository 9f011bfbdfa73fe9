"""``flask --app webapp report``: the three lists, the period, text and CSV, and its errors."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from support.apps import make_app
from support.counting import lookup, miss

from webapp.feedback.report import CSV_COLUMNS
from webapp.storage import MISS_CODE, MISS_QUERY, Storage

NOW = datetime.now(UTC)
RECENT = NOW - timedelta(days=2)
OLD = NOW - timedelta(days=45)


@pytest.fixture
def seeded(database_url: str, content_dir: Path, tmp_path: Path) -> Iterator[Flask]:
    """An app whose database holds a little of everything, some of it too old for 30 days."""
    app = make_app(content_dir, tmp_path, DATABASE_URL=database_url)
    store: Storage = app.extensions["storage"]
    for _ in range(5):
        miss(store, MISS_CODE, "0xCAA2FFFF", now=RECENT)
    for _ in range(2):
        miss(store, MISS_CODE, "0xCAA3EEEE", now=RECENT)
    miss(store, MISS_CODE, "0xCAA4DDDD", now=OLD)
    for _ in range(3):
        miss(store, MISS_QUERY, "printer on fire", now=RECENT)
    miss(store, MISS_QUERY, "=cmd|' /C calc'!A0", now=RECENT)
    miss(store, MISS_QUERY, "ancient question", now=OLD)
    answers = [
        ("code", "0xCAA20003", "", False, "The clock is right.", "Restarted twice"),
        ("code", "0xCAA20003", "", False, "", ""),
        ("code", "0xCAA20003", "", False, "Line one\nline two", ""),
        ("code", "0xCAA20003", "", True, "Worked!", ""),
        ("page", "faq", "why", False, "", "Called the helpdesk"),
        ("page", "faq", "mfa", True, "", ""),
    ]
    for kind, target, section, helpful, comment, tried in answers:
        store.add_feedback(kind, target, section, helpful, comment, tried, now=RECENT)
    store.add_feedback("page", "faq", "mfa", False, "Too old to count", "", now=OLD)
    yield app
    store.dispose()


def run(app: Flask, *args: str):
    return app.test_cli_runner().invoke(args=["report", *args])


def test_text_report_lists_misses_and_unhelpful_answers(seeded: Flask) -> None:
    result = run(seeded)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "(the last 30 days)" in out

    codes = out.split("Codes people looked for that are not in the table (2):")[1]
    codes = codes.split("Searches that found nothing")[0]
    assert codes.index("0xCAA2FFFF") < codes.index("0xCAA3EEEE")  # most searched first
    assert "      5  0xCAA2FFFF" in codes and "      2  0xCAA3EEEE" in codes
    assert "0xCAA4DDDD" not in out  # older than the period

    queries = out.split("Searches that found nothing (2):")[1].split("Answers most often")[0]
    assert "      3  printer on fire" in queries
    assert "ancient question" not in out

    answers = out.split("Answers most often marked unhelpful, with comments (2):")[1]
    assert answers.index("/codes/0xCAA20003") < answers.index("/faq#why")
    assert "3 no,    1 yes  /codes/0xCAA20003  Check your clock" in answers
    assert "“The clock is right.” Tried: “Restarted twice”" in answers
    assert "“Line one line two”" in answers
    assert "Worked!" not in answers  # a comment on a Yes is not a complaint
    assert "1 no,    0 yes  /faq#why  Questions: Why can't I sign in?" in answers
    assert "Tried: “Called the helpdesk”" in answers
    assert "/faq#mfa" not in answers and "Too old to count" not in out


def test_long_terms_are_cut_not_dropped(app: Flask) -> None:
    store: Storage = app.extensions["storage"]
    miss(store, MISS_QUERY, "z" * 200)
    out = run(app).output
    assert "z" * 39 + "…" in out and "z" * 41 not in out
    assert "z" * 200 in run(app, "--format", "csv").output  # whole in the spreadsheet


def test_since_selects_the_period(seeded: Flask) -> None:
    out = run(seeded, "--since", "8w").output
    assert "0xCAA4DDDD" in out and "ancient question" in out and "Too old to count" in out
    assert "(the last 56 days)" in out
    out = run(seeded, "--since", "24h").output
    assert "(the last 24 hours)" in out
    assert "Codes people looked for that are not in the table (0):\n  None." in out
    assert "Answers most often marked unhelpful, with comments (0):\n  None." in out


def test_limit_caps_each_list(seeded: Flask) -> None:
    out = run(seeded, "--limit", "1").output
    assert "0xCAA2FFFF" in out and "0xCAA3EEEE" not in out
    assert "/codes/0xCAA20003" in out and "/faq#why" not in out


def test_csv_report_for_a_spreadsheet(seeded: Flask) -> None:
    result = run(seeded, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    # Columns are added at the end: the earlier ones keep their places.
    assert CSV_COLUMNS[:10] == (
        "list", "item", "title", "count", "yes", "first_seen", "last_seen", "comment", "tried",
        "language",
    )  # fmt: skip
    by_list: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_list.setdefault(row["list"], []).append(row)

    assert [(r["item"], r["count"]) for r in by_list["unknown code"]] == [
        ("0xCAA2FFFF", "5"),
        ("0xCAA3EEEE", "2"),
    ]
    first_seen = datetime.fromisoformat(by_list["unknown code"][0]["first_seen"])
    assert abs(first_seen - RECENT) < timedelta(seconds=1)
    assert [(r["item"], r["count"]) for r in by_list["no result"]] == [
        ("printer on fire", "3"),
        ("'=cmd|' /C calc'!A0", "1"),  # would run as a formula without the quote
    ]
    assert [(r["item"], r["title"], r["count"], r["yes"]) for r in by_list["unhelpful"]] == [
        ("/codes/0xCAA20003", "Check your clock", "3", "1"),
        ("/faq#why", "Questions: Why can't I sign in?", "1", "0"),
    ]
    comments = [(r["item"], r["comment"], r["tried"]) for r in by_list["comment"]]
    assert sorted(comments) == sorted(
        [
            ("/codes/0xCAA20003", "The clock is right.", "Restarted twice"),
            ("/codes/0xCAA20003", "Line one\nline two", ""),
            ("/faq#why", "", "Called the helpdesk"),
        ]
    )


def test_an_empty_database_gives_an_empty_report(app: Flask) -> None:
    result = run(app)
    assert result.exit_code == 0
    assert result.output.count("  None.") == 5
    result = run(app, "--format", "csv")
    assert result.output.strip() == ",".join(CSV_COLUMNS)


def test_misses_over_the_daily_bound_are_reported(content_dir, tmp_path) -> None:
    app = make_app(content_dir, tmp_path, MISSES_PER_DAY=1)
    store: Storage = app.extensions["storage"]
    for word in ("one", "two", "three"):
        miss(store, MISS_QUERY, word)
    assert "2 more searches found nothing but were not kept" in run(app).output
    assert "not kept,(daily limit reached),,2" in run(app, "--format", "csv").output


@pytest.mark.parametrize("since", ["7", "d", "7x", "-1d", "0h", "", "1.5d", "7 days", "1e3d"])
def test_a_bad_period_is_a_clear_error(app: Flask, since: str) -> None:
    result = run(app, "--since", since)
    assert result.exit_code == 2
    assert "Invalid value for '--since'" in result.output


@pytest.mark.parametrize("since", ["7d", "24h", "2w", " 30D ", "1H"])
def test_periods_people_type(app: Flask, since: str) -> None:
    assert run(app, "--since", since).exit_code == 0


def test_a_period_too_long_is_refused(app: Flask) -> None:
    result = run(app, "--since", "999999w")
    assert result.exit_code == 2 and "before the year 1" in result.output


def test_other_bad_options(app: Flask) -> None:
    assert run(app, "--format", "xlsx").exit_code == 2
    assert run(app, "--limit", "0").exit_code == 2
    assert run(app, "--nonsense").exit_code == 2


def test_the_report_says_when_the_database_is_down(content_dir, tmp_path) -> None:
    app = make_app(content_dir, tmp_path, DATABASE_URL="postgresql+psycopg://u:pw@127.0.0.1:1/x")
    result = run(app)
    assert result.exit_code == 1
    assert "Error: could not read the report" in result.output and "pw" not in result.output


def test_misses_are_reported_per_language(database_url: str, content_dir, tmp_path) -> None:
    app = make_app(content_dir, tmp_path, DATABASE_URL=database_url)
    store: Storage = app.extensions["storage"]
    try:
        for language in ("de", "de", "en"):
            miss(store, MISS_QUERY, "drucker brennt", language, now=RECENT)
        miss(store, MISS_QUERY, "kept before languages", now=RECENT)  # a version 2 row
        miss(store, MISS_CODE, "0xCAA2FFFF", "de", now=RECENT)
        store.add_feedback("page", "faq", "why", False, "Zu lang", language="de", now=RECENT)

        out = run(app).output
        assert "    Count  Query                                     Language  First seen" in out
        queries = out.split("Searches that found nothing (3):")[1].split("Answers most often")[0]
        when = RECENT.strftime("%Y-%m-%d %H:%M")
        assert f"      2  {'drucker brennt':<40}  de        {when}" in queries
        assert f"      1  {'drucker brennt':<40}  en        {when}" in queries
        assert f"      1  {'kept before languages':<40}  -         {when}" in queries
        codes = out.split("not in the table (1):")[1].split("Searches that found nothing")[0]
        assert f"      1  0xCAA2FFFF  de        {when}" in codes

        rows = list(csv.DictReader(io.StringIO(run(app, "--format", "csv").output)))
        assert [(r["list"], r["item"], r["count"], r["language"]) for r in rows] == [
            ("unknown code", "0xCAA2FFFF", "1", "de"),
            ("no result", "drucker brennt", "2", "de"),
            ("no result", "drucker brennt", "1", "en"),
            ("no result", "kept before languages", "1", ""),
            ("unhelpful", "/de/faq#why", "1", "de"),
            ("comment", "/de/faq#why", "", "de"),
        ]
    finally:
        store.dispose()


def test_the_codes_looked_up_most_with_the_change_and_those_rising(app: Flask) -> None:
    store: Storage = app.extensions["storage"]
    lookup(store, "0xCAA20003", times=12)  # rising: never looked up before
    lookup(store, "0xCAA20003", times=4, now=NOW - timedelta(days=40))  # the period before
    lookup(store, "=cmd", times=2)  # whatever a database holds is never run as a formula
    out = run(app).output
    looked_up = out.split("Codes looked up most (2), against the 30 days before:")[1]
    assert "       12        4    +200%  0xCAA20003      Check your clock" in looked_up
    rising = out.split("Rising now (1)")[1]
    assert "     12      0.0  0xCAA20003      en            Check your clock" in rising
    rows = list(csv.DictReader(io.StringIO(run(app, "--format", "csv").output)))
    by_list = {(r["list"], r["item"]): r for r in rows}
    assert by_list[("looked up", "0xCAA20003")]["before"] == "4"
    assert by_list[("looked up", "'=cmd")]["count"] == "2"
    assert by_list[("rising", "0xCAA20003")]["count"] == "12"
    assert by_list[("rising", "0xCAA20003")]["usual"] == "0.0"
