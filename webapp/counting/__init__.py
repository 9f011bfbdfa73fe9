"""What people look up, counted on every request, cached or not; rising codes; /metrics.

:class:`Counting` is a WSGI layer outside the page cache, so it sees every request the site
answers: rendered, from the page cache, or a ``304 Not Modified``. From the route
(:mod:`webapp.routing`) alone it counts

- a **lookup** of a code for a code page at its canonical address (``/codes/0xCAA20003``; a
  search that lands on a code is counted there, once, after its redirect) and for the API's
  ``/api/codes/<code>``: the code when the site recognises it, else ``LOOKUP_OTHER``; the
  suggestions as one types (``/api/search``) are not lookups;
- not the same page again after its feedback (``?answered=…``: the person already counted);
- a **miss** for a code page of a well-formed code the table lacks, and for a search that found
  nothing (its view says so once, :func:`webapp.feedback.record_search_miss`);
- each request's duration by endpoint, for Prometheus.

Counting only adds to the storage's counter (:mod:`webapp.storage.counter`): nothing about the
person, and never a wait for the database. A failure to count never costs the page.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from flask import Flask, Request

from webapp import telemetry
from webapp.config import settings_of
from webapp.content import EXTENSION_KEY as CONTENT_KEY
from webapp.content.model import NO_CODE
from webapp.counting import metrics
from webapp.counting.alerts import Alerts
from webapp.feedback import ANSWERED_ARG, MISSES_KEY, count_search_miss
from webapp.i18n import address_language
from webapp.routing import route_of
from webapp.search.normalise import normalise_code
from webapp.storage import EXTENSION_KEY as STORAGE_KEY
from webapp.storage import LOOKUP_OTHER, MISS_CODE, Storage

__all__ = ["Counting", "init_alerts", "init_app"]

log = logging.getLogger(__name__)

CODE_PAGE, API_CODE, SEARCH = "codes.code", "api.code", "search.search"
_THANKS = ANSWERED_ARG + "="


class Counting:
    """WSGI layer: count what a request looks up, and time it."""

    def __init__(self, app: Flask, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self._known: frozenset[str] | None = None
        # The metrics' children by label values, kept: labels() costs more than the count.
        # Bounded: the site's endpoints; recognised codes (and "other") by language.
        self._timers: dict[str, Any] = {}
        self._lookups: dict[tuple[str, str], Any] = {}

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        route = route_of(environ)
        endpoint = route[0] if route else "(none)"
        if (
            endpoint in (CODE_PAGE, API_CODE)
            and environ.get("REQUEST_METHOD") == "GET"
            and _THANKS not in environ.get("QUERY_STRING", "")  # back after feedback: seen
        ):
            try:
                self._count(endpoint, route[1].get("typed", ""), environ)  # type: ignore[index]
            except Exception:  # counting must never cost a page
                log.exception("A lookup could not be counted")
        body = self.wsgi_app(environ, start_response)
        if endpoint == SEARCH and environ.get("REQUEST_METHOD") == "GET":
            try:  # after the answer: its view, if it ran, has said what the search counts as
                self._count_search(environ)
            except Exception:
                log.exception("A search could not be counted")
        timer = self._timers.get(endpoint)
        if timer is None:
            timer = self._timers[endpoint] = telemetry.REQUEST_SECONDS.labels(endpoint)
        timer.observe(time.perf_counter() - started)
        return body

    def _count(self, endpoint: str, typed: str, environ: dict[str, Any]) -> None:
        site = self.app.extensions[CONTENT_KEY]
        if self._known is None:
            self._known = frozenset(site.default.code_by_id)
        if endpoint == CODE_PAGE:
            code = NO_CODE if typed == NO_CODE else normalise_code(typed)
            if code != typed:  # redirected to the code's own address, counted there; or no code
                return
            language = address_language(environ) or site.default_language
        else:
            text = typed.strip()
            code = NO_CODE if text.lower() == NO_CODE else normalise_code(text)
            if code is None:
                return
            language = _api_language(environ, site.languages) or site.default_language
        storage: Storage = self.app.extensions[STORAGE_KEY]
        counted = code if code in self._known else LOOKUP_OTHER
        storage.queue_lookup(counted, language)
        counter = self._lookups.get((counted, language))
        if counter is None:
            counter = self._lookups[(counted, language)] = telemetry.LOOKUPS.labels(
                counted, language
            )
        counter.inc()
        if counted == LOOKUP_OTHER and endpoint == CODE_PAGE:
            storage.queue_miss(MISS_CODE, code, language, client=environ.get("REMOTE_ADDR", ""))
            telemetry.MISSES.labels(MISS_CODE).inc()

    def _count_search(self, environ: dict[str, Any]) -> None:
        site = self.app.extensions[CONTENT_KEY]
        query = Request(environ).args.get("q", "").strip()  # as the view reads it
        count_search_miss(
            self.app.extensions[STORAGE_KEY],
            self.app.extensions[MISSES_KEY],
            address_language(environ) or site.default_language,
            query,
            client=environ.get("REMOTE_ADDR", ""),
        )


def _api_language(environ: dict[str, Any], languages: Iterable[str]) -> str:
    """The API's ``?lang=`` when it names a language of the site, else the address's."""
    asked = parse_qs(environ.get("QUERY_STRING", "")).get("lang", [""])[0]
    return asked if asked in languages else address_language(environ)


def init_app(app: Flask) -> None:
    """Add ``/metrics``. :class:`Counting` is one of the factory's WSGI layers, outside the
    page cache and inside the one that finds the client's own address."""
    app.register_blueprint(metrics.bp)


def init_alerts(app: Flask) -> None:
    """Alert ``ALERT_URLS`` when a code starts rising (needs the content and the storage)."""
    settings = settings_of(app)
    if not settings.alert_urls:
        return
    default = app.extensions[CONTENT_KEY].default
    titles = {entry.code: entry.title for entry in default.codes}
    storage: Storage = app.extensions[STORAGE_KEY]
    storage.on_rising = Alerts(settings.alert_urls, settings.site_url, titles)
