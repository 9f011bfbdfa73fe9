"""Content: the code table and catalogue, code families and Markdown pages.

Loaded, validated and rendered once, when the application is created, in every language the
content folder holds; requests only read the resulting immutable
:class:`~webapp.content.model.Content` of their language.
"""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context
from werkzeug.routing import Map

from webapp.config import settings_of
from webapp.content.loader import ContentError, Problem, load_site
from webapp.content.model import Content, Site

__all__ = [
    "Content",
    "ContentError",
    "Problem",
    "Site",
    "current_content",
    "current_site",
    "init_app",
    "load_site",
    "routed_names",
]

EXTENSION_KEY = "content"


def init_app(app: Flask) -> None:
    """Load the content folder named by ``CONTENT_DIR``; a problem stops the start-up. Call it
    once the routes are registered: no page may take an address they answer."""
    reserved = routed_names(app.url_map)
    app.extensions[EXTENSION_KEY] = load_site(settings_of(app).content_dir, reserved=reserved)


def routed_names(url_map: Map) -> frozenset[str]:
    """The first segment of every route that starts with a fixed one (``codes``, ``feedback``,
    ``opensearch.xml``, …): the names a page may not take."""
    names = set()
    for rule in url_map.iter_rules():
        first = rule.rule.lstrip("/").split("/", 1)[0]
        if first and "<" not in first:
            names.add(first)
    return frozenset(names)


def current_site() -> Site:
    """The content of the running application, in every language."""
    site: Site = current_app.extensions[EXTENSION_KEY]
    return site


def current_content() -> Content:
    """The content in the language of the current request (the default language outside one)."""
    site = current_site()
    language = g.get("language") if has_request_context() else None
    return site.contents.get(language or site.default_language, site.default)
