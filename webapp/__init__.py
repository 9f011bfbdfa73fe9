"""Teams sign-in help: look up a status code, learn what it means and what to send IT.

``create_app()`` is the application factory; Gunicorn runs ``webapp:create_app()``.
"""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import Iterator, Mapping
from typing import Any

from flask import Flask

from webapp import (
    addresses,
    assets,
    caching,
    config,
    content,
    counting,
    cross_origin,
    feedback,
    i18n,
    it_desk,
    logs,
    message_for_it,
    notices,
    publishing,
    ratelimit,
    routing,
    search,
    security,
    startup,
    storage,
    tokens,
    views,
)

log = logging.getLogger(__name__)

# The WSGI layers around Flask, outside in, each called as ``layer(app, inner)`` once every
# extension is set up. In debug mode publishing.ContentWatcher goes around them all.
LAYERS = (
    i18n.LanguagePrefix,  # /de/faq is /faq in German: the prefix moves into SCRIPT_NAME
    security.SecurityHeaders,  # on every answer, also those that never reach Flask's hooks
    security.forwarded,  # the client's address and scheme from PROXY_COUNT proxies, or none
    logs.RequestId,  # X-Request-ID, which every log line of the request carries
    routing.MatchRoute,  # the route, matched once for the two layers below
    counting.Counting,  # what every answer looks up, rendered, from the page cache or a 304
    caching.FastPath,  # a page in the page cache is answered here, before Flask
)


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: settings, content (validated), search index, routes.

    ``test_config`` holds Flask's own keys and, by variable name, settings that take the place
    of the environment's (as text or Python values; see :mod:`webapp.config`).

    In debug mode (``flask --app webapp run --debug``) it also picks up content edits on the
    next request (see :mod:`webapp.publishing`).
    """
    startup.check_gunicorn_settings()
    app = _build_app(test_config)
    if app.debug:
        app.wsgi_app = publishing.ContentWatcher(  # type: ignore[method-assign]
            app, lambda: _build_app(test_config)
        )
    return app


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while the content and its indexes are built: they are
    hundreds of thousands of new objects and no garbage, and the collector, called again and
    again as they grow, took a fifth of the start-up (1.75 s became 1.4 s, four languages)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@_collector_paused()  # also when debug mode rebuilds the app after a content edit
def _build_app(test_config: Mapping[str, Any] | None) -> Flask:
    app = _flask()
    # Tests name settings by their variables, next to Flask's own keys (TESTING, ...).
    flask_config = dict(test_config or {})
    overrides = {name: flask_config.pop(name) for name in config.variables() & flask_config.keys()}
    app.extensions[config.EXTENSION_KEY] = config.Settings.from_environ(overrides=overrides)
    app.config.update(flask_config)
    # The page cache first: its response hook must run after every other one (Flask runs them
    # in reverse). A cross-site post is refused before it is even rate-limited.
    addresses.init_app(app)
    caching.init_app(app, language_of=i18n.address_language)
    counting.init_app(app)  # /metrics
    logs.init_app(app)
    security.init_app(app)
    cross_origin.init_app(app)
    ratelimit.init_app(app)
    _add_routes(app)  # before the content: no page may take an address a route answers
    content.init_app(app)
    search.init_app(app)
    i18n.init_app(app)
    message_for_it.init_app(app)  # IT_LANGUAGE, once the content's languages are known
    storage.init_app(app)
    tokens.init_app(app)  # the `token` commands; views check tokens with tokens.require
    notices.init_app(app)  # after storage: the notices are read before Gunicorn forks
    counting.init_alerts(app)
    assets.init_app(app)
    wsgi_app: Any = app.wsgi_app
    for layer in reversed(LAYERS):
        wsgi_app = layer(app, wsgi_app)
    app.wsgi_app = wsgi_app  # type: ignore[method-assign]
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
        template_folder=str(folders["templates"]),
        static_folder=str(folders["static"]),
    )


def _add_routes(app: Flask) -> None:
    """Every blueprint: the addresses the site answers."""
    views.init_app(app)
    feedback.init_app(app)
    it_desk.init_app(app)


def routed_names() -> frozenset[str]:
    """The first segments of the site's own addresses, which no page may take, without loading
    any content (``flask check-content`` runs when the content is broken)."""
    app = _flask()
    app.extensions[config.EXTENSION_KEY] = config.Settings()
    _add_routes(app)
    return content.routed_names(app.url_map)
