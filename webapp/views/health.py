"""``/healthz`` for load balancers: "ok" only when the site can really answer with a page.

It renders the home page (small, and in the same layout as every page) each time, outside the
page cache, so missing or broken templates, static files or content make it fail at once.
"""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify, render_template
from flask.typing import ResponseReturnValue

from webapp.content import current_content

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    content = current_content()
    try:
        render_template("home.html", page=content.home, pages=content.pages)
    except Exception as exc:
        log.exception("Health check: the home page cannot be rendered")
        # The kind of failure, for whoever looks at the load balancer; the details are logged.
        response = jsonify(status="error", reason=f"pages cannot be rendered: {type(exc).__name__}")
        response.status_code = 503
    else:
        response = jsonify(status="ok", codes=len(content.codes), pages=len(content.pages))
    response.headers["Cache-Control"] = "no-store"
    return response
