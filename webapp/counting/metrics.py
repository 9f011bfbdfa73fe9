"""``/metrics`` for Prometheus: the metrics of :mod:`webapp.telemetry`, rising codes, and who
may read them.

Under Gunicorn the workers are processes, so the metrics use prometheus_client's multiprocess
mode, as its documentation says: ``PROMETHEUS_MULTIPROC_DIR`` names a folder, emptied before
the server starts, where each process keeps its values; a scrape adds them up
(``MultiProcessCollector``), and ``child_exit`` in :mod:`webapp.gunicorn_conf` marks a worker
that ended. Without the variable (``flask run``, tests) the process's own registry answers.

Rising codes are read from the database at each scrape, so every worker and server agrees.
``/metrics`` answers only the addresses in ``METRICS_ALLOW`` (loopback by default) and a bearer
token with the "read" scope; anyone else gets the site's 404, as for an address that does not
exist.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from ipaddress import ip_address

from flask import Blueprint, Response, abort, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from webapp import tokens
from webapp.config import settings_of
from webapp.notices import active_notices
from webapp.ratelimit import count_failure, failures_wait
from webapp.storage import Storage, StorageError, current_storage, lookup_queries
from webapp.telemetry import PREFIX

log = logging.getLogger(__name__)

bp = Blueprint("metrics", __name__)


class RisingCodes(Collector):
    """The codes rising now, read from the database when Prometheus asks, and the notices
    active (as this worker shows them: every worker polls the same database)."""

    def __init__(self, storage: Storage, notices_active: int) -> None:
        self.storage = storage
        self.notices_active = notices_active

    def collect(self) -> Iterator[GaugeMetricFamily]:
        rising = GaugeMetricFamily(
            f"{PREFIX}_rising_code_lookups",
            "Lookups in the last 15 minutes of each code rising now (see the README).",
            labels=["code"],
        )
        storage = self.storage
        try:
            found = storage.read(
                "rising codes",
                lambda connection: lookup_queries.rising_codes(
                    connection,
                    datetime.now(UTC),
                    spike_min=storage.spike_min,
                    spike_factor=storage.spike_factor,
                ),
            )
        except StorageError:
            found = []  # the database is away: no code can be said to rise
        for code in found:
            rising.add_metric([code.code], code.now)
        yield rising
        count = GaugeMetricFamily(f"{PREFIX}_rising_codes", "How many codes are rising now.")
        count.add_metric([], len(found))
        yield count
        notices = GaugeMetricFamily(
            f"{PREFIX}_notices_active", "Notices IT has posted, active now."
        )
        notices.add_metric([], self.notices_active)
        yield notices


def allowed() -> bool:
    """Whether this request may read the metrics: an address in ``METRICS_ALLOW``, or a bearer
    token with the "read" scope (:mod:`webapp.tokens`)."""
    try:
        address = ip_address(request.remote_addr or "")
    except ValueError:
        address = None
    networks = settings_of(current_app).metrics_allow
    if address is not None and any(address in network for network in networks):
        return True
    kind, _, secret = request.headers.get("Authorization", "").partition(" ")
    if kind.lower() != "bearer" or not secret.strip() or failures_wait("token"):
        return False
    try:
        token = tokens.verify(secret.strip())
    except StorageError as exc:
        log.error("Token for /metrics not checked: %s", exc)
        return False
    if token is None:
        count_failure("token")
        return False
    return "read" in token.scopes


@bp.get("/metrics")
def metrics() -> Response:
    if not allowed():
        abort(404)
    if settings_of(current_app).prometheus_multiproc_dir:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(_site_state())
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY) + generate_latest(_rising_only())
    response = Response(body, mimetype=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response


def _rising_only() -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(_site_state())
    return registry


def _site_state() -> RisingCodes:
    return RisingCodes(current_storage(), len(active_notices().notices))
