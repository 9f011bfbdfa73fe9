"""``flask --app webapp notice post|list|change|end|history``: notices from a server's shell.

Every command goes through :mod:`webapp.notices.service` (the same checks and audit trail as
the API); bad input or a database that cannot be reached prints why and exits non-zero.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import click
from flask.cli import AppGroup

from webapp.notices import service
from webapp.notices.model import LEVELS, Notice, NoticeError, language_of, text_fields
from webapp.storage import StorageError

notice_cli = AppGroup("notice", help="Post, list, change and end the notices everyone sees.")


def _who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container user without a name
        return "server shell"


def _run(work: Callable[[], Notice], done: str) -> None:
    try:
        notice = work()
    except NoticeError as exc:
        raise click.BadParameter(exc.message, param_hint=_option_of(exc.field)) from None
    except (service.NoSuchNotice, service.NoticeEnded, StorageError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{done} {_line(notice)}")


def _option_of(field: str) -> str:
    """The option that gave a field, as the error names it: ``'--title-in fr'``."""
    language = language_of(field)
    if language is None:
        return f"'{field}'"
    return f"'--{field.split('_', 1)[0]}-in {language}'"


def _line(notice: Notice) -> str:
    text = notice.original
    about = ", ".join(notice.codes) or "everyone"
    ends = notice.ends_at.strftime("%Y-%m-%d %H:%M UTC")
    report = "" if notice.report else ", no need to report"
    return f"#{notice.id} [{notice.level}] {text.title!r} for {about}, until {ends}{report}"


def _fields(options: dict[str, Any]) -> dict[str, Any]:
    """The options given, as the API's fields (options left out are not sent):
    ``--title-in fr …`` is ``title_fr``, checked with the others."""
    titles, texts = options.pop("titles_in"), options.pop("texts_in")
    sent = {name: value for name, value in options.items() if value not in (None, ())}
    if "codes" in sent:
        sent["codes"] = list(sent["codes"])
    for pairs, index in ((titles, 0), (texts, 1)):
        for language, words in pairs:
            field = text_fields(language)[index]
            if field in sent:
                raise click.UsageError(f"{_option_of(field)} is given twice.")
            sent[field] = words
    return sent


_TEXT_OPTIONS = [
    click.option("--level", type=click.Choice(LEVELS), help="outage (default), maintenance, info"),
    click.option("--title", help="A short title, in English."),
    click.option("--text", help="What happened and what to do (Markdown: links, emphasis, lists)."),
    click.option(
        "--title-in",
        "titles_in",
        nargs=2,
        multiple=True,
        metavar="LANG TITLE",
        help="The title in one of the site's other languages: --title-in de 'Gestört' (repeat).",
    ),
    click.option(
        "--text-in",
        "texts_in",
        nargs=2,
        multiple=True,
        metavar="LANG TEXT",
        help="The text in that language (optional), like --text-in de 'Wir sind dran.'",
    ),
    click.option(
        "--code", "codes", multiple=True, help="A code it concerns (repeat); none: everyone."
    ),
    click.option("--from", "starts", help="When it starts: now (default), or 2026-12-08T09:00Z."),
    click.option("--until", "ends", help="When it ends: 2h (default 4h, at most 14d) or a time."),
    click.option(
        "--report/--no-report",
        default=None,
        help="Do people still need to report it? (--no-report: IT knows.)",
    ),
    click.option("--by", help="Who posts it (default: your login name)."),
]


def _with_text_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(_TEXT_OPTIONS):
        command = option(command)
    return command


@notice_cli.command("post")
@_with_text_options
def post_command(by: str | None, **options: Any) -> None:
    """Post a notice: --title is required."""
    _run(lambda: service.post(_fields(options), by or _who()), "Posted")


@notice_cli.command("change")
@click.argument("notice_id", type=int)
@_with_text_options
def change_command(notice_id: int, by: str | None, **options: Any) -> None:
    """Change the given fields of notice NOTICE_ID."""
    _run(lambda: service.change(notice_id, _fields(options), by or _who()), "Changed")


@notice_cli.command("end")
@click.argument("notice_id", type=int)
@click.option("--by", help="Who ends it (default: your login name).")
def end_command(notice_id: int, by: str | None) -> None:
    """End notice NOTICE_ID now."""
    _run(lambda: service.end(notice_id, by or _who()), "Ended")


@notice_cli.command("list")
@click.option("--days", default=1, show_default=True, help="Also those ended in these days.")
def list_command(days: int) -> None:
    """Notices active or to come, and those ended lately."""
    now = datetime.now(UTC)
    try:
        notices = service.recent(now - timedelta(days=days))
    except StorageError as exc:
        raise click.ClickException(str(exc)) from None
    if not notices:
        click.echo("No notices.")
    for notice in notices:
        state = "active" if notice.active(now) else ("ended" if notice.ends_at <= now else "later")
        click.echo(f"{state:6} {_line(notice)}")


@notice_cli.command("history")
@click.argument("notice_id", type=int)
def history_command(notice_id: int) -> None:
    """Every change of notice NOTICE_ID: who, when, what."""
    try:
        changes = service.history(notice_id)
    except StorageError as exc:
        raise click.ClickException(str(exc)) from None
    if not changes:
        raise click.ClickException(f"There is no notice {notice_id}.")
    for change in changes:
        at = change["changed_at"].strftime("%Y-%m-%d %H:%M:%S UTC")
        fields = json.dumps(change["fields"], ensure_ascii=False, sort_keys=True)
        click.echo(f"{at} {change['action']} by {change['changed_by']}: {fields}")
