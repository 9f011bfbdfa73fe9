"""Search: the code normaliser, family decoding and the word index, built at start-up."""

from __future__ import annotations

from flask import Flask, current_app

from webapp.content import current_content
from webapp.search.engine import SearchEngine, SearchResponse

__all__ = ["SearchEngine", "SearchResponse", "current_engine", "init_app"]

EXTENSION_KEY = "search"


def init_app(app: Flask) -> None:
    """Build the search engine over the app's content (needs :func:`webapp.content.init_app`)."""
    with app.app_context():
        app.extensions[EXTENSION_KEY] = SearchEngine(current_content())


def current_engine() -> SearchEngine:
    """The search engine of the running application."""
    return current_app.extensions[EXTENSION_KEY]
