"""``flask --app webapp report``: where the site failed people, and what they looked up.

Lists over a period (``--since 30d``): the codes people looked for that the table lacks,
the searches that found nothing, the answers most often marked "did not solve my problem",
with what people wrote, the codes looked up most (with the change against the period of the
same length before), and the codes rising now; misses and answers with the language of the
page ("en", "de"), so the content that fails people can be found in the right translation.
``--format csv`` gives one CSV for a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import textwrap
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import IO, Any

import click
from flask.cli import with_appcontext

from webapp.content import current_site
from webapp.feedback.forms import CONTROL
from webapp.feedback.topics import Topic
from webapp.storage import (
    LOOKUP_OTHER,
    CodeCount,
    Miss,
    Report,
    Rising,
    StorageError,
    Unhelpful,
    current_storage,
)

_PERIOD = re.compile(r"\s*(\d{1,6})\s*([hdw])\s*", re.IGNORECASE)
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}
# A cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

CSV_COLUMNS = (
    "list",
    "item",
    "title",
    "count",
    "yes",
    "first_seen",
    "last_seen",
    "comment",
    "tried",
    "language",  # after the earlier columns, so that they keep their places
    "before",  # a code's lookups in the period of the same length before
    "usual",  # a rising code's usual lookups per 15 minutes
)


class Period(click.ParamType):
    """A length of time back from now: a whole number and h, d or w (``24h``, ``30d``,
    ``2w``)."""

    name = "period"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        if isinstance(value, timedelta):
            return value
        match = _PERIOD.fullmatch(str(value))
        if not match:
            self.fail(
                f"{value!r} is not a period: use a whole number and h, d or w, "
                "like 24h, 30d or 2w.",
                param,
                ctx,
            )
        number, unit = int(match[1]), match[2].lower()
        if number == 0:
            self.fail("the period must be longer than 0.", param, ctx)
        try:
            period = timedelta(**{_UNITS[unit]: number})
            datetime.now(UTC) - period
        except OverflowError:
            self.fail(f"{value!r} reaches back before the year 1.", param, ctx)
        return period


@click.command("report")
@click.option(
    "--since",
    "period",
    type=Period(),
    default="30d",
    show_default=True,
    help="How far back to look: a number and h, d or w (hours, days, weeks), like 7d.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "csv"]),
    default="text",
    show_default=True,
    help="A table to read, or CSV for a spreadsheet.",
)
@click.option(
    "--limit",
    type=click.IntRange(1, 10_000),
    default=20,
    show_default=True,
    help="Most rows per list.",
)
@with_appcontext
def report_command(period: timedelta, output_format: str, limit: int) -> None:
    """Report misses, unhelpful answers, the codes looked up most and the codes rising now."""
    since = datetime.now(UTC) - period
    try:
        report = current_storage().report(since, limit=limit)
    except StorageError as exc:
        raise click.ClickException(str(exc)) from None
    if output_format == "csv":
        buffer = io.StringIO()
        write_csv(report, buffer)
        click.echo(buffer.getvalue(), nl=False)
    else:
        click.echo(render_text(report), nl=False)


# --- Text ------------------------------------------------------------------------------------


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def _describe_period(report: Report) -> str:
    hours = round((report.until - report.since).total_seconds() / 3600)
    if hours % 24 or hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    days = hours // 24
    return f"{days} day{'s' if days != 1 else ''}"


def _printable(text: str) -> str:
    """No control character (ANSI escapes among them) reaches a terminal or a spreadsheet, and
    no tab, which would break the columns."""
    return CONTROL.sub(" ", text).replace("\t", " ")


def _one_line(text: str, width: int) -> str:
    """``text`` on one line, cut to ``width`` characters (mid-word if need be: a long query
    is often one long "word", and must not vanish)."""
    line = " ".join(_printable(text).split())
    return line if len(line) <= width else line[: width - 1] + "…"


def _miss_table(misses: Iterable[Miss], label: str, width: int) -> list[str]:
    rows = [
        f"  {'Count':>7}  {label:<{width}}  {'Language':<8}  {'First seen':<16}  {'Last seen':<16}"
    ]
    for miss in misses:
        # A miss kept before the language was (schema version 2) has none: "-".
        language = _one_line(miss.language, 8) or "-"
        rows.append(
            f"  {miss.count:>7}  {_one_line(miss.term, width):<{width}}  {language:<8}  "
            f"{_when(miss.first_seen):<16}  {_when(miss.last_seen):<16}"
        )
    return rows if len(rows) > 1 else ["  None."]


def describe_answer(answer: Unhelpful) -> tuple[str, str]:
    """The address and title of an answer, in the language it was read in."""
    site = current_site()
    topic = Topic(answer.kind, answer.target, answer.section)
    content = site.contents.get(answer.language, site.default)
    return topic.path(answer.language, site.default_language), topic.title(content)


def _unhelpful_block(answers: Iterable[Unhelpful]) -> list[str]:
    lines: list[str] = []
    for answer in answers:
        path, title = describe_answer(answer)
        lines.append(f"  {answer.no:>4} no, {answer.yes:>4} yes  {path}  {_one_line(title, 60)}")
        for written in answer.comments:
            parts = []
            if written.comment:
                parts.append(f"“{written.comment}”")
            if written.tried:
                parts.append(f"Tried: “{written.tried}”")
            text = _printable(" ".join(parts))
            wrapped = textwrap.wrap(
                f"{_when(written.created_at)}  {text}",
                width=96,
                initial_indent="      - ",
                subsequent_indent=" " * 8,
            )
            lines.extend(wrapped)
    return lines or ["  None."]


def _title(code: str) -> str:
    entry = current_site().default.code_by_id.get(code)
    return (
        entry.title if entry else ("(codes the site does not know)" if code == LOOKUP_OTHER else "")
    )


def change(now: int, before: int) -> str:
    """The change from ``before`` to ``now``, as people read it: +50%, -20%, new."""
    if not before:
        return "new" if now else "-"
    return f"{(now - before) / before:+.0%}"


def _looked_up_table(counts: Iterable[CodeCount]) -> list[str]:
    rows = [f"  {'Count':>7}  {'Before':>7}  {'Change':>7}  {'Code':<14}  Title"]
    for count in counts:
        rows.append(
            f"  {count.count:>7}  {count.before:>7}  {change(count.count, count.before):>7}  "
            f"{count.code:<14}  {_one_line(_title(count.code), 50)}"
        )
    return rows if len(rows) > 1 else ["  None."]


def _rising_table(rising: Iterable[Rising]) -> list[str]:
    rows = [f"  {'Now':>7}  {'Usual':>7}  {'Code':<14}  {'Languages':<12}  Title"]
    for code in rising:
        rows.append(
            f"  {code.now:>7}  {code.usual:>7.1f}  {code.code:<14}  "
            f"{_one_line(', '.join(code.languages), 12):<12}  {_one_line(_title(code.code), 40)}"
        )
    return rows if len(rows) > 1 else ["  None."]


def render_text(report: Report) -> str:
    lines = [
        f"Feedback and searches that found nothing, {_when(report.since)} to "
        f"{_when(report.until)} UTC (the last {_describe_period(report)}).",
        "",
        f"Codes people looked for that are not in the table ({len(report.unknown_codes)}):",
        *_miss_table(report.unknown_codes, "Code", 10),
        "",
        f"Searches that found nothing ({len(report.queries)}):",
        *_miss_table(report.queries, "Query", 40),
        "",
        f"Answers most often marked unhelpful, with comments ({len(report.unhelpful)}):",
        *_unhelpful_block(report.unhelpful),
    ]
    if report.dropped:
        lines += [
            "",
            f"{report.dropped} more searches found nothing but were not kept: a day's limit of "
            "new search terms (MISSES_PER_DAY) was reached.",
        ]
    if report.dropped_by_client:
        lines += [
            "",
            f"{report.dropped_by_client} more searches found nothing but were not kept: one "
            "address searched more new terms in a day than MISSES_PER_CLIENT allows.",
        ]
    if report.dropped_by_queue:
        lines += [
            "",
            f"{report.dropped_by_queue} more searches found nothing but were not kept: the "
            "database could not keep up (or was down).",
        ]
    lines += [
        "",
        f"Codes looked up most ({len(report.looked_up)}), against the "
        f"{_describe_period(report)} before:",
        *_looked_up_table(report.looked_up),
        "",
        f"Rising now ({len(report.rising)}): looked up far more in the last 15 minutes than "
        "usual (see the README):",
        *_rising_table(report.rising),
    ]
    lines += [
        "",
        "Misses are counted per UTC day, so the first day of the period may include searches "
        "from a little before it.",
    ]
    return "\n".join(lines) + "\n"


# --- CSV -------------------------------------------------------------------------------------


def csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds")
    text = _printable(str(value)) if not isinstance(value, int) else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_rows(report: Report) -> Iterable[dict[str, object]]:
    """One dict per row, by column name; a missing column is an empty cell."""
    for name, misses in (("unknown code", report.unknown_codes), ("no result", report.queries)):
        for miss in misses:
            yield {
                "list": name,
                "item": miss.term,
                "count": miss.count,
                "first_seen": miss.first_seen,
                "last_seen": miss.last_seen,
                "language": miss.language,
            }
    for answer in report.unhelpful:
        path, title = describe_answer(answer)
        about = {"item": path, "title": title, "language": answer.language}
        yield {"list": "unhelpful", **about, "count": answer.no, "yes": answer.yes}
        for written in answer.comments:
            yield {
                "list": "comment",
                **about,
                "first_seen": written.created_at,
                "last_seen": written.created_at,
                "comment": written.comment,
                "tried": written.tried,
            }
    for count in report.looked_up:
        yield {
            "list": "looked up",
            "item": count.code,
            "title": _title(count.code),
            "count": count.count,
            "before": count.before,
        }
    for code in report.rising:
        yield {
            "list": "rising",
            "item": code.code,
            "title": _title(code.code),
            "count": code.now,
            "usual": round(code.usual, 1),
            "language": " ".join(code.languages),
        }
    if report.dropped:
        yield {"list": "not kept", "item": "(daily limit reached)", "count": report.dropped}
    if report.dropped_by_client:
        yield {
            "list": "not kept",
            "item": "(one address's daily limit reached)",
            "count": report.dropped_by_client,
        }
    if report.dropped_by_queue:
        yield {
            "list": "not kept",
            "item": "(database could not keep up)",
            "count": report.dropped_by_queue,
        }


def write_csv(report: Report, out: IO[str] | None = None) -> None:
    writer = csv.writer(out or sys.stdout, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in csv_rows(report):
        writer.writerow([csv_cell(row.get(column)) for column in CSV_COLUMNS])
