"""Bearer tokens: how a script, a runbook or a monitoring server proves what it may do.

The interface is small:

- ``flask --app webapp token create NAME [--scope notices] [--scope read]`` makes a token
  (both scopes by default) and prints its secret once, on the last line; ``token list`` and
  ``token revoke NAME``.
- :func:`verify` turns a secret into the :class:`Token` it belongs to, or None.
- :func:`require` guards a view: ``@require("notices")`` answers 401 (JSON, with the reason)
  without a valid ``Authorization: Bearer …`` header, 403 when the token lacks the scope, 429
  after too many failures from one address (:data:`webapp.ratelimit.FAILED_SIGN_INS`), and 503
  when the database cannot be asked; the view then finds the token in :func:`current_token`.

Scopes: ``notices`` may post, change and end notices; ``read`` may read the IT desk and
``/metrics``. A secret is 32 random bytes (``secrets.token_urlsafe``); only its SHA-256 is
stored, so a copy of the database gives no one a working token, and it is looked up by that
hash and compared in constant time.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

import click
from flask import Flask, g, jsonify, request
from flask.cli import AppGroup
from flask.typing import ResponseReturnValue

from webapp.ratelimit import count_failure, failures_wait
from webapp.storage import StorageError, current_storage
from webapp.storage.tables import MAX_TOKEN_NAME_LENGTH
from webapp.storage.tokens import Token

__all__ = ["SCOPES", "Token", "create", "current_token", "init_app", "require", "verify"]

log = logging.getLogger(__name__)

SCOPES = ("notices", "read")
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]*")
PREFIX = "shp_"  # "sign-in help": a secret found in a log or a paste says where it belongs
G_KEY = "api_token"

View = TypeVar("View", bound=Callable[..., Any])


class TokenError(ValueError):
    """A token that cannot be made as asked; the message says why."""


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create(name: str, scopes: frozenset[str] = frozenset(SCOPES)) -> str:
    """Keep a new token ``name`` with ``scopes`` and return its secret (shown only now)."""
    if not NAME.fullmatch(name) or len(name) > MAX_TOKEN_NAME_LENGTH:
        raise TokenError(
            f"A token's name is 1 to {MAX_TOKEN_NAME_LENGTH} letters, digits and . _ @ -, "
            "starting with a letter or digit (who or what uses it: 'runbook', 'jane.doe')."
        )
    unknown = scopes - set(SCOPES)
    if unknown or not scopes:
        raise TokenError(f"Scopes are {', '.join(SCOPES)}; not {', '.join(sorted(unknown))}.")
    secret = PREFIX + secrets.token_urlsafe(32)
    if not current_storage().add_token(name, _hash(secret), scopes):
        raise TokenError(f"There is a token named {name!r} already; revoke it or pick another.")
    log.info("Token %s created with scopes %s", name, " ".join(sorted(scopes)))
    return secret


def verify(secret: str) -> Token | None:
    """The token whose secret this is, or None. Raises StorageError when the database cannot
    be asked (say so; never treat that as a wrong token)."""
    if not secret or len(secret) > 200:
        return None
    wanted = _hash(secret)
    found = current_storage().find_token(wanted)
    if found is None:
        return None
    stored, token = found
    return token if hmac.compare_digest(stored, wanted) else None


def current_token() -> Token:
    """The token of this request, in a view guarded by :func:`require`."""
    return g.get(G_KEY)


def _refusal(status: int, error: str, message: str, **headers: str) -> ResponseReturnValue:
    return jsonify(error=error, message=message, status=status), status, headers


def _bearer() -> str:
    kind, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if kind.lower() == "bearer" else ""


def require(scope: str) -> Callable[[View], View]:
    """Guard a view: only a request with a valid bearer token that has ``scope`` reaches it."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")

    def guard(view: View) -> View:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            wait = failures_wait("token")
            if wait:
                return _refusal(
                    429,
                    "too_many_requests",
                    f"Too many wrong tokens from this address; try again in {wait} s.",
                    **{"Retry-After": str(wait)},
                )
            secret = _bearer()
            challenge = {"WWW-Authenticate": 'Bearer realm="signin-help"'}
            if not secret:
                count_failure("token")
                return _refusal(
                    401,
                    "unauthorized",
                    "This needs a token: send 'Authorization: Bearer <token>' "
                    "(make one with 'flask --app webapp token create NAME').",
                    **challenge,
                )
            try:
                token = verify(secret)
            except StorageError as exc:
                log.error("Token not checked: %s", exc)
                return _refusal(
                    503,
                    "service_unavailable",
                    "The database cannot be reached, so the token cannot be checked; nothing "
                    "was done. Try again shortly.",
                    **{"Retry-After": "5"},
                )
            if token is None:
                count_failure("token")
                log.warning("A wrong or revoked token was sent to %s", request.path)
                return _refusal(
                    401,
                    "unauthorized",
                    "This token is not known: mistyped, or revoked.",
                    **{"WWW-Authenticate": 'Bearer realm="signin-help", error="invalid_token"'},
                )
            if scope not in token.scopes:
                return _refusal(
                    403, "forbidden", f"The token {token.name!r} lacks the scope {scope!r}."
                )
            g.setdefault(G_KEY, token)
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return guard


token_cli = AppGroup("token", help="Make, list and revoke the API's bearer tokens.")


@token_cli.command("create")
@click.argument("name")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    type=click.Choice(SCOPES),
    help="What the token may do (repeat; default: all).",
)
def create_command(name: str, scopes: tuple[str, ...]) -> None:
    """Make a token NAME; its secret is printed once, on the last line."""
    try:
        secret = create(name, frozenset(scopes or SCOPES))
    except (TokenError, StorageError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Token {name!r} ({', '.join(sorted(scopes or SCOPES))}). Keep it now; it is")
    click.echo("not stored and cannot be shown again:")
    click.echo(secret)


@token_cli.command("list")
def list_command() -> None:
    """Every token: name, scopes, when made (never the secret)."""
    try:
        tokens = current_storage().list_tokens()
    except StorageError as exc:
        raise click.ClickException(str(exc)) from None
    if not tokens:
        click.echo("No tokens.")
    for token in tokens:
        made = token.created_at.strftime("%Y-%m-%d %H:%M UTC")
        click.echo(f"{token.name}\t{' '.join(sorted(token.scopes))}\t{made}")


@token_cli.command("revoke")
@click.argument("name")
def revoke_command(name: str) -> None:
    """Revoke the token NAME: it stops working at once, on every server."""
    try:
        revoked = current_storage().revoke_token(name)
    except StorageError as exc:
        raise click.ClickException(str(exc)) from None
    if not revoked:
        raise click.ClickException(f"No token is named {name!r} ('token list' shows them).")
    log.info("Token %s revoked", name)
    click.echo(f"Token {name!r} revoked.")


def init_app(app: Flask) -> None:
    """Add the ``token`` commands."""
    app.cli.add_command(token_cli)
