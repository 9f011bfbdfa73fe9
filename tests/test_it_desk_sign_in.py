"""The IT desk's sign-in against a real OpenID Connect provider (node-oidc-provider, started by
the ``oidc_provider`` fixture): the whole code flow with PKCE, and every way it must refuse."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from authlib.integrations.requests_client import OAuth2Session
from flask import Flask
from flask.testing import FlaskClient
from joserfc.errors import JoseError
from support.apps import make_app
from support.it_desk import refresh_target, sign_in_with_token
from support.oidc import (
    CLIENT_ID,
    CLIENT_SECRET,
    IT_LEAD,
    ON_CALL,
    OTHER_CLIENT_ID,
    OTHER_CLIENT_SECRET,
    STRANGER,
    params_of,
    sign_in_at_provider,
    with_params,
    write_shared_keys,
)
from werkzeug.test import TestResponse

from webapp.it_desk import oidc

pytestmark = pytest.mark.slow  # a real identity provider, in Node.js

CALLBACK = "http://localhost/it/callback"  # the test client's host


@pytest.fixture
def issuer(oidc_provider: Callable[..., tuple[str, object]]) -> str:
    return oidc_provider(CALLBACK)[0]


def desk_app(content_dir: Path, tmp_path: Path, issuer: str, **settings: str) -> Flask:
    return make_app(
        content_dir,
        tmp_path,
        OIDC_ISSUER=issuer,
        OIDC_CLIENT_ID=CLIENT_ID,
        OIDC_CLIENT_SECRET=CLIENT_SECRET,
        IT_ALLOWED="it-desk",
        **settings,
    )


@pytest.fixture
def app(content_dir: Path, tmp_path: Path, issuer: str) -> Flask:
    return desk_app(content_dir, tmp_path, issuer)


def start(client: FlaskClient) -> str:
    """Press "Sign in with your organisation account": the provider's authorize address."""
    response = client.get("/it/sign-in/organisation?next=/it/misses")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def come_back(client: FlaskClient, callback_url: str) -> TestResponse:
    """Arrive at the callback from the provider, then from the desk's own page (the step a
    SameSite=Strict cookie needs)."""
    bounce = client.get(callback_url.removeprefix("http://localhost"))
    assert bounce.status_code == 200
    assert bounce.headers["Cache-Control"] == "private, no-store"
    # A cookie set here would replace the one holding the sign-in's state.
    assert "Set-Cookie" not in bounce.headers
    return client.get(refresh_target(bounce))


def signed_in(client: FlaskClient) -> bool:
    return client.get("/it/").status_code == 200


def test_an_allowed_account_signs_in_with_the_code_flow_and_pkce(client: FlaskClient) -> None:
    authorize = start(client)
    asked = params_of(authorize)
    assert asked["response_type"] == "code"
    assert asked["client_id"] == CLIENT_ID
    assert asked["code_challenge_method"] == "S256" and len(asked["code_challenge"]) >= 43
    assert asked["state"] and asked["nonce"] and "openid" in asked["scope"].split()
    assert asked["redirect_uri"] == CALLBACK

    response = come_back(client, sign_in_at_provider(authorize, IT_LEAD, CALLBACK))
    assert response.status_code == 303
    assert response.headers["Location"] == "/it/misses"  # where they were going
    page = client.get("/it/")
    assert page.status_code == 200
    assert f"Signed in as {IT_LEAD}" in page.get_data(as_text=True)


def test_an_account_outside_it_allowed_gets_403_and_a_log_line(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    authorize = start(client)
    with caplog.at_level(logging.WARNING, logger="webapp.it_desk"):
        response = come_back(client, sign_in_at_provider(authorize, STRANGER, CALLBACK))
    assert response.status_code == 403
    assert STRANGER in response.get_data(as_text=True)
    assert any(STRANGER in r.message and "IT_ALLOWED" in r.message for r in caplog.records)
    assert not signed_in(client)


def test_the_same_domain_without_the_group_is_not_enough(client: FlaskClient) -> None:
    authorize = start(client)
    assert come_back(client, sign_in_at_provider(authorize, ON_CALL, CALLBACK)).status_code == 403


def test_a_tampered_state_is_refused(client: FlaskClient) -> None:
    callback = sign_in_at_provider(start(client), IT_LEAD, CALLBACK)
    tampered = with_params(callback, state=params_of(callback)["state"][:-2] + "xx")
    response = come_back(client, tampered)
    assert response.status_code == 400
    assert not signed_in(client)


def test_a_replayed_callback_is_refused(app: Flask, client: FlaskClient) -> None:
    callback = sign_in_at_provider(start(client), IT_LEAD, CALLBACK)
    assert come_back(client, callback).status_code == 303
    # Someone else with the same address (from a log, a shoulder): no session of theirs.
    other = app.test_client()
    assert come_back(other, callback).status_code == 400
    assert not signed_in(other)
    # The same browser again: the state was used once and is gone.
    assert come_back(client, callback).status_code == 400


def test_a_wrong_nonce_is_refused(client: FlaskClient) -> None:
    # The provider puts the nonce it was given into the ID token: not the one this site made.
    authorize = with_params(start(client), nonce="a-nonce-this-site-never-made")
    response = come_back(client, sign_in_at_provider(authorize, IT_LEAD, CALLBACK))
    assert response.status_code == 400
    assert not signed_in(client)


def test_a_code_issued_to_another_client_is_refused(client: FlaskClient) -> None:
    authorize = with_params(start(client), client_id=OTHER_CLIENT_ID)
    response = come_back(client, sign_in_at_provider(authorize, IT_LEAD, CALLBACK))
    assert response.status_code == 400
    assert not signed_in(client)


def test_a_provider_that_calls_itself_by_another_name_is_refused(
    content_dir: Path, tmp_path: Path, issuer: str
) -> None:
    # The same server, configured under another name: its ID tokens name another issuer.
    renamed = issuer.replace("localhost", "127.0.0.1")
    client = desk_app(content_dir, tmp_path, renamed).test_client()
    authorize = start(client)
    response = come_back(client, sign_in_at_provider(authorize, IT_LEAD, CALLBACK))
    assert response.status_code == 400
    assert not signed_in(client)


def real_tokens(issuer: str, client_id: str, secret: str) -> tuple[dict, str]:
    """A token answer from the provider for ``client_id``, through the whole code flow."""
    session = OAuth2Session(
        client_id,
        secret,
        scope="openid email profile",
        redirect_uri=CALLBACK,
        code_challenge_method="S256",
    )
    verifier = "v" * 64
    url, _ = session.create_authorization_url(
        f"{issuer}/auth", nonce="n-0S6_WzA2Mj", code_verifier=verifier
    )
    callback = sign_in_at_provider(url, IT_LEAD, CALLBACK)
    token = session.fetch_token(
        f"{issuer}/token", authorization_response=callback, code_verifier=verifier
    )
    return token, "n-0S6_WzA2Mj"


def check(app: Flask, token: dict, nonce: str) -> None:
    """The desk's own check of an ID token: the claims it names, through Authlib."""
    with app.test_request_context("/it/callback"):
        client = app.extensions[oidc.EXTENSION_KEY].create_client(oidc.CLIENT_NAME)
        client.parse_id_token(token, nonce=nonce, claims_options=oidc.claims_options(client))


def test_an_id_token_for_another_audience_is_refused(app: Flask, issuer: str) -> None:
    mine, nonce = real_tokens(issuer, CLIENT_ID, CLIENT_SECRET)
    check(app, mine, nonce)  # the desk's own token passes
    theirs, nonce = real_tokens(issuer, OTHER_CLIENT_ID, OTHER_CLIENT_SECRET)
    with pytest.raises(JoseError, match="aud"):
        check(app, theirs, nonce)


def test_an_id_token_from_another_issuer_with_the_same_key_is_refused(
    oidc_provider: Callable[..., tuple[str, object]], content_dir: Path, tmp_path: Path
) -> None:
    keys = write_shared_keys(tmp_path / "keys.json")
    trusted, _ = oidc_provider(CALLBACK, keys=keys)
    other, _ = oidc_provider(CALLBACK, keys=keys)
    app = desk_app(content_dir, tmp_path, trusted)
    token, nonce = real_tokens(trusted, CLIENT_ID, CLIENT_SECRET)
    check(app, token, nonce)
    token, nonce = real_tokens(other, CLIENT_ID, CLIENT_SECRET)
    with pytest.raises(JoseError, match="iss"):
        check(app, token, nonce)


def test_with_the_provider_stopped_the_token_way_in_still_works(
    oidc_provider: Callable[..., tuple[str, object]], content_dir: Path, tmp_path: Path
) -> None:
    issuer, process = oidc_provider(CALLBACK)
    client = desk_app(content_dir, tmp_path, issuer).test_client()
    process.terminate()
    process.wait(timeout=30)

    page = client.get("/it/sign-in/organisation")
    assert page.status_code == 503
    assert "Use a token below" in page.get_data(as_text=True)
    assert sign_in_with_token(client).status_code == 303
    assert "night-shift" in client.get("/it/").get_data(as_text=True)
