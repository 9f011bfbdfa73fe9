"""The IT desk: ``/it/``, a private page for IT staff to see what people look up, what is
rising, what they could not find and which answers failed them.

Its parts: :mod:`.session` (its own cookie), :mod:`.access` (who may enter), :mod:`.oidc`
(sign-in through the organisation's identity provider; tokens are :mod:`webapp.tokens`),
:mod:`.views` (the pages), :mod:`.lists`, :mod:`.lookups`, :mod:`.charts` and :mod:`.export`
(what the pages show).
Nothing imports this package but the application factory.
"""

from __future__ import annotations

from flask import Flask

from webapp.it_desk import notice_views, oidc, views  # noqa: F401 (its routes are the desk's)
from webapp.it_desk.session import SessionsByPath

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    """Add ``/it/`` with its own session cookie; sign-in through ``OIDC_*`` when set, and
    always with the tokens of :mod:`webapp.tokens`."""
    app.session_interface = SessionsByPath(app.session_interface)
    oidc.init_app(app)
    app.register_blueprint(views.bp)
