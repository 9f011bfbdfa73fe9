"""Logs IT can search: request ids in and out, every 5xx logged with its id, JSON lines."""

from __future__ import annotations

import importlib
import io
import json
import logging
import re
import time
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask, abort
from flask.testing import FlaskClient
from support.apps import make_app

import webapp.cli
from webapp.logs import GunicornLogger, JsonFormatter, RequestIdFilter, configure_logging


@pytest.fixture
def app(content_dir: Path, tmp_path: Path) -> Flask:
    app = make_app(content_dir, tmp_path)

    @app.get("/test-only/boom")
    def boom() -> str:
        raise ValueError("broken")

    @app.get("/test-only/unavailable")
    def unavailable() -> str:
        abort(503)

    return app


@pytest.fixture(autouse=True)
def restore_logging():
    """Tests here switch the log format; put the default back for the tests after them."""
    yield
    configure_logging("text", "info")


@pytest.mark.parametrize(
    "path", ["/", "/codes/0xCAA20003", "/nope", "/api/nope", "/search?q=clock", "/healthz"]
)
def test_every_answer_has_a_request_id(app: Flask, path: str) -> None:
    for client in (app.test_client(), app.test_client(use_cookies=False)):
        ids = {client.get(path).headers["X-Request-ID"] for _ in range(3)}
        assert len(ids) == 3  # a new one each time
        assert all(re.fullmatch(r"[0-9a-f]{16}", i) for i in ids)


@pytest.mark.parametrize(
    "given", ["abc", "3f2a9c1b-7d4e-4e5f-9a0b-1c2d3e4f5a6b", "req:42.a_b", "Root-1-abc"]
)
def test_a_sane_incoming_request_id_is_kept(client: FlaskClient, given: str) -> None:
    assert client.get("/", headers={"X-Request-ID": given}).headers["X-Request-ID"] == given


@pytest.mark.parametrize(
    "given", ["", "a b", "x" * 129, "<script>", "id;Set-Cookie: x=1", "-leading", "é"]
)
def test_an_odd_incoming_request_id_is_replaced(client: FlaskClient, given: str) -> None:
    got = client.get("/", headers={"X-Request-ID": given}).headers["X-Request-ID"]
    assert got != given
    assert re.fullmatch(r"[0-9a-f]{16}", got)


def test_a_server_error_is_logged_with_its_request_id(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        response = client.get("/test-only/boom", headers={"X-Request-ID": "ticket-4711"})
    assert response.status_code == 500
    assert "ticket-4711" in response.get_data(as_text=True)
    mine = [r for r in caplog.records if getattr(r, "request_id", None) == "ticket-4711"]
    traceback = [r for r in mine if r.exc_info]
    assert traceback and "ValueError" in caplog.text
    answered = [r for r in mine if r.name == "webapp.requests"]
    assert answered[0].levelno == logging.ERROR
    assert answered[0].status == 500 and answered[0].path == "/test-only/boom"


def test_every_5xx_is_logged_even_without_an_exception(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        response = client.get("/test-only/unavailable")
    assert response.status_code == 503
    request_id = response.headers["X-Request-ID"]
    assert request_id in response.get_data(as_text=True)
    records = [r for r in caplog.records if r.name == "webapp.requests"]
    assert [r.request_id for r in records] == [request_id]
    assert records[0].status == 503


def test_a_4xx_is_not_an_error_in_the_log(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        client.get("/nope")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_json_lines(app: Flask, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("json", "info")
    response = app.test_client().get("/test-only/boom")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    mine = [line for line in lines if line.get("request_id") == response.headers["X-Request-ID"]]
    assert {line["logger"] for line in mine} >= {"webapp.views.errors", "webapp.requests"}
    error = next(line for line in mine if "exception" in line)
    assert "ValueError: broken" in error["exception"]
    assert error["level"] == "error"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", error["time"])
    answered = next(line for line in mine if line["logger"] == "webapp.requests")
    assert answered["status"] == 500 and answered["method"] == "GET"


def test_log_format_json_from_the_settings(
    content_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    monkeypatch.setenv("LOG_FORMAT", "json")
    importlib.reload(webapp.cli)  # the set-up of every flask command, before the app loads
    make_app(content_dir, tmp_path, SECRET_KEY=None)
    err = capsys.readouterr().err.strip().splitlines()
    warning = json.loads(next(line for line in err if "SECRET_KEY" in line))
    assert warning["level"] == "warning" and warning["request_id"] == "-"


def test_json_formatter_never_breaks_on_odd_text() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "q=%s", ("\ud800\x00\n<é>",), None)
    record.query = "\udfff"
    RequestIdFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line and line.isascii()
    assert json.loads(line)["message"] == "q=\ud800\x00\n<é>"


def test_logging_set_up_again_keeps_one_handler() -> None:
    for _ in range(3):
        configure_logging("text", "info")
    mine = [h for h in logging.getLogger().handlers if getattr(h, "webapp_handler", False)]
    assert len(mine) == 1


class FakeResponse:
    status = "200 OK"
    sent = 1234


def gunicorn_logger(monkeypatch: pytest.MonkeyPatch, log_format: str) -> tuple:
    from gunicorn.config import Config

    monkeypatch.setenv("LOG_FORMAT", log_format)
    config = Config()
    config.set("accesslog", "-")
    config.set(
        "access_log_format",
        '%(h)s "%(r)s" %(s)s %({x-request-id}o)s',
    )
    logger = GunicornLogger(config)
    stream = io.StringIO()
    for handler in logger.access_log.handlers:
        if type(handler) is logging.StreamHandler:  # Gunicorn's, not pytest's capture
            handler.setStream(stream)
    return logger, stream


def environ() -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/codes/0xCAA20003",
        "QUERY_STRING": "a=1",
        "RAW_URI": "/codes/0xCAA20003?a=1",
        "REMOTE_ADDR": "203.0.113.5",
        "HTTP_USER_AGENT": "Teams-Help-Test",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "webapp.request_id": "abc123",
    }


def test_gunicorn_access_log_as_json_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    logger, stream = gunicorn_logger(monkeypatch, "json")
    logger.access(FakeResponse(), None, environ(), timedelta(milliseconds=2.5))
    line = json.loads(stream.getvalue())
    assert line["logger"] == "gunicorn.access"
    assert line["request_id"] == "abc123"
    assert line["method"] == "GET" and line["path"] == "/codes/0xCAA20003"
    assert line["status"] == 200 and line["bytes"] == 1234
    assert line["duration_ms"] == 2.5
    assert line["remote_addr"] == "203.0.113.5" and line["user_agent"] == "Teams-Help-Test"


def test_gunicorn_access_log_as_text_has_the_request_id(monkeypatch: pytest.MonkeyPatch) -> None:
    from gunicorn.http.wsgi import Response

    logger, stream = gunicorn_logger(monkeypatch, "text")

    class Req:
        method, path, query, uri, version, headers = "GET", "/", "", "/", (1, 1), []

    response = Response(Req(), None, logger.cfg)
    response.status = "200 OK"
    response.headers = [("X-Request-ID", "abc123")]
    logger.access(response, Req(), environ(), timedelta(milliseconds=2))
    assert stream.getvalue().rstrip().endswith("abc123")


def search_environ() -> dict:
    """A search for what someone pasted, reached from another search."""
    return {
        **environ(),
        "PATH_INFO": "/search",
        "QUERY_STRING": "q=jane.doe%40example.org",
        "RAW_URI": "/de/search?q=jane.doe%40example.org",
        "SCRIPT_NAME": "/de",
        "HTTP_REFERER": "https://help.example.org/de/search?q=jane+doe",
    }


def text_access_line(monkeypatch: pytest.MonkeyPatch, request_environ: dict) -> str:
    from gunicorn.http.wsgi import Response

    logger, stream = gunicorn_logger(monkeypatch, "text")
    logger.cfg.set("access_log_format", '"%(r)s" "%(f)s" %(q)s %({referer}i)s %({raw_uri}e)s')

    class Req:
        method, path, query, uri, version = "GET", "/search", "", "/search", (1, 1)
        headers = (("REFERER", request_environ["HTTP_REFERER"]),)

    response = Response(Req(), None, logger.cfg)
    response.status = "200 OK"
    logger.access(response, Req(), request_environ, timedelta(milliseconds=2))
    return stream.getvalue()


def test_the_text_access_log_keeps_paths_but_no_query_strings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LOG_QUERIES", raising=False)
    line = text_access_line(monkeypatch, search_environ())
    assert '"GET /de/search HTTP/1.1" "https://help.example.org/de/search"' in line
    assert "jane" not in line and "?" not in line


def test_the_json_access_log_keeps_paths_but_no_query_strings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LOG_QUERIES", raising=False)
    logger, stream = gunicorn_logger(monkeypatch, "json")
    logger.access(FakeResponse(), None, search_environ(), timedelta(milliseconds=2))
    line = json.loads(stream.getvalue())
    assert line["path"] == "/de/search"
    assert "query" not in line
    assert "jane" not in stream.getvalue()


def words_environ() -> dict:
    """A search for plain words, reached from another search."""
    return {
        **search_environ(),
        "QUERY_STRING": "q=proxy+error",
        "RAW_URI": "/de/search?q=proxy+error",
        "HTTP_REFERER": "https://help.example.org/de/search?q=proxy",
    }


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_log_queries_keeps_them(monkeypatch: pytest.MonkeyPatch, log_format: str) -> None:
    monkeypatch.setenv("LOG_QUERIES", "1")
    if log_format == "text":
        line = text_access_line(monkeypatch, words_environ())
        assert '"GET /de/search?q=proxy+error HTTP/1.1"' in line
        assert "https://help.example.org/de/search?q=proxy" in line
        return
    logger, stream = gunicorn_logger(monkeypatch, "json")
    logger.access(FakeResponse(), None, words_environ(), timedelta(milliseconds=2))
    assert json.loads(stream.getvalue())["query"] == "q=proxy+error"


PASTED_ID = "6f0e7b8c-1234-4a5b-9c0d-7e8f9a0b1c2d"


def pasted_environ() -> dict:
    """A search for a pasted sign-in error with someone's IDs, an address and an e-mail."""
    query = f"q=Error+Code%3A+50126+Request+Id%3A+{PASTED_ID}+jane.doe%40example.org+10.1.2.3"
    return {
        **search_environ(),
        "QUERY_STRING": query,
        "RAW_URI": f"/de/search?{query}",
        "HTTP_REFERER": f"https://help.example.org/de/search?{query}",
    }


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_log_queries_masks_ids_addresses_and_emails(
    monkeypatch: pytest.MonkeyPatch, log_format: str
) -> None:
    monkeypatch.setenv("LOG_QUERIES", "1")
    if log_format == "text":
        line = text_access_line(monkeypatch, pasted_environ())
    else:
        logger, stream = gunicorn_logger(monkeypatch, "json")
        logger.access(FakeResponse(), None, pasted_environ(), timedelta(milliseconds=2))
        line = json.loads(stream.getvalue())["query"]
    assert "Error+Code%3A+50126" in line  # the words are kept
    assert "Request+Id%3A+%5Bid%5D" in line
    for personal in ("6f0e7b8c", "1234-4a5b", "jane", "10.1.2.3"):
        assert personal not in line


def test_a_bad_log_queries_value_stops_the_start(content_dir: Path, tmp_path: Path) -> None:
    from webapp.config import SettingError

    with pytest.raises(SettingError, match="LOG_QUERIES"):
        make_app(content_dir, tmp_path, LOG_QUERIES="maybe")


@pytest.mark.slow
def test_gunicorn_logs_no_searched_words_by_default(gunicorn_site) -> None:
    """End to end: what someone typed into the search box is not in Gunicorn's output."""
    port, log = gunicorn_site()
    url = f"http://127.0.0.1:{port}/search?q=jane.doe%40example.org"
    request = urllib.request.Request(url, headers={"Referer": url})
    urllib.request.urlopen(request, timeout=10).close()
    deadline = time.monotonic() + 10
    while "GET /search " not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    text = log.read_text()
    assert "GET /search HTTP/1.1" in text
    assert "jane" not in text


@pytest.mark.slow
@pytest.mark.parametrize("log_queries", ["0", "1"])
def test_gunicorn_never_logs_the_ids_of_a_pasted_error(gunicorn_site, log_queries: str) -> None:
    """End to end: a pasted "More details" block answers with its code's page, and neither
    Gunicorn's access log nor the application's lines hold its IDs, whatever LOG_QUERIES says."""
    port, log = gunicorn_site(LOG_QUERIES=log_queries, LOG_FORMAT="json")
    block = (
        f"Error Code: 50126 Request Id: {PASTED_ID} "
        "Correlation Id: 1a2b3c4d-5678-4e9f-8a7b-6c5d4e3f2a1b Timestamp: 2026-12-07T09:14:03Z"
    )
    url = f"http://127.0.0.1:{port}/search?" + urllib.parse.urlencode({"q": block})
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Referer": url})) as answer:
        assert answer.status == 200
        assert answer.headers["Cache-Control"] == "private, no-store"
        assert PASTED_ID in answer.read().decode()  # in the person's own page
    deadline = time.monotonic() + 10
    while '"path": "/search"' not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    text = log.read_text()
    assert '"path": "/search"' in text
    for personal in (PASTED_ID, "6f0e7b8c", "1a2b3c4d"):
        assert personal not in text
