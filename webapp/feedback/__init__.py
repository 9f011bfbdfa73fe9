"""What the IT team learns from the site: feedback on answers, searches that found nothing,
and ``flask --app webapp report`` to read both."""

from __future__ import annotations

from flask import Flask, request

from webapp.feedback import report, views
from webapp.feedback.misses import EXTENSION_KEY as MISSES_KEY
from webapp.feedback.misses import SearchMisses, count_search_miss, record_search_miss
from webapp.feedback.topics import ANSWERED_ARG

__all__ = [
    "ANSWERED_ARG",
    "MISSES_KEY",
    "SearchMisses",
    "count_search_miss",
    "init_app",
    "record_search_miss",
]


def init_app(app: Flask) -> None:
    """Add the ``/feedback`` routes and the ``report`` command (needs :mod:`webapp.storage`)."""
    app.register_blueprint(views.bp)
    app.extensions[MISSES_KEY] = SearchMisses()
    app.cli.add_command(report.report_command)

    app.add_template_global(answered, "feedback_answered")


def answered() -> str | None:
    """Which answer of the page to thank for (the ``about`` of its feedback block), if any."""
    return request.args.get(ANSWERED_ARG)
