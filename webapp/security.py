"""Secure by default: the secret key, cookies, request size, forwarded headers and the security
headers on every answer (a WSGI layer, so nothing goes out without them: pages, errors, static
files, the page cache's answers). What each setting does is in the README's "Security" and
"Configuration"; why each header is set, below where it is.
"""

from __future__ import annotations

import io
import logging
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, abort, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import BadHost, SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp.config import Settings, secret_key_problem, settings_of

log = logging.getLogger(__name__)

# Every directive is listed, and only 'self' (or nothing) is allowed: no inline script or style,
# no eval, no plugins, no framing, forms post only here. img-src also allows data: URLs (small
# icons in CSS); that is passive content and never script.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "manifest-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)

# Powerful features the site never uses, switched off for it and anything it might embed. Only
# feature names that browsers know: an unknown one prints an error in the browser's console.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)

HSTS_MAX_AGE = 365 * 24 * 60 * 60  # one year: Mozilla's recommendation is at least six months


def security_headers(https: bool) -> list[tuple[str, str]]:
    """The headers every response carries."""
    headers = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        # Not "no-referrer": Flask-WTF checks on HTTPS that a form was posted from this site
        # by its Referer, which this policy still sends for same-origin requests. Other sites
        # get only the origin, never a search query from the address.
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Permissions-Policy", PERMISSIONS_POLICY),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
    ]
    if https:
        headers.append(("Strict-Transport-Security", f"max-age={HSTS_MAX_AGE}"))
    return headers


StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class SecurityHeaders:
    """WSGI middleware adding :func:`security_headers` to every response, unless the response
    already set that header itself."""

    def __init__(self, app: Flask, inner: WSGIApp) -> None:
        self.app = inner
        self.headers = security_headers(settings_of(app).https)
        self.names = frozenset(name.lower() for name, _ in self.headers)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        def start(status: str, response_headers: list[tuple[str, str]], exc_info=None):
            present = {name.lower() for name, _ in response_headers} & self.names
            if present:
                response_headers.extend(h for h in self.headers if h[0].lower() not in present)
            else:
                response_headers.extend(self.headers)
            return start_response(status, response_headers, exc_info)

        return self.app(environ, start)


def _secret_key(settings: Settings) -> str:
    """The configured key, or in development one made up for this process. (Production never
    gets here without a strong key: :mod:`webapp.config` refuses to start.)"""
    if not settings.secret_key:
        # Only CSRF tokens are signed with it; a fresh key per start-up is enough for that.
        log.warning(
            "SECRET_KEY is not set: using a random key for this process only "
            "(fine for development; set APP_ENV=production and SECRET_KEY on a server)."
        )
        return secrets.token_hex(32)
    problem = secret_key_problem(settings.secret_key)
    if problem:
        log.warning("SECRET_KEY would be refused in production: %s.", problem)
    return settings.secret_key


def _refuse_large_bodies() -> None:
    """413 for a body over the limit, before anything reads it.

    A body sent in chunks has no length to check, and Werkzeug would cut it at the limit and
    parse what is left: a form could be taken without its last fields. So it is read here, at
    most one byte over the limit, refused whole when too large, and otherwise handed on as the
    body of known length it turned out to be."""
    limit = request.max_content_length
    if limit is None:
        return
    if (request.content_length or 0) > limit:
        abort(413)
    environ = request.environ
    if request.content_length is None and environ.get("wsgi.input_terminated"):
        body = environ["wsgi.input"].read(limit + 1)
        if len(body) > limit:
            abort(413)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))


def _untrusted_host(error: SecurityError | BadHost) -> ResponseReturnValue:
    """400 for a Host not in TRUSTED_HOSTS, or one no address can be built for (a label over 63
    characters), in plain text: the site's error page cannot be made for it (it builds links)."""
    return (
        "Bad Request: this site does not answer to that host name.\n",
        400,
        {"Content-Type": "text/plain; charset=utf-8"},
    )


def init_app(app: Flask) -> None:
    settings = settings_of(app)
    https = settings.https
    app.config.update(
        SECRET_KEY=_secret_key(settings),
        MAX_CONTENT_LENGTH=settings.max_content_length,
        TRUSTED_HOSTS=list(settings.trusted_hosts) if settings.trusted_hosts else None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=https,
    )
    if https:
        app.config["PREFERRED_URL_SCHEME"] = "https"
    if settings.production and not https:
        log.warning("APP_ENV=production without HTTPS=1: cookies are not marked Secure, no HSTS.")
    app.before_request(_refuse_large_bodies)
    app.register_error_handler(SecurityError, _untrusted_host)
    app.register_error_handler(BadHost, _untrusted_host)  # a Host no URL can be built for


def forwarded(app: Flask, inner: WSGIApp) -> WSGIApp:
    """Werkzeug's ProxyFix for ``PROXY_COUNT`` proxies; none at 0, so no client sets them."""
    proxies = settings_of(app).proxy_count
    return ProxyFix(inner, x_for=proxies, x_proto=proxies) if proxies else inner
