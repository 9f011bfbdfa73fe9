"""Routes, one blueprint per area of the site."""

from __future__ import annotations

from flask import Flask

from webapp.config import settings_of
from webapp.content import current_content
from webapp.views import api, codes, errors, health, pages, search
from webapp.views.site import it_contact_name, script_words, site_name


def init_app(app: Flask) -> None:
    """Register every blueprint and the values all templates share."""
    for module in (errors, health, api, codes, search, pages):
        app.register_blueprint(module.bp)

    settings = settings_of(app)

    @app.context_processor
    def site() -> dict:
        return {
            "site_name": site_name(),
            "script_words": script_words,
            "nav_pages": current_content().nav_pages,
            "it_contact": {
                "name": it_contact_name(),
                "email": settings.it_contact_email,
                "url": settings.it_contact_url,
            },
        }
