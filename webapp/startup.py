"""Start-up errors an operator can read: one line per problem, and no traceback.

The site refuses to start with broken content (:class:`~webapp.content.ContentError`), a setting
it cannot use (:class:`~webapp.config.SettingError`) or shipped files that are missing
(:class:`MissingFiles`). Whatever starts it (``gunicorn 'webapp:create_app()'``, ``flask --app
webapp run``) lets such an error end the process; :func:`install_excepthook` makes Python print
it as its problems, each on one line (file, entry and what is wrong; or the variable and why),
instead of a traceback with the reason at the bottom, and exit with status 1 as it does for any
uncaught error. Every other error keeps its traceback: that is a bug, and the traceback is for
whoever fixes it.
"""

from __future__ import annotations

import os
import sys
from types import TracebackType

from webapp.config import SettingError
from webapp.content import ContentError


class MissingFiles(RuntimeError):
    """A folder the site serves from (templates, static files) is not where it should be."""


SETTINGS_MODULE = "webapp.gunicorn_conf"


def check_gunicorn_settings() -> None:
    """Under Gunicorn, refuse to start without the site's Gunicorn settings: without them it
    would run one synchronous worker and a HUP would not publish content edits. That happens
    when ``gunicorn 'webapp:create_app()'`` is started outside the project folder (whose
    gunicorn.conf.py reads the settings) without ``-c python:webapp.gunicorn_conf``."""
    if not os.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn/"):
        return
    if SETTINGS_MODULE in sys.modules:
        return
    from gunicorn.errors import AppImportError  # Gunicorn's "App failed to load": no traceback

    raise AppImportError(
        f"Gunicorn was started without the site's settings: add '-c python:{SETTINGS_MODULE}' "
        "(or start it in the project folder, whose gunicorn.conf.py reads them)."
    )


def problem_lines(exc: BaseException) -> list[str] | None:
    """What is wrong, one line per problem; None for an error that is not a start-up problem."""
    if isinstance(exc, ContentError):
        return [str(problem) for problem in exc.problems]
    if isinstance(exc, SettingError | MissingFiles):
        return [" ".join(str(exc).split())]
    return None


def _excepthook(
    kind: type[BaseException], exc: BaseException, traceback: TracebackType | None
) -> None:
    lines = problem_lines(exc)
    if lines is None:
        _previous_hook(kind, exc, traceback)
        return
    sys.stderr.write("".join(f"{line}\n" for line in lines))
    sys.stderr.flush()


_previous_hook = sys.excepthook


def install_excepthook() -> None:
    """Print start-up problems as lines when they end the process (safe to call again)."""
    global _previous_hook
    if sys.excepthook is not _excepthook:
        _previous_hook = sys.excepthook
        sys.excepthook = _excepthook
