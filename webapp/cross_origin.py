"""Cross-site posts refused by the request's own headers, so public pages need no token.

The rule, for every request that may change something (any method but GET, HEAD, OPTIONS),
as Go's ``net/http.CrossOriginProtection`` and the OWASP CSRF cheat sheet's Fetch Metadata
defence put it:

1. ``Sec-Fetch-Site`` (sent by every current browser): ``same-origin`` or ``none`` (typed by
   the person) is allowed; anything else (``cross-site``, ``same-site``) is refused.
2. Without it, ``Origin``: the site's own origin is allowed; any other, ``null`` included, is
   refused.
3. Without either, over HTTPS, a ``Referer`` from another origin is refused.
4. A request with none of these is allowed: it does not come from a browser, and only a browser
   carries someone else's cookies and good name; a script can post anyway.

The site's own origin is ``SITE_URL``; while it is unset (development), the request's own host.
A refused post gets a 403 page that says why, and nothing is stored or counted.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, request
from flask_babel import lazy_gettext as _l

from webapp.config import settings_of
from webapp.ratelimit import SAFE_METHODS

log = logging.getLogger(__name__)

SAME_SITE_VALUES = frozenset({"same-origin", "none"})
REFUSED = _l(
    "This form was sent from another website, so nothing was saved. If you meant to answer, "
    "please answer on this site's own page."
)


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def _is_own(origin: str) -> bool:
    site_url = settings_of(current_app).site_url
    if site_url:
        return origin == site_url
    # No fixed address: the host the request was sent to, whichever scheme a proxy used.
    return urlsplit(origin).netloc == request.host.lower()


def cross_origin_problem() -> str | None:
    """Why this request counts as cross-origin, or None when it may go on."""
    if request.method in SAFE_METHODS:
        return None
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return None if fetch_site in SAME_SITE_VALUES else f"Sec-Fetch-Site: {fetch_site}"
    origin = request.headers.get("Origin")
    if origin is not None:
        return None if _is_own(_origin_of(origin)) else f"Origin: {origin}"
    referrer = request.headers.get("Referer")
    if request.is_secure and referrer and not _is_own(_origin_of(referrer)):
        return f"Referer: {referrer}"
    return None


def _refuse_cross_origin() -> None:
    problem = cross_origin_problem()
    if problem is not None:
        log.info("Cross-origin %s %s refused (%s)", request.method, request.path, problem)
        abort(403, description=str(REFUSED))


def init_app(app: Flask) -> None:
    """Check every request that may change something, before anything else reads it."""
    app.before_request(_refuse_cross_origin)
