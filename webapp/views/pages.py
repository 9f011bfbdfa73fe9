"""The home page and the Markdown pages under ``content/pages`` (``/<slug>``)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue

from webapp.caching import public
from webapp.content import current_content
from webapp.feedback import ANSWERED_ARG

bp = Blueprint("pages", __name__)


@bp.get("/")
@public(query=("lang",), vary=("Accept-Language",))  # the first visit's language choice
def home() -> ResponseReturnValue:
    content = current_content()
    return render_template("home.html", page=content.home, pages=content.nav_pages)


@bp.get("/<slug>")
@public(query=(ANSWERED_ARG,))
def page(slug: str) -> ResponseReturnValue:
    found = current_content().page_by_slug.get(slug)
    if found is None:
        abort(404)
    return render_template("page.html", page=found)
