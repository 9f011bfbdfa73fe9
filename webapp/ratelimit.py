"""Rate limiting of form posts, per client, with Flask-Limiter.

Every ``POST`` to the site (the feedback form, and any form added later, without touching its
view; any other method that is not a read, too) counts against ``POST_RATE_LIMIT`` for the
client's address, shared across all forms: by default 30 a minute and 300 an hour, far more
than a person answering "Did this solve your problem?" on a few pages, and far fewer than a
script filling the database. Pages, searches and the API (``GET``) are not limited here: they
are served from memory or computed in well under a millisecond.

Over the limit, the request is answered ``429 Too Many Requests`` with ``Retry-After``, as the
site's error page (or JSON under ``/api/``) by :mod:`webapp.views.errors`.

The counts live in memory by default, per Gunicorn worker, so the effective limit is the
setting times the number of workers. Several servers share one count with
``RATELIMIT_STORAGE_URI`` (``redis://host:6379``; install the ``redis`` extra). If that store is
down, posts are let through and the failure is logged: an outage of the limiter must not become
an outage of the feedback form.

The client's address is the connection's, or with ``PROXY_COUNT`` the one the trusted proxies
forwarded (see :mod:`webapp.security`). Behind a company NAT many people share one address:
raise the limit if that is how the site is reached.
"""

from __future__ import annotations

import logging
import math
import time

from flask import Flask, current_app, request
from flask_babel import lazy_gettext as _l
from flask_limiter import ApplicationLimit, Limiter
from flask_limiter.util import get_remote_address
from limits import parse

from webapp.config import settings_of

log = logging.getLogger(__name__)

EXTENSION_KEY = "ratelimit"
TOO_MANY_POSTS = _l(
    "You have sent forms from this address too often in a short time. Please wait a "
    "little, then try again. Searching and reading still work."
)
# Requests that only read: never limited, never refused as cross-origin (webapp.cross_origin).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _is_read() -> bool:
    return request.method in SAFE_METHODS


def init_app(app: Flask) -> Limiter:
    settings = settings_of(app)
    limits = settings.post_rate_limit
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter = Limiter(
        get_remote_address,
        # One budget per client for every form post on the site, whatever the route.
        application_limits=[
            ApplicationLimit(limits, scope="form-posts", error_message=lambda: str(TOO_MANY_POSTS))
        ]
        if limits
        else [],
        storage_uri=settings.ratelimit_storage_uri,
        key_prefix="signin-help",
        swallow_errors=True,
        retry_after="delta-seconds",
    )
    # Reads are never limited; said as a request filter, the limiter skips them before doing
    # any work (an exempt_when on the limit would still resolve every limit on every request).
    limiter.request_filter(_is_read)
    limiter.init_app(app)
    app.extensions[EXTENSION_KEY] = limiter
    return limiter


# Wrong or missing bearer tokens, per client address: enough for a person who mistyped, far
# too few to guess a 256-bit secret (not that guessing could work), and a bound on the database
# look-ups a stranger can cause.
FAILED_SIGN_INS = parse("10/minute")


def failures_wait(scope: str) -> int:
    """Seconds this client must wait before trying ``scope`` again after too many failures;
    0 when it may try now. A limiter store that is down lets the attempt through."""
    strategy = _limiter().limiter
    key = get_remote_address()
    try:
        if strategy.test(FAILED_SIGN_INS, "failures", scope, key):
            return 0
        reset_at = strategy.get_window_stats(FAILED_SIGN_INS, "failures", scope, key).reset_time
    except Exception:  # the shared store (Redis) is down: never lock everyone out
        log.exception("The rate-limit store failed; the attempt is let through")
        return 0
    return max(1, math.ceil(reset_at - time.time()))


def count_failure(scope: str) -> None:
    """Count one failed attempt at ``scope`` for this client."""
    try:
        _limiter().limiter.hit(FAILED_SIGN_INS, "failures", scope, get_remote_address())
    except Exception:
        log.exception("The rate-limit store failed; a failed attempt was not counted")


def _limiter() -> Limiter:
    return current_app.extensions[EXTENSION_KEY]
