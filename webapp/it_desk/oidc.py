"""Sign-in through the organisation's identity provider: OpenID Connect with Authlib's Flask
client, authorization code flow with PKCE (S256).

Authlib keeps each sign-in's ``state``, ``nonce`` and PKCE verifier in the desk's session, and
:func:`identity` refuses a callback whose ``state`` is not one this browser started (tampered,
or used once already), and an ID token whose signature, issuer (the discovery document's),
audience (``OIDC_CLIENT_ID``), expiry or ``nonce`` do not match. A token answer without an ID
token is refused too (Authlib would let it through unchecked).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from joserfc.errors import JoseError
from requests import RequestException
from werkzeug.wrappers import Response

from webapp.config import settings_of

EXTENSION_KEY = "it_desk_oidc"
CLIENT_NAME = "organisation"
DISCOVERY = "/.well-known/openid-configuration"
HTTP_TIMEOUT_S = 5  # the identity provider's discovery, keys and token endpoints


class SignInFailed(Exception):
    """The identity provider's answer could not be trusted or used; the message says why."""


def init_app(app: Flask) -> None:
    """Register the identity provider when ``OIDC_*`` is set (else the desk takes tokens only)."""
    settings = settings_of(app)
    if not settings.oidc:
        return
    oauth = OAuth(app)
    oauth.register(
        CLIENT_NAME,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        server_metadata_url=settings.oidc_issuer + DISCOVERY,
        client_kwargs={
            "scope": "openid email profile",
            "code_challenge_method": "S256",
            "default_timeout": HTTP_TIMEOUT_S,
        },
    )
    app.extensions[EXTENSION_KEY] = oauth


def configured() -> bool:
    return EXTENSION_KEY in current_app.extensions


def _client() -> Any:
    return current_app.extensions[EXTENSION_KEY].create_client(CLIENT_NAME)


def start(redirect_uri: str) -> Response:
    """The redirect to the identity provider's sign-in (state, nonce, PKCE kept in the session)."""
    try:
        return _client().authorize_redirect(redirect_uri)
    except (RequestException, ValueError, KeyError) as exc:
        raise SignInFailed(f"the identity provider could not be reached: {exc}") from exc


def _issuer(client: Any) -> str:
    """The discovery document's issuer, which must be the configured one (a provider that
    names another is not the one this site trusts)."""
    issuer = str(client.load_server_metadata().get("issuer", ""))
    configured_issuer = settings_of(current_app).oidc_issuer
    if issuer.rstrip("/") != configured_issuer:
        raise SignInFailed(f"the provider calls itself {issuer!r}, not {configured_issuer!r}")
    return issuer


def claims_options(client: Any) -> dict[str, Any]:
    """What an ID token must say besides its signature, expiry and nonce (which Authlib always
    checks): this provider as its issuer and this site as its audience. Authlib checks the
    issuer by default, but the audience only through ``azp``: both are named here."""
    return {
        "iss": {"essential": True, "values": [_issuer(client)]},
        "aud": {"essential": True, "values": [client.client_id]},
    }


def identity() -> Mapping[str, Any]:
    """The checked claims of the ID token this callback brings."""
    client = _client()
    try:
        token = client.authorize_access_token(claims_options=claims_options(client))
    except OAuthError as exc:  # state missing or wrong, an error from the provider
        raise SignInFailed(f"{exc.error}: {exc.description or ''}".strip(": ")) from exc
    except JoseError as exc:  # signature, issuer, audience, nonce, expiry
        raise SignInFailed(f"the ID token was refused: {exc}") from exc
    except (RequestException, ValueError, KeyError) as exc:
        raise SignInFailed(f"the identity provider's answer could not be used: {exc}") from exc
    claims = token.get("userinfo")
    if not claims:
        raise SignInFailed("the identity provider sent no ID token")
    return claims
