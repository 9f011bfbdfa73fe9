"""The IT desk: ``/it/``, a private page for IT staff to see what people look up, what is
rising, what they could not find and which answers failed them.

Its parts: :mod:`.session` (its own cookie), :mod:`.access` (who may enter), :mod:`.oidc`
(sign-in through the organisation's identity provider), :mod:`.views` (the pages),
:mod:`.lists`, :mod:`.lookups`, :mod:`.charts` and :mod:`.export` (what the pages show).
Nothing imports this package but the application factory.
"""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from webapp.it_desk import oidc, views
from webapp.it_desk.access import TokenCheck
from webapp.it_desk.lookups import LookupCounts, provide
from webapp.it_desk.session import SessionsByPath
from webapp.logs import request_id

__all__ = ["LookupCounts", "init_app", "provide"]

log = logging.getLogger(__name__)


def init_app(app: Flask, verify_token: TokenCheck | None = None) -> None:
    """Add ``/it/`` with its own session cookie; sign-in through ``OIDC_*`` when set, and with
    tokens checked by ``verify_token`` (the notices' token store) when given."""
    app.session_interface = SessionsByPath(app.session_interface)
    oidc.init_app(app)
    if verify_token is not None:
        app.extensions[views.TOKEN_CHECK_KEY] = verify_token
    views.bp.register_error_handler(HTTPException, _error_page)
    app.register_blueprint(views.bp)


def _error_page(error: HTTPException) -> ResponseReturnValue:
    """The desk's errors in its own layout, saying what went wrong (a refused form, a read-only
    token, an account not allowed), never the public site's words."""
    status = error.code or 500
    if status == 403:
        log.info("IT desk: 403 on %s %s", request.method, request.path)
    page = render_template(
        "it/error.html",
        status=status,
        error_title=error.name,
        error_description=error.description,
        request_id=request_id(),
    )
    return page, status
