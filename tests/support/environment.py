"""What the test run has: CI, where a missing tool fails a test, and the PostgreSQL server."""

from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def postgres_url() -> str:
    """``TEST_DATABASE_URL`` (``bash .ci/run`` starts a server and sets it). Without it the
    PostgreSQL tests are skipped, except in CI (``CI=true``), where they fail."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url:
        return url
    if in_ci():
        pytest.fail("TEST_DATABASE_URL is not set: CI must run the PostgreSQL tests (.ci/run).")
    pytest.skip("TEST_DATABASE_URL is not set; `bash .ci/run` starts PostgreSQL for these tests")
