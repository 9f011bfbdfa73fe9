"""Counting through real requests against real Gunicorn: exact across four workers, cached
pages and 304s included, suggestions not; /metrics added up over the workers and refused to
others; two servers sharing PostgreSQL send one alert for a rising code, and a channel that is
down costs the pages nothing."""

from __future__ import annotations

import http.client
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families
from support.receiver import json_receiver
from support.servers import free_port, start_gunicorn, stop_process

from webapp.storage.tables import lookup

CODE = "0xCAA20003"


def get(port: int, path: str, **headers: str) -> tuple[int, http.client.HTTPMessage, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        answer = connection.getresponse()
        return answer.status, answer.headers, answer.read()
    finally:
        connection.close()


def looked_up(url: str) -> dict[tuple[str, str], int]:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.select(lookup.c.code, lookup.c.language, sa.func.sum(lookup.c.count)).group_by(
                    lookup.c.code, lookup.c.language
                )
            )
            return {(code, language): int(total) for code, language, total in rows}
    finally:
        engine.dispose()


def wait_for(condition: Callable[[], object], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not in time"
        time.sleep(0.2)


@pytest.mark.slow
def test_every_lookup_is_counted_once_across_four_workers(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'counts.sqlite3'}"
    metrics_folder = tmp_path / "prometheus"
    metrics_folder.mkdir()
    process, port, log = start_gunicorn(
        tmp_path,
        WEB_CONCURRENCY="4",
        DATABASE_URL=database,
        PROMETHEUS_MULTIPROC_DIR=str(metrics_folder),
        PROXY_COUNT="1",
    )
    try:
        statuses = []
        for _ in range(20):  # rendered once per worker, then from the page cache
            status, headers, _ = get(port, f"/codes/{CODE}")
            statuses.append(status)
        etag = headers["ETag"]
        for _ in range(10):
            statuses.append(get(port, f"/codes/{CODE}", **{"If-None-Match": etag})[0])
        for _ in range(10):  # a search that lands on the code: the 303, then the page
            status, headers, _ = get(port, "/search?q=caa20003")
            statuses += [status, get(port, headers["Location"])[0]]
        for _ in range(10):
            statuses.append(get(port, f"/api/codes/{CODE}")[0])
        for _ in range(20):  # suggestions as one types: never a lookup
            statuses.append(get(port, f"/api/search?q={CODE}")[0])
        assert statuses.count(200) == 60 and statuses.count(304) == 10
        assert statuses.count(303) == 10

        status, _, body = get(port, "/metrics")
        assert status == 200
        values = {
            (sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(body.decode())
            for sample in family.samples
        }
        # Added up over the four workers by prometheus_client's multiprocess mode.
        assert values[("signin_help_lookups_total", (("code", CODE), ("language", "en")))] == 50
        endpoint = ("signin_help_request_duration_seconds_count", (("endpoint", "api.search"),))
        assert values[endpoint] == 20
        refused = get(port, "/metrics", **{"X-Forwarded-For": "203.0.113.9"})
        assert refused[0] == 404 and b"signin_help" not in refused[2]
    finally:
        stop_process(process)  # the workers write what they counted as they exit
    assert looked_up(database) == {(CODE, "en"): 50}, log.read_text()


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_servers_send_one_alert_for_a_rising_code(database_url: str, tmp_path: Path) -> None:
    settings = {
        "DATABASE_URL": database_url,
        "WEB_CONCURRENCY": "2",
        "SPIKE_MIN": "10",
        "SITE_URL": "https://help.example.org",
    }
    with json_receiver() as (receiver_port, received):
        settings["ALERT_URLS"] = f"json://127.0.0.1:{receiver_port}/alert"
        servers = [start_gunicorn(tmp_path, **settings) for _ in range(2)]
        try:
            ports = [port for _, port, _ in servers]
            for i in range(12):
                assert get(ports[i % 2], f"/codes/{CODE}")[0] == 200
            wait_for(lambda: received)
            for i in range(12):  # still rising: no second alert this hour, from any process
                assert get(ports[i % 2], f"/codes/{CODE}")[0] == 200
            wait_for(lambda: looked_up(database_url).get((CODE, "en")) == 24)
            time.sleep(2)  # room for a second alert, which must not come
        finally:
            for process, _, _ in servers:
                stop_process(process)
    assert len(received) == 1
    (alert,) = received
    title, message = alert["title"], alert["message"]
    assert CODE in title and "Check your clock" in title
    assert "Last 15 minutes: 1" in message and "usually 0.0" in message
    assert "Languages: en." in message
    assert f"https://help.example.org/codes/{CODE}" in message
    assert f"flask --app webapp notice post --code {CODE}" in message
    assert "POST https://help.example.org/api/notices with a bearer token" in message


@pytest.mark.slow
def test_an_alert_channel_that_is_down_costs_the_pages_nothing(tmp_path: Path) -> None:
    closed = free_port()  # nothing listens there
    process, port, log = start_gunicorn(
        tmp_path,
        WEB_CONCURRENCY="2",
        SPIKE_MIN="10",
        ALERT_URLS=f"json://127.0.0.1:{closed}/alert",
        DATABASE_URL=f"sqlite:///{tmp_path / 'down.sqlite3'}",
    )
    try:
        for _ in range(15):
            assert get(port, f"/codes/{CODE}")[0] == 200
        wait_for(lambda: "try 2 of 2" in log.read_text(errors="replace"))
        assert get(port, "/codes/0xCAA82EE2")[0] == 200
    finally:
        stop_process(process)
    text = log.read_text(errors="replace")
    assert text.count(f"Alert for the rising code {CODE} not delivered (try 1 of 2)") == 1
    assert text.count(f"Alert for the rising code {CODE} not delivered (try 2 of 2)") == 1
    assert "Alert sent" not in text
