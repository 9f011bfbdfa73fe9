"""Helpers for the IT desk's tests: its forms' tokens, signing in with a bearer token made as
``flask token create`` makes one, and lookups counted as the site counts them."""

from __future__ import annotations

import html
import re
import uuid
from datetime import datetime

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from webapp import tokens
from webapp.storage import lookups

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_REFRESH = re.compile(r'http-equiv="refresh" content="0; url=([^"]+)"')


def make_token(app: Flask, scope: str = "notices", name: str = "night-shift") -> str:
    """A new token with one scope (its name made unique); returns its secret."""
    with app.app_context():
        return tokens.create(f"{name}-{uuid.uuid4().hex[:6]}", frozenset({scope}))


def csrf_token(page: TestResponse) -> str:
    """The form token of a page of the desk."""
    return _CSRF.search(page.get_data(as_text=True))[1]


def refresh_target(page: TestResponse) -> str:
    """Where a page's meta refresh leads."""
    return html.unescape(_REFRESH.search(page.get_data(as_text=True))[1])


def sign_in_with_token(
    client: FlaskClient, scope: str = "notices", secret: str | None = None
) -> TestResponse:
    """Sign in on the desk's sign-in page with a new token of ``scope`` (or ``secret``)."""
    secret = secret or make_token(client.application, scope)
    page = client.get("/it/sign-in")
    return client.post("/it/sign-in", data={"csrf_token": csrf_token(page), "token": secret})


def add_lookups(app: Flask, code: str, at: datetime, times: int = 1, language: str = "en") -> None:
    """Lookups of ``code`` at ``at``, kept as the counting keeps them."""
    app.extensions["storage"].run(
        "count lookups",
        lambda connection: lookups.count(
            connection, at=at, code=code, language=language, times=times
        ),
    )


def add_miss(app: Flask, kind: str, term: str, language: str, now: datetime | None = None) -> None:
    """A search that found nothing, counted and written as the site does it."""
    storage = app.extensions["storage"]
    assert storage.queue_miss(kind, term, language, now=now)
    assert storage.flush(timeout=10)
