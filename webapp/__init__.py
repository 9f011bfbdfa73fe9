"""Teams sign-in help: look up a status code, learn what it means and what to send IT.

``create_app()`` is the application factory; Gunicorn runs ``webapp:create_app()``.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from webapp import assets, config, content, feedback, search, storage, views

log = logging.getLogger(__name__)

csrf = CSRFProtect()


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: settings, content (validated), search index, routes."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(config.PROJECT_ROOT / "templates"),
        static_folder=str(config.PROJECT_ROOT / "static"),
    )
    app.config.update(config.from_environ())
    if test_config is not None:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        # Nothing is signed with it yet but forms; a fresh key per start-up is safe for that.
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        log.warning("SECRET_KEY is not set: using a random key for this process only.")

    content.init_app(app)
    search.init_app(app)
    csrf.init_app(app)  # every POST needs the form's token, or gets 400
    storage.init_app(app)
    views.init_app(app)
    feedback.init_app(app)
    assets.init_app(app)
    return app
