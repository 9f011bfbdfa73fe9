"""Teams sign-in help: look up a status code, learn what it means and what to send IT.

``create_app()`` is the application factory; Gunicorn runs ``webapp:create_app()``.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from flask import Flask

from webapp import (
    addresses,
    assets,
    caching,
    config,
    content,
    cross_origin,
    feedback,
    i18n,
    logs,
    publishing,
    ratelimit,
    search,
    security,
    startup,
    storage,
    tokens,
    views,
)

log = logging.getLogger(__name__)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the content is loaded and indexed: the
    many small objects it creates would make it scan the growing heap again and again for
    cycles that loading never makes (a tenth of the start-up on a large content folder)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: settings, content (validated), search index, routes.

    ``test_config`` holds Flask's own keys and, by variable name, settings that take the place
    of the environment's (as text or Python values; see :mod:`webapp.config`).

    In debug mode (``flask --app webapp run --debug``) it also picks up content edits on the
    next request (see :mod:`webapp.publishing`).
    """
    startup.install_excepthook()  # a start-up problem ends the process as one line, not a traceback
    startup.check_gunicorn_settings()
    app = _build_app(test_config)
    if app.debug:
        app.wsgi_app = publishing.ContentWatcher(  # type: ignore[method-assign]
            app, lambda: _build_app(test_config)
        )
    return app


def _build_app(test_config: Mapping[str, Any] | None) -> Flask:
    app = _flask()
    # Tests name settings by their variables, next to Flask's own keys (TESTING, ...).
    flask_config = dict(test_config or {})
    overrides = {name: flask_config.pop(name) for name in config.variables() & flask_config.keys()}
    app.extensions[config.EXTENSION_KEY] = config.Settings.from_environ(overrides=overrides)
    app.config.update(flask_config)
    # Production readiness before anything else. The page cache first: its response hook
    # must run after every other one (Flask runs them in reverse), and its WSGI layer must sit
    # inside the others. Then logging and request ids, the secret key check (which refuses to
    # start in production without a strong key) with cookies and headers, and rate limits.
    addresses.init_app(app)
    caching.init_app(app, language_of=i18n.address_language)
    logs.init_app(app)
    security.init_app(app)
    cross_origin.init_app(app)  # a cross-site post is refused before it is even rate-limited
    ratelimit.init_app(app)

    _add_routes(app)  # before the content: no page may take an address a route answers
    with _collector_paused():
        content.init_app(app)
        search.init_app(app)
    i18n.init_app(app)  # the /<language> prefix and interface catalogues
    storage.init_app(app)
    tokens.init_app(app)  # the `token` commands; views check tokens with tokens.require
    assets.init_app(app)
    return app


def _flask() -> Flask:
    folders = {name: config.shipped(name) for name in ("templates", "static")}
    for name, folder in folders.items():
        if not folder.is_dir():
            raise startup.MissingFiles(
                f"The site's {name} folder is missing: {folder}. Install the package with "
                "'pip install .' from the project folder, or run the site from there."
            )
    return Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(folders["templates"]),
        static_folder=str(folders["static"]),
    )


def _add_routes(app: Flask) -> None:
    """Every blueprint: the addresses the site answers."""
    views.init_app(app)
    feedback.init_app(app)


def routed_names() -> frozenset[str]:
    """The first segments of the site's own addresses, which no page may take, without loading
    any content (``flask check-content`` runs when the content is broken)."""
    app = _flask()
    app.extensions[config.EXTENSION_KEY] = config.Settings()
    _add_routes(app)
    return content.routed_names(app.url_map)
