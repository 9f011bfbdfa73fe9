"""Helpers for the IT desk's tests: its forms' tokens, signing in with a token, and tokens."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from webapp.it_desk.lookups import CodeCount, RisingCode

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_REFRESH = re.compile(r'http-equiv="refresh" content="0; url=([^"]+)"')

READ_TOKEN = "read-only-token-0123456789abcdef"
NOTICES_TOKEN = "notices-token-0123456789abcdef"


@dataclass(frozen=True)
class Token:
    name: str
    scopes: frozenset[str]


def tokens(secret: str) -> Token | None:
    """Two tokens, as the notices' token store would verify them (``token create NAME
    --scope …``): one that may only read, one that may post notices."""
    return {
        READ_TOKEN: Token("night-reader", frozenset({"read"})),
        NOTICES_TOKEN: Token("night-shift", frozenset({"notices"})),
    }.get(secret)


def accept_tokens(app: Flask) -> None:
    from webapp.it_desk.views import TOKEN_CHECK_KEY

    app.extensions[TOKEN_CHECK_KEY] = tokens


def csrf_token(page: TestResponse) -> str:
    """The form token of a page of the desk."""
    return _CSRF.search(page.get_data(as_text=True))[1]


def refresh_target(page: TestResponse) -> str:
    """Where a page's meta refresh leads."""
    return html.unescape(_REFRESH.search(page.get_data(as_text=True))[1])


def sign_in_with_token(client: FlaskClient, secret: str = NOTICES_TOKEN) -> TestResponse:
    page = client.get("/it/sign-in")
    return client.post("/it/sign-in", data={"csrf_token": csrf_token(page), "token": secret})


class LookupsInMemory:
    """Lookups per code and hour, as the counting's storage would answer the desk's questions
    (:class:`webapp.it_desk.lookups.LookupCounts`)."""

    def __init__(self) -> None:
        self.hours: dict[tuple[str, datetime], int] = {}
        self.rising_now: list[RisingCode] = []

    def add(self, code: str, at: datetime, times: int = 1) -> None:
        hour = at.replace(minute=0, second=0, microsecond=0)
        self.hours[code, hour] = self.hours.get((code, hour), 0) + times

    def per_code(self, since: datetime, until: datetime) -> list[CodeCount]:
        totals: dict[str, int] = {}
        for (code, hour), count in self.hours.items():
            if since <= hour < until:
                totals[code] = totals.get(code, 0) + count
        return [CodeCount(code, n) for code, n in sorted(totals.items(), key=lambda x: -x[1])]

    def per_hour(self, code: str, since: datetime, until: datetime) -> list[int]:
        start = since.replace(minute=0, second=0, microsecond=0)
        count = int((until - start).total_seconds() // 3600) + 1
        return [self.hours.get((code, start + timedelta(hours=i)), 0) for i in range(count)]

    def rising(self) -> list[RisingCode]:
        return list(self.rising_now)
