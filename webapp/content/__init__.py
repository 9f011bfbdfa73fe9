"""Content: the code table, code families, WinINet meanings and Markdown pages.

Loaded, validated and rendered once, when the application is created; requests only read the
resulting immutable :class:`~webapp.content.model.Content`.
"""

from __future__ import annotations

from flask import Flask, current_app

from webapp.content.loader import ContentError, Problem, load_content
from webapp.content.model import Content

__all__ = ["Content", "ContentError", "Problem", "current_content", "init_app", "load_content"]

EXTENSION_KEY = "content"


def init_app(app: Flask) -> None:
    """Load the content folder named by ``CONTENT_DIR``; a problem stops the start-up."""
    app.extensions[EXTENSION_KEY] = load_content(app.config["CONTENT_DIR"])


def current_content() -> Content:
    """The content of the running application."""
    return current_app.extensions[EXTENSION_KEY]
