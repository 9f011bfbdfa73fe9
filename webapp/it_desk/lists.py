"""The IT desk's lists: misses and unhelpful answers from the report, each row with what to do
and whether it is new (never marked handled, or missed again since it was)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import lazy_gettext as _l

from webapp.feedback.report import describe_answer
from webapp.feedback.topics import Topic
from webapp.storage import MISS_CODE, MISS_QUERY, Report, current_storage
from webapp.storage.handled import Handled, read_all

UNHELPFUL = "unhelpful"
MOST_ROWS = 200

# What usually mends each kind of row; the form offers it first.
SUGGESTED = {MISS_CODE: "page", MISS_QUERY: "keyword", UNHELPFUL: "rewrite"}
ADVICE = {
    MISS_CODE: _l("Add the code to the table (content/catalogue), or a family that explains it."),
    MISS_QUERY: _l("Add these words as keywords to the answer people were looking for."),
    UNHELPFUL: _l("Read what people wrote, then rewrite the answer or add a step."),
}


@dataclass(frozen=True, slots=True)
class Row:
    list_name: str
    item: str  # the term, or the answer's "about"
    label: str  # what the row shows: the term, or the answer's address
    title: str
    language: str
    count: int
    yes: int
    last_seen: datetime | None
    comments: tuple[tuple[datetime, str, str], ...]
    handled: Handled | None

    @property
    def new(self) -> bool:
        if self.handled is None:
            return True
        return self.last_seen is not None and self.last_seen > self.handled.at

    @property
    def suggested(self) -> str:
        return SUGGESTED[self.list_name]

    @property
    def advice(self) -> str:
        return str(ADVICE[self.list_name])


def start_of_today() -> datetime:
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def read_report(since: datetime) -> tuple[Report, dict]:
    storage = current_storage()
    report = storage.report(since, limit=MOST_ROWS)
    marks = storage.run("read what was handled", read_all)
    return report, marks


def miss_rows(report: Report, marks: dict, list_name: str) -> list[Row]:
    misses = report.unknown_codes if list_name == MISS_CODE else report.queries
    return [
        Row(
            list_name,
            miss.term,
            miss.term,
            "",
            miss.language,
            miss.count,
            0,
            miss.last_seen,
            (),
            marks.get((list_name, miss.term, miss.language)),
        )
        for miss in misses
    ]


def unhelpful_rows(report: Report, marks: dict) -> list[Row]:
    rows = []
    for answer in report.unhelpful:
        about = Topic(answer.kind, answer.target, answer.section).about
        path, title = describe_answer(answer)
        comments = tuple((c.created_at, c.comment, c.tried) for c in answer.comments)
        rows.append(
            Row(
                UNHELPFUL,
                about,
                path,
                title,
                answer.language,
                answer.no,
                answer.yes,
                max((c[0] for c in comments), default=None),
                comments,
                marks.get((UNHELPFUL, about, answer.language)),
            )
        )
    return rows


def ordered(rows: list[Row]) -> list[Row]:
    """New rows first, each group as the report ordered it (most first)."""
    return [row for row in rows if row.new] + [row for row in rows if not row.new]


PERIODS = {"today": None, "24h": timedelta(hours=24), "7d": timedelta(days=7)}


def since_of(period: str) -> datetime:
    span = PERIODS.get(period)
    return start_of_today() if span is None else datetime.now(UTC) - span
