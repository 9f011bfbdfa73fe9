"""Error pages: in the site's layout with a search box for people, JSON for ``/api/``."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

from webapp.cross_origin import REFUSED
from webapp.logs import request_id
from webapp.ratelimit import TOO_MANY_POSTS

bp = Blueprint("errors", __name__)
log = logging.getLogger(__name__)


# What people read on an error page, in their language; Werkzeug's own texts are for machines.
HUMAN_TEXTS = {
    400: (
        _l("Something in that request was wrong"),
        _l("Please go back and try again, or search for your status code below."),
    ),
    403: (_l("That came from another website"), REFUSED),
    405: (
        _l("That isn't possible here"),
        _l("This address can be read, but not sent to."),
    ),
    413: (
        _l("That was too much to send"),
        _l("Please send less text and try again."),
    ),
    429: (_l("Too many tries in a short time"), TOO_MANY_POSTS),
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"
    )


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException) -> ResponseReturnValue:
    status = error.code or 500
    if wants_json():
        name = (error.name or "error").lower().replace(" ", "_")
        response: Response | str = jsonify(
            error=name, message=error.description, status=status, request_id=request_id()
        )
    else:
        # request_id: the reference a 5xx page asks the person to give IT (see webapp.logs).
        title, description = HUMAN_TEXTS.get(status, (error.name, error.description))
        response = render_template(
            "errors/error.html",
            error=error,
            status=status,
            error_title=title,
            error_description=description,
            request_id=request_id(),
        )
    # Keep only the Allow header of a 405; the error's own Content-Type is HTML.
    allow = {k: v for k, v in error.get_headers() if k.lower() == "allow"}
    return response, status, allow


@bp.app_errorhandler(Exception)
def unexpected_error(error: Exception) -> ResponseReturnValue:
    log.exception("Unhandled error on %s %s", request.method, request.path)
    return http_error(InternalServerError())
