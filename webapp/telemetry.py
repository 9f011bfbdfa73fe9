"""The site's Prometheus metrics, counted where things happen and read at ``/metrics``
(:mod:`webapp.counting.metrics`, which also explains the multiprocess mode under Gunicorn).

Defined once per process, at import, as prometheus_client expects.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

PREFIX = "signin_help"

LOOKUPS = Counter(
    f"{PREFIX}_lookups",
    "Codes looked up (code pages, searches landing on a code, the API), by code and language; "
    "codes the site does not recognise are one code, 'other'.",
    ["code", "language"],
)
MISSES = Counter(
    f"{PREFIX}_misses", "Searches that found nothing and unknown codes asked for.", ["kind"]
)
FEEDBACK = Counter(
    f"{PREFIX}_feedback_answers", 'Answers to "Did this solve your problem?".', ["helpful"]
)
REQUEST_SECONDS = Histogram(
    f"{PREFIX}_request_duration_seconds",
    "Time to answer a request, by endpoint (its _count is the number of requests).",
    ["endpoint"],
)
