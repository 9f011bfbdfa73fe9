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
from webapp.config import SettingError, Settings
from webapp.content import ContentError, load_site
from webapp.interface_strings import check_messages
from webapp.logs import configure_logging

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
def check_content(content_dir: Path | None) -> None:
    """Check the content folder; print each problem and exit non-zero if there is any."""
    try:
        folder = content_dir or Settings.from_environ().content_dir
    except SettingError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        site = load_site(folder, reserved=routed_names())
    except ContentError as exc:
        problems, site = exc.problems, None
    else:
        problems = []
    # The interface catalogues against the strings the code marks: a stale template or a
    # catalogue that was never refreshed would show those strings in English unnoticed.
    problems += check_messages(folder)
    if problems or site is None:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise click.exceptions.Exit(1)
    content = site.default
    click.echo(
        f"{folder}: content is valid: {len(content.codes)} codes, "
        f"{len(content.families)} families, "
        f"{len(content.pages)} pages."
    )
    # Missing translations are not errors: those entries are shown in the default language.
    for language, missing in site.untranslated.items():
        if not missing:
            click.echo(f"{language}: complete.")
            continue
        click.echo(f"{language}: {len(missing)} not translated yet: {', '.join(missing)}.")
