"""Routes, one blueprint per area of the site."""

from __future__ import annotations

from flask import Flask, request

from webapp.addresses import external_url
from webapp.content import current_content
from webapp.content.model import NO_CODE
from webapp.site_texts import contact_for, script_words, site_name
from webapp.storage import MAX_TEXT_LENGTH
from webapp.views import api, codes, errors, health, pages, search
from webapp.views.search import MAX_QUERY_LENGTH


def init_app(app: Flask) -> None:
    """Register every blueprint and the values all templates share."""
    for module in (errors, health, api, codes, search, pages):
        app.register_blueprint(module.bp)
    app.add_template_global(external_url, "external_url")

    # Facts the templates share, each kept once in Python: the smart-card entry's code,
    # and the longest search and feedback text.
    app.jinja_env.globals.update(
        NO_CODE=NO_CODE, MAX_QUERY_LENGTH=MAX_QUERY_LENGTH, MAX_TEXT_LENGTH=MAX_TEXT_LENGTH
    )

    @app.context_processor
    def site() -> dict:
        return {
            "site_name": site_name(),
            "script_words": script_words,
            "nav_pages": current_content().nav_pages,
            "nav_current": _nav_current(),
            "it_contact": contact_for(),
        }


def _nav_current() -> str | None:
    """The slug of the navigation entry this request's page belongs to (a guide: Guides)."""
    slug = (request.view_args or {}).get("slug") if request.endpoint == "pages.page" else None
    return current_content().nav_page_of(slug) if isinstance(slug, str) else None
