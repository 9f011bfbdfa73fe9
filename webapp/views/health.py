"""``/healthz`` for load balancers: the process is up and its content is loaded."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from webapp.content import current_content

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    content = current_content()
    response = jsonify(status="ok", codes=len(content.codes), pages=len(content.pages))
    response.headers["Cache-Control"] = "no-store"
    return response
