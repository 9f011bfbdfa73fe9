"""The route of a request, matched once, in front of the WSGI layers that need it.

Matching an address against the site's routes costs more than answering a page from the page
cache, so :class:`MatchRoute` does it once and leaves the endpoint and its arguments in the
environ, where the counting (:mod:`webapp.counting`) and the page cache (:mod:`webapp.caching`)
read them with :func:`route_of`. Flask matches again for itself when it answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import suppress
from typing import Any

from flask import Flask
from werkzeug.exceptions import HTTPException

ROUTE_KEY = "webapp.route"  # WSGI environ: (endpoint, view arguments), when a route matched
Route = tuple[str, dict[str, Any]]


class MatchRoute:
    """WSGI layer: match the address, keep the route in the environ, pass the request on."""

    def __init__(self, app: Flask, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.url_map = app.url_map
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        # Not found, a redirect, a host no address can carry: no route, and Flask answers.
        with suppress(HTTPException, ValueError):
            environ[ROUTE_KEY] = self.url_map.bind_to_environ(environ).match()
        return self.wsgi_app(environ, start_response)


def route_of(environ: dict[str, Any]) -> Route | None:
    """The route :class:`MatchRoute` found for this request, if any."""
    return environ.get(ROUTE_KEY)
