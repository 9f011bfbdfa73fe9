"""Content: the code table and catalogue, code families and Markdown pages.

Loaded, validated and rendered once, when the application is created, in every language the
content folder holds; requests only read the resulting immutable
:class:`~webapp.content.model.Content` of their language.
"""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context

from webapp.config import settings_of
from webapp.content.loader import ContentError, Problem, load_content, load_site
from webapp.content.model import Content, Site

__all__ = [
    "Content",
    "ContentError",
    "Problem",
    "Site",
    "current_content",
    "current_site",
    "init_app",
    "load_content",
    "load_site",
]

EXTENSION_KEY = "content"


def init_app(app: Flask) -> None:
    """Load the content folder named by ``CONTENT_DIR``; a problem stops the start-up."""
    app.extensions[EXTENSION_KEY] = load_site(settings_of(app).content_dir)


def current_site() -> Site:
    """The content of the running application, in every language."""
    return current_app.extensions[EXTENSION_KEY]


def current_content() -> Content:
    """The content in the language of the current request (the default language outside one)."""
    site = current_site()
    language = g.get("language") if has_request_context() else None
    return site.contents.get(language or site.default_language, site.default)
