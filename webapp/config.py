"""Settings from environment variables, with safe defaults.

Each setting is documented in the README's configuration table; keep the two in step.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# environment variable -> (Flask config key, default)
_SETTINGS: dict[str, tuple[str, Any]] = {
    "CONTENT_DIR": ("CONTENT_DIR", str(PROJECT_ROOT / "content")),
    "SITE_NAME": ("SITE_NAME", "Teams sign-in help"),
    "IT_CONTACT_NAME": ("IT_CONTACT_NAME", "the IT service desk"),
    "IT_CONTACT_EMAIL": ("IT_CONTACT_EMAIL", ""),
    "IT_CONTACT_URL": ("IT_CONTACT_URL", ""),
    "SECRET_KEY": ("SECRET_KEY", None),
    # Feedback and search misses (webapp.storage): SQLite in the instance folder when unset
    "DATABASE_URL": ("DATABASE_URL", None),
    "MISSES_PER_DAY": ("MISSES_PER_DAY", 1000),
}


def from_environ(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The application's settings: each from its environment variable, or its default."""
    environ = os.environ if environ is None else environ
    return {key: environ.get(name, default) for name, (key, default) in _SETTINGS.items()}
