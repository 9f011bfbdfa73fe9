"""Notices: on the outage day, IT tells everyone at once.

A notice (:mod:`.model`) is posted, changed and ended through :mod:`.service` (by the
``flask notice`` commands in :mod:`.cli`, the API in :mod:`.api`, and the IT desk), kept in the
database with every change, and shown by every worker of every server within seconds: each
worker's :class:`.board.Board` polls the database off the request path and drops the cached
pages when the active notices change. Templates get the active notices as ``notices`` (an
:class:`.board.Active`); :func:`active_notices` gives them to anyone else (the metrics).
"""

from __future__ import annotations

import logging

from flask import Flask, current_app

from webapp.caching import clear_pages
from webapp.config import settings_of
from webapp.notices import api, cli
from webapp.notices.api import notice_json
from webapp.notices.board import Active, Board
from webapp.notices.model import LEVELS, Notice, NoticeError
from webapp.notices.service import (
    EXTENSION_KEY,
    NoSuchNotice,
    NoticeEnded,
    active_notices,
    change,
    end,
    post,
)

__all__ = [
    "LEVELS",
    "Active",
    "NoSuchNotice",
    "Notice",
    "NoticeEnded",
    "NoticeError",
    "active_notices",
    "change",
    "end",
    "init_app",
    "notice_json",
    "post",
]

log = logging.getLogger(__name__)


def _start_polling() -> None:
    current_app.extensions[EXTENSION_KEY].start()


def init_app(app: Flask) -> None:
    """The board (loaded once here, before Gunicorn forks), the ``notice`` commands, the API,
    and ``notices`` in every template. Call after :mod:`webapp.storage`."""
    storage = app.extensions["storage"]
    board = Board(
        read=storage.current_notices,
        version=storage.notices_version,
        on_change=lambda: clear_pages(app),
        interval=settings_of(app).notice_poll_seconds,
    )
    app.extensions[EXTENSION_KEY] = board
    try:
        board.refresh()
    finally:
        storage.engine.dispose()  # fork with no connection
    # Each worker starts polling when it forks (see Board); this covers servers that do not
    # fork (flask run). Both look the board up rather than hold it, so the board of an
    # application a reload replaced (webapp.publishing) is freed and stops polling.
    app.before_request(_start_polling)
    app.context_processor(lambda: {"notices": active_notices()})
    app.register_blueprint(api.bp)
    app.cli.add_command(cli.notice_cli)
