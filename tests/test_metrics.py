"""/metrics: Prometheus' format (read with prometheus_client's own parser), what it counts,
and only for the addresses of METRICS_ALLOW; anyone else gets a 404."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families
from support.apps import make_app

from webapp.config import SettingError


def samples(client: FlaskClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.get_data(as_text=True))
        for sample in family.samples
    }


LOOKED_UP = ("signin_help_lookups_total", (("code", "0xCAA20003"), ("language", "en")))
OTHER = ("signin_help_lookups_total", (("code", "other"), ("language", "en")))
MISSED = ("signin_help_misses_total", (("kind", "code"),))
CODE_PAGES = ("signin_help_request_duration_seconds_count", (("endpoint", "codes.code"),))


def test_metrics_count_lookups_misses_and_requests_by_endpoint(app: Flask, client) -> None:
    # One registry per process: the tests compare before and after.
    before = samples(client)
    for path in ("/codes/0xCAA20003", "/codes/0xCAA20003", "/codes/0xCAA2FFFF", "/api/search?q=x"):
        client.get(path)
    after = samples(client)
    assert after[LOOKED_UP] - before.get(LOOKED_UP, 0) == 2
    assert after[OTHER] - before.get(OTHER, 0) == 1  # no label for a code the site lacks
    assert after[MISSED] - before.get(MISSED, 0) == 1
    assert after[CODE_PAGES] - before.get(CODE_PAGES, 0) == 3
    assert not any(
        dict(labels).get("code") == "0xCAA2FFFF" for _, labels in after
    )  # a flood of made-up codes cannot add labels


def test_a_rising_code_shows_in_the_metrics(app: Flask, client) -> None:
    for _ in range(10):
        client.get("/codes/0xCAA20003")
    assert app.extensions["storage"].flush(timeout=30)
    found = samples(client)
    assert found[("signin_help_rising_codes", ())] == 1
    assert found[("signin_help_rising_code_lookups", (("code", "0xCAA20003"),))] == 10


def test_feedback_answers_are_counted(app: Flask, client) -> None:
    key = ("signin_help_feedback_answers_total", (("helpful", "yes"),))
    before = samples(client).get(key, 0)
    client.post("/feedback", data={"about": "code:0xCAA20003", "helpful": "yes"})
    assert samples(client)[key] - before == 1


@pytest.mark.parametrize("address", ["203.0.113.9", "10.0.0.1", "::ffff:8.8.8.8"])
def test_metrics_are_refused_to_other_addresses(app: Flask, address: str) -> None:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    answer = client.get("/metrics")
    assert answer.status_code == 404
    assert b"signin_help" not in answer.get_data()


def test_metrics_allow_names_the_networks_that_may_read(content_dir, tmp_path: Path) -> None:
    app = make_app(content_dir, tmp_path, METRICS_ALLOW="10.0.0.0/8, 192.0.2.7")
    for address, status in (("10.20.30.40", 200), ("192.0.2.7", 200), ("127.0.0.1", 404)):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        assert client.get("/metrics").status_code == status, address


def test_a_bad_metrics_allow_stops_the_start_up(content_dir, tmp_path: Path) -> None:
    with pytest.raises(SettingError, match="METRICS_ALLOW"):
        make_app(content_dir, tmp_path, METRICS_ALLOW="10.0.0.0/8, the office")


def test_a_token_with_the_read_scope_may_read_the_metrics(app: Flask) -> None:
    runner = app.test_cli_runner()
    reader = runner.invoke(args=["token", "create", "prometheus", "--scope", "read"])
    poster = runner.invoke(args=["token", "create", "runbook", "--scope", "notices"])
    read_secret = reader.output.strip().splitlines()[-1]
    notices_secret = poster.output.strip().splitlines()[-1]
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    for secret, status in ((read_secret, 200), (notices_secret, 404), ("shp_wrong", 404)):
        answer = client.get("/metrics", headers={"Authorization": f"Bearer {secret}"})
        assert answer.status_code == status, secret


def test_the_notices_active_show_in_the_metrics(app: Flask, client) -> None:
    assert samples(client)[("signin_help_notices_active", ())] == 0
    posted = app.test_cli_runner().invoke(
        args=["notice", "post", "--code", "0xCAA20003", "--title", "Sign-in is down"]
    )
    assert posted.exit_code == 0, posted.output
    app.extensions["notices"].refresh()
    assert samples(client)[("signin_help_notices_active", ())] == 1
