"""What the IT desk reads about lookups (how often each code was looked up), as the counting
of lookups (``webapp.storage``'s ``lookups`` table) answers it.

The desk asks through :class:`LookupCounts`; the application registers the source with
:func:`provide`. Until a source is registered the desk says that lookups are not counted,
and shows everything else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from flask import Flask, current_app

EXTENSION_KEY = "it_desk_lookups"


@dataclass(frozen=True, slots=True)
class CodeCount:
    code: str
    count: int


@dataclass(frozen=True, slots=True)
class RisingCode:
    """A code looked up far more than usual: in the last window, and on average before."""

    code: str
    now: int
    usual: float


class LookupCounts(Protocol):
    def per_code(self, since: datetime, until: datetime) -> Sequence[CodeCount]:
        """Lookups per code from ``since`` to ``until``, most first."""
        ...

    def per_hour(self, code: str, since: datetime, until: datetime) -> Sequence[int]:
        """Lookups of ``code`` in each hour from ``since`` to ``until``, oldest first."""
        ...

    def rising(self) -> Sequence[RisingCode]:
        """The codes rising now."""
        ...


def provide(app: Flask, counts: LookupCounts) -> None:
    app.extensions[EXTENSION_KEY] = counts


def current_counts() -> LookupCounts | None:
    return current_app.extensions.get(EXTENSION_KEY)
