"""Bearer tokens: made once and shown once, kept only as a hash, checked on every guarded
request; wrong tokens are refused with a reason, and too many of them are slowed down."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask, jsonify
from flask.testing import FlaskClient, FlaskCliRunner
from support.apps import make_app
from support.servers import free_port

from webapp import tokens
from webapp.storage import current_storage
from webapp.storage.tables import api_token


@pytest.fixture
def guarded(app: Flask) -> FlaskClient:
    """The app with one view that needs the ``notices`` scope."""

    @tokens.require("notices")
    def view() -> object:
        return jsonify(name=tokens.current_token().name)

    app.add_url_rule("/api/guarded", "guarded", view, methods=["GET", "POST"])
    return app.test_client()


def make(runner: FlaskCliRunner, *args: str) -> str:
    result = runner.invoke(args=["token", "create", *args])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def test_create_prints_the_secret_once_on_the_last_line_and_stores_only_its_hash(
    app: Flask, runner: FlaskCliRunner
) -> None:
    secret = make(runner, "runbook")
    assert secret.startswith(tokens.PREFIX) and len(secret) > 40
    with app.app_context(), current_storage().engine.connect() as connection:
        stored = connection.execute(sa.select(api_token)).one()
    assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr(tuple(stored))
    listed = runner.invoke(args=["token", "list"]).output
    assert "runbook\tnotices read\t" in listed and secret not in listed


def test_verify_knows_a_token_and_its_scopes(app: Flask, runner: FlaskCliRunner) -> None:
    secret = make(runner, "grafana", "--scope", "read")
    with app.app_context():
        token = tokens.verify(secret)
        assert token is not None and token.name == "grafana"
        assert token.scopes == frozenset({"read"})
        assert tokens.verify(secret + "x") is None
        assert tokens.verify("") is None


def test_a_guarded_view_answers_with_a_valid_token(
    guarded: FlaskClient, runner: FlaskCliRunner
) -> None:
    secret = make(runner, "runbook")
    response = guarded.get("/api/guarded", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200 and response.json == {"name": "runbook"}


def test_no_token_or_a_wrong_one_is_401_with_a_reason(guarded: FlaskClient) -> None:
    missing = guarded.get("/api/guarded")
    assert missing.status_code == 401 and "Bearer" in missing.json["message"]
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = guarded.get("/api/guarded", headers={"Authorization": "Bearer shp_nothing"})
    assert wrong.status_code == 401 and "not known" in wrong.json["message"]
    basic = guarded.get("/api/guarded", headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert basic.status_code == 401


def test_a_token_without_the_scope_is_403(guarded: FlaskClient, runner: FlaskCliRunner) -> None:
    secret = make(runner, "grafana", "--scope", "read")
    response = guarded.post("/api/guarded", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 403 and "notices" in response.json["message"]


def test_a_revoked_token_stops_working(guarded: FlaskClient, runner: FlaskCliRunner) -> None:
    secret = make(runner, "runbook")
    assert runner.invoke(args=["token", "revoke", "runbook"]).exit_code == 0
    response = guarded.get("/api/guarded", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401
    again = runner.invoke(args=["token", "revoke", "runbook"])
    assert again.exit_code != 0 and "No token is named" in again.output


def test_too_many_wrong_tokens_are_refused_for_a_while_even_with_the_right_one(
    guarded: FlaskClient, runner: FlaskCliRunner
) -> None:
    secret = make(runner, "runbook")
    for _ in range(10):
        assert guarded.get("/api/guarded", headers={"Authorization": "Bearer guess"}).status_code
    response = guarded.get("/api/guarded", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1
    assert "Too many wrong tokens" in response.json["message"]


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["bad name"], "letters, digits"),
        (["runbook", "--scope", "admin"], "admin"),
    ],
)
def test_create_refuses_bad_input_with_a_clear_message(
    runner: FlaskCliRunner, args: list[str], problem: str
) -> None:
    result = runner.invoke(args=["token", "create", *args])
    assert result.exit_code != 0 and problem in result.output


def test_a_name_cannot_be_taken_twice(runner: FlaskCliRunner) -> None:
    make(runner, "runbook")
    result = runner.invoke(args=["token", "create", "runbook"])
    assert result.exit_code != 0 and "already" in result.output


def test_a_database_that_cannot_be_reached_is_503_not_a_wrong_token(
    tmp_path: Path, content_dir: Path
) -> None:
    nobody = f"postgresql://user:pw@127.0.0.1:{free_port()}/none"
    app = make_app(content_dir, tmp_path, DATABASE_URL=nobody, DATABASE_TIMEOUT="0.5")

    @tokens.require("notices")
    def view() -> object:
        return "reached"

    app.add_url_rule("/api/guarded", "guarded", view)
    response = app.test_client().get("/api/guarded", headers={"Authorization": "Bearer shp_x"})
    assert response.status_code == 503 and "database" in response.json["message"]
