"""The IT desk's own session cookie, beside the public site's.

Flask has one session interface per application; :class:`SessionsByPath` is one that hands
each request to one of two of Flask's own signed-cookie interfaces, by its path: everything
under ``/it/`` gets :class:`DeskSessions` (cookie ``it_session``, path ``/it/``, ``HttpOnly``,
``SameSite=Strict``, ``Secure`` over HTTPS, eight hours, signed with a salt of its own so a
public session cookie can never pass for one), everything else the site's usual one. Both are
Flask's public ``SessionInterface`` API; nothing private is read.

The public pages never touch the session, so they keep sending no cookie at all.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask, Request, Response, request
from flask.sessions import (
    SecureCookieSession,
    SecureCookieSessionInterface,
    SessionInterface,
    SessionMixin,
)

PREFIX = "/it/"
COOKIE_NAME = "it_session"
LIFETIME = timedelta(hours=8)


def is_desk_path(path: str) -> bool:
    return path == PREFIX.rstrip("/") or path.startswith(PREFIX)


class DeskSession(SecureCookieSession):
    """A session of the IT desk (its class tells the two kinds apart when saving)."""


class DeskSessions(SecureCookieSessionInterface):
    salt = "it-desk-session"
    session_class = DeskSession

    def get_cookie_name(self, app: Flask) -> str:
        return COOKIE_NAME

    def get_cookie_path(self, app: Flask) -> str:
        return PREFIX

    def get_cookie_domain(self, app: Flask) -> str | None:
        return None  # this host only

    def get_cookie_httponly(self, app: Flask) -> bool:
        return True

    def get_cookie_samesite(self, app: Flask) -> str:
        return "Strict"

    def get_expiration_time(self, app: Flask, session: SessionMixin) -> datetime:
        # Always a dated cookie: it ends with the sign-in (webapp.it_desk.access enforces the
        # same eight hours on the signed value, whatever the browser keeps).
        return datetime.now(UTC) + LIFETIME


class SessionsByPath(SessionInterface):
    """The IT desk's sessions under ``/it/``, the site's own everywhere else."""

    def __init__(self, site: SessionInterface) -> None:
        self.site = site
        self.desk = DeskSessions()

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        chosen = self.desk if is_desk_path(request.path) else self.site
        return chosen.open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        chosen = self.desk if isinstance(session, DeskSession) else self.site
        chosen.save_session(app, session, response)

    def is_null_session(self, obj: object) -> bool:
        return self.site.is_null_session(obj)


def desk_request() -> bool:
    """Is this request one of the IT desk's (under ``/it/``)?"""
    return is_desk_path(request.path)
