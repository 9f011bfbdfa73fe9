"""Search: the code normaliser, family decoding and the word index, built at start-up.

One engine per content language: German words find German answers, stemmed the German way.
"""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context

from webapp.content import current_site
from webapp.search.engine import SearchEngine, SearchResponse

__all__ = ["SearchEngine", "SearchResponse", "current_engine", "engine_for", "init_app"]

EXTENSION_KEY = "search"


def init_app(app: Flask) -> None:
    """Build a search engine for each language (needs :func:`webapp.content.init_app`)."""
    with app.app_context():
        site = current_site()
        app.extensions[EXTENSION_KEY] = {
            language: SearchEngine(content) for language, content in site.contents.items()
        }


def engine_for(language: str | None) -> SearchEngine:
    """The engine of ``language``, or of the default language when it has none."""
    engines: dict[str, SearchEngine] = current_app.extensions[EXTENSION_KEY]
    return engines.get(language or "") or engines[current_site().default_language]


def current_engine() -> SearchEngine:
    """The search engine in the language of the current request."""
    return engine_for(g.get("language") if has_request_context() else None)
