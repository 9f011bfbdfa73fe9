"""Applications made for a test."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask

from webapp import create_app

# Strong and made up for each run, so no key the tests use could ever sign anything real.
TEST_SECRET_KEY = secrets.token_hex(32)


def make_app(content: Path, tmp_path: Path, **config) -> Flask:
    settings = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET_KEY,
        "CONTENT_DIR": str(content),
        "IT_CONTACT_NAME": "the Service Desk",
        "IT_CONTACT_EMAIL": "help@example.org",
        # Each test its own database, never the instance folder.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'signin-help.sqlite3'}",
    }
    settings.update(config)
    return create_app(settings)
