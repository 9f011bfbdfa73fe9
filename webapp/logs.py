"""Logs IT can search: a request id on every request and log line (:class:`RequestId`, from a
sane ``X-Request-ID`` or a new one), every 5xx logged with it, text or JSON lines
(``LOG_FORMAT``), and Gunicorn's own logs in the same format without query strings unless
``LOG_QUERIES=1`` (:class:`GunicornLogger`), and even then with the IDs, addresses, e-mail
addresses and phone numbers in them masked: a pasted sign-in error's IDs are never logged. The
README's "Security" shows the lines.
Application logs go to standard error, access logs to standard output (Gunicorn's ``-``).
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import Flask, has_request_context, request
from flask.wrappers import Response

from webapp.config import SettingError, Settings
from webapp.search.identifiers import holds_identifiers, mask_identifiers

REQUEST_ID_HEADER = "X-Request-ID"
ENVIRON_KEY = "webapp.request_id"
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"

_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

log = logging.getLogger("webapp.requests")


def new_request_id() -> str:
    return secrets.token_hex(8)


def request_id() -> str | None:
    """The id of the request being handled, or None outside a request."""
    if not has_request_context():
        return None
    return request.environ.get(ENVIRON_KEY)


StartResponse = Callable[..., Any]


class RequestId:
    """WSGI middleware: give each request an id (``environ["webapp.request_id"]``) and send it
    back in the ``X-Request-ID`` response header."""

    def __init__(
        self, app: Flask, inner: Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
    ) -> None:
        self.app = inner

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        given = environ.get("HTTP_X_REQUEST_ID", "")
        rid = given if _SANE_REQUEST_ID.fullmatch(given) else new_request_id()
        environ[ENVIRON_KEY] = rid

        def start(status: str, headers: list[tuple[str, str]], exc_info=None):
            headers.append((REQUEST_ID_HEADER, rid))
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


class RequestIdFilter(logging.Filter):
    """Give every record a ``request_id``: its own, the current request's, or ``-``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id() or "-"
        return True


# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD_ATTRIBUTES = frozenset(
    logging.LogRecord("", 0, "", 0, "", (), None).__dict__.keys()
    | {"message", "asctime", "taskName"}
)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id,
    the record's extra fields, and the exception's traceback if there is one."""

    def format(self, record: logging.LogRecord) -> str:
        seconds = time.gmtime(record.created)
        data: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", seconds) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            data["stack"] = self.formatStack(record.stack_info)
        # ASCII only: a stray surrogate in a logged query can never break the log stream.
        return json.dumps(data, ensure_ascii=True, default=str)


def make_formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter()
    return logging.Formatter(TEXT_FORMAT)


def configure_logging(log_format: str, level: str) -> None:
    """Send this process's log records (the application's and its libraries') to standard
    error in ``log_format`` from ``level`` (``info``) up. Called by the entry points
    (webapp/gunicorn_conf.py, webapp/cli.py), not by the factory. Safe to call again: it
    replaces its own handler."""
    from flask.logging import default_handler

    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "webapp_handler", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.webapp_handler = True  # type: ignore[attr-defined]
    handler.setFormatter(make_formatter(log_format))
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    root.setLevel(level.upper())
    # Flask would otherwise add its own handler to the app's logger, and print records twice.
    logging.getLogger("webapp").removeHandler(default_handler)


def _log_server_errors(response: Response) -> Response:
    if response.status_code >= 500:
        log.error(
            "%s %s answered %d",
            request.method,
            request.path,
            response.status_code,
            extra={"method": request.method, "path": request.path, "status": response.status_code},
        )
    return response


def init_app(app: Flask) -> None:
    app.after_request(_log_server_errors)


# --- Gunicorn ---------------------------------------------------------------------------------

try:
    from gunicorn import glogging
except ImportError:  # pragma: no cover - Gunicorn is a dependency, but not needed to import this
    glogging = None


def _without_query(target: Any) -> Any:
    """A request target or address without its query string (and fragment)."""
    if not isinstance(target, str):
        return target
    return target.split("?", 1)[0].split("#", 1)[0]


def _masked_query(query: str) -> str:
    """A query string with the IDs, addresses and phone numbers in its values masked."""
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(holds_identifiers(value) for _, value in pairs):
        return query
    return urlencode([(name, mask_identifiers(value)) for name, value in pairs])


def _masked_target(target: Any) -> Any:
    """A request target or address with :func:`_masked_query` applied to its query."""
    if not isinstance(target, str) or "?" not in target:
        return target
    path, query = target.split("?", 1)
    return f"{path}?{_masked_query(query.split('#', 1)[0])}"


if glogging is not None:

    class GunicornLogger(glogging.Logger):
        """Gunicorn's logger, writing its error and access logs in ``LOG_FORMAT`` (read from the
        environment, like the application's) with the request id on each access line."""

        def setup(self, cfg: Any) -> None:
            super().setup(cfg)
            try:
                settings = Settings.from_environ()
            except SettingError:  # the application says what is wrong when it starts
                settings = Settings()
            self.json = settings.log_format == "json"
            self.log_queries = settings.log_queries
            if self.json:
                for handler in [*self.error_log.handlers, *self.access_log.handlers]:
                    handler.setFormatter(JsonFormatter())

        def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict:
            """Gunicorn's fields for ``access_log_format``, without query strings unless
            ``LOG_QUERIES=1``: the request line keeps method, path and protocol."""
            atoms = super().atoms(resp, req, environ, request_time)
            if getattr(self, "log_queries", False):
                atoms["r"] = "{} {} {}".format(
                    environ.get("REQUEST_METHOD", "-"),
                    _masked_target(environ.get("RAW_URI", "")),
                    environ.get("SERVER_PROTOCOL", "-"),
                )
                atoms["q"] = _masked_query(environ.get("QUERY_STRING", ""))
                for key in ("f", "{referer}i", "{raw_uri}e", "{request_uri}e"):
                    if key in atoms:
                        atoms[key] = _masked_target(atoms[key])
                if "{query_string}e" in atoms:
                    atoms["{query_string}e"] = atoms["q"]
                return atoms
            atoms["r"] = "{} {} {}".format(
                environ.get("REQUEST_METHOD", "-"),
                _without_query(environ.get("RAW_URI", "")),
                environ.get("SERVER_PROTOCOL", "-"),
            )
            atoms["q"] = ""
            for key in ("f", "{referer}i", "{raw_uri}e", "{request_uri}e"):
                if key in atoms:
                    atoms[key] = _without_query(atoms[key])
            atoms.pop("{query_string}e", None)
            return atoms

        def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
            if not getattr(self, "json", False):
                super().access(resp, req, environ, request_time)
                return
            if not self.cfg.accesslog and not self.cfg.logconfig and not self.cfg.syslog:
                return
            status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
            method = environ.get("REQUEST_METHOD", "-")
            # The whole path: the site moves a language prefix (/de) into SCRIPT_NAME.
            path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
            fields: dict[str, Any] = {
                "method": method,
                "path": path,
                "status": int(status),
                "bytes": getattr(resp, "sent", None),
                "duration_ms": round(request_time.total_seconds() * 1000, 3),
                "remote_addr": environ.get("REMOTE_ADDR", "-"),
                "user_agent": environ.get("HTTP_USER_AGENT", ""),
                "request_id": environ.get(ENVIRON_KEY, "-"),
            }
            if getattr(self, "log_queries", False):
                fields["query"] = _masked_query(environ.get("QUERY_STRING", ""))
            try:
                self.access_log.info("%s %s %s", method, path, status, extra=fields)
            except Exception:  # never let a log line break a response
                self.error(f"Could not write an access log line for {method} {path}")
