"""Publishing a content edit to a running server: ``kill -HUP`` on the Gunicorn master.

With ``preload_app`` the master loads the content once and forks its workers from it, so a HUP
alone would fork new workers that still hold the old content. On HUP Gunicorn calls the
``on_reload`` hook in the master before it forks the new workers; the hook calls
:func:`republish`, which builds a whole new application from the files as they are now, with
the same factory as at start-up, and makes the loaded application answer through it by
replacing its ``wsgi_app`` (Flask's documented place for what answers a request). The new
workers fork with the new content, index and an empty page cache; the old ones finish the
requests they hold and exit, while the listening socket never closes.

A broken edit is refused: the application stays as it was, so the new workers serve the
previous content, and the reason is logged in one line.

For an editor previewing with ``flask --app webapp run --debug``, :class:`ContentWatcher` does
the same on the next request after a content file changes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from flask import Flask

from webapp.config import settings_of
from webapp.startup import problem_lines

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]


def republish(app: Flask, factory: Callable[[], Flask], logger: logging.Logger = log) -> bool:
    """Build a fresh application with ``factory``; if it builds, ``app`` answers through it
    from now on and True is returned. If the content or a setting is broken, ``app`` is left
    as it was, the reason is logged in one line, and False is returned."""
    started = time.perf_counter()
    try:
        fresh = factory()
    except Exception as exc:
        problems = problem_lines(exc)
        if problems is None:  # a bug, not an edit: keep serving, and log it with its traceback
            logger.exception("Reload failed, still serving the previous content")
        else:
            logger.error(
                "Reload refused, still serving the previous content: %s", "; ".join(problems)
            )
        return False
    app.wsgi_app = fresh.wsgi_app  # type: ignore[method-assign]
    # The loaded application now only passes requests on; let it hold the fresh extensions
    # rather than the previous content and index, which are then freed.
    app.extensions = fresh.extensions
    logger.info("Reloaded the content in %.2f s", time.perf_counter() - started)
    return True


def _stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Every file under ``folder`` with its modification time and size."""
    files = []
    for path in sorted(folder.rglob("*")):
        try:
            if path.is_file():
                stat = path.stat()
                files.append((str(path), stat.st_mtime_ns, stat.st_size))
        except OSError:  # removed while we looked: the next look sees it gone
            continue
    return tuple(files)


class ContentWatcher:
    """WSGI layer for ``flask run --debug``: before each request, if a file in the content
    folders changed since the application read it, build the application again with
    ``factory``, so an editor sees the edit by reloading the page. While the content is broken,
    every page lists its problems instead (as ``check-content`` would), until the next edit.

    Werkzeug's reloader watches only Python files (and ``--extra-files``, which would have to
    name every content file), so the content is checked here, where the folder is known."""

    def __init__(self, app: Flask, factory: Callable[[], Flask]) -> None:
        self.app = app
        self.factory = factory
        settings = settings_of(app)
        # The shipped content and the organisation's own: an edit in either publishes.
        self.folders = [settings.content_dir, *filter(None, [settings.local_content_dir])]
        self.inner = app.wsgi_app
        self.stamp = self._stamp()
        self.problems: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        with self.lock:  # the development server runs requests in threads
            stamp = self._stamp()
            if stamp != self.stamp:
                self.stamp = stamp
                self._rebuild()
            problems = self.problems
            inner = self.inner
        if problems:
            body = "\n".join(["The content has problems; fix them and reload:", *problems, ""])
            start_response("500 Content problems", [("Content-Type", "text/plain; charset=utf-8")])
            return [body.encode("utf-8")]
        return inner(environ, start_response)

    def _stamp(self) -> tuple[tuple[str, int, int], ...]:
        return tuple(line for folder in self.folders for line in _stamp(folder))

    def _rebuild(self) -> None:
        try:
            fresh = self.factory()
        except Exception as exc:
            problems = problem_lines(exc)
            if problems is None:
                raise
            self.problems = problems
            log.error("The content has problems: %s", "; ".join(problems))
            return
        self.problems = []
        self.inner = fresh.wsgi_app
        self.app.extensions = fresh.extensions
        log.info("Content changed: reloaded it")
