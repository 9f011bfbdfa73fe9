"""``flask check-content``: validate the content folder, and its interface catalogues against
the strings the code marks for translation, before deploying it.

Registered as a Flask CLI plugin (see ``pyproject.toml``) rather than on the app, because its
whole point is to run when the content is broken, and then the app itself refuses to start.
It sits above the app factory, which knows the routes that no page may take.

Flask's command line imports this module before it loads the app, for every ``flask`` command
(``run``, ``init-db``, ``report``): so the process's own set-up is done here, as
webapp/gunicorn_conf.py does it for Gunicorn. A start-up problem ends the process as one line
per problem; logs go to standard error in ``LOG_FORMAT``.
"""

from __future__ import annotations

from pathlib import Path

import click

from webapp import routed_names, startup
from webapp.config import SettingError, Settings, shipped
from webapp.content import ContentError, load_site
from webapp.content.coverage import LISTED, coverage_report
from webapp.content.look import check_look
from webapp.content.overrides import OverrideError, override
from webapp.interface_strings import check_messages
from webapp.logs import configure_logging
from webapp.search.normalise import normalise_code

startup.install_excepthook()
try:
    _settings = Settings.from_environ()
except SettingError:  # the app refuses it by name as it starts; check-content says it too
    pass
else:
    configure_logging(_settings.log_format, _settings.log_level)


@click.command("check-content")
@click.option(
    "--content-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to check (default: CONTENT_DIR, or the project's content/).",
)
@click.option(
    "--local-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The organisation's own folder laid over it (default: LOCAL_CONTENT_DIR).",
)
@click.option(
    "--all-missing",
    is_flag=True,
    help=f"List every entry a translation lacks, not only the first {LISTED} of each kind.",
)
def check_content(content_dir: Path | None, local_dir: Path | None, all_missing: bool) -> None:
    """Check the content folder and the local one over it; print each problem and exit
    non-zero if there is any; list the local entries whose shipped entry changed since."""
    try:
        settings = Settings.from_environ()
    except SettingError as exc:
        raise click.ClickException(str(exc)) from None
    folder = content_dir or settings.content_dir
    local = local_dir or settings.local_content_dir
    try:
        site = load_site(folder, reserved=routed_names(), local=local)
    except ContentError as exc:
        problems, site = exc.problems, None
    else:
        problems = []
    # The interface catalogues against the strings the code marks: a stale template or a
    # catalogue that was never refreshed would show those strings in English unnoticed.
    problems += check_messages(folder)
    if local is not None:
        problems += check_look(local, shipped("static") / "site.css")
    if problems or site is None:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise click.exceptions.Exit(1)
    try:  # the site refuses to start with an IT_LANGUAGE its content lacks
        settings.language_for_it(site.languages, site.default_language)
    except SettingError as exc:
        raise click.ClickException(str(exc)) from None
    content = site.default
    click.echo(
        f"{folder}: content is valid: {len(content.codes)} codes, "
        f"{len(content.families)} families, "
        f"{len(content.pages)} pages."
    )
    # Missing translations are not errors: those entries are shown in the default language.
    for language, coverage in site.coverage.items():
        for line in coverage_report(language, coverage, listed=None if all_missing else LISTED):
            click.echo(line)
    # Not errors either: the site shows them as they are. Nothing is merged silently, though.
    if site.reviews:
        click.echo(f"{len(site.reviews)} local change(s) to review after the upgrade:")
        for review in site.reviews:
            click.echo(f"  {review}")
    elif local is not None:
        click.echo(f"{local}: no local change needs a review.")


@click.group("content")
def content() -> None:
    """The organisation's own content (LOCAL_CONTENT_DIR) over the shipped content."""


@content.command("override")
@click.argument("key")
def override_command(key: str) -> None:
    """Copy the shipped code, family or page KEY into the local folder, with the fingerprint
    of what it is based on; run on an existing override, mark it reviewed."""
    try:
        settings = Settings.from_environ()
    except SettingError as exc:
        raise click.ClickException(str(exc)) from None
    if settings.local_content_dir is None:
        raise click.ClickException("set LOCAL_CONTENT_DIR to the organisation's own folder")
    try:
        written = override(
            settings.content_dir, settings.local_content_dir, normalise_code(key) or key
        )
    except OverrideError as exc:
        raise click.ClickException(str(exc)) from None
    if written.reviewed:
        click.echo(f"{written.path}: marked reviewed against the shipped {key} as it is now.")
    else:
        click.echo(f"{written.path}: written; uncomment and edit the fields you change.")
