"""The IT desk: ``/it/``, a private page for IT staff to see what people look up, what is
rising, what they could not find and which answers failed them.

Its parts: :mod:`.session` (its own cookie), :mod:`.access` (who may enter), :mod:`.oidc`
(sign-in through the organisation's identity provider), :mod:`.views` (the pages),
:mod:`.lists`, :mod:`.lookups`, :mod:`.charts` and :mod:`.export` (what the pages show).
Nothing imports this package but the application factory.
"""

from __future__ import annotations

from flask import Flask

from webapp.it_desk import oidc, views
from webapp.it_desk.access import TokenCheck
from webapp.it_desk.lookups import LookupCounts, provide
from webapp.it_desk.session import SessionsByPath

__all__ = ["LookupCounts", "init_app", "provide"]


def init_app(app: Flask, verify_token: TokenCheck | None = None) -> None:
    """Add ``/it/`` with its own session cookie; sign-in through ``OIDC_*`` when set, and with
    tokens checked by ``verify_token`` (the notices' token store) when given."""
    app.session_interface = SessionsByPath(app.session_interface)
    oidc.init_app(app)
    if verify_token is not None:
        app.extensions[views.TOKEN_CHECK_KEY] = verify_token
    app.register_blueprint(views.bp)
