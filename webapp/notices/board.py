"""The notices a worker shows, kept fresh off the request path.

Each worker process holds one :class:`Board`. A daemon thread, started lazily in the worker
(after Gunicorn forks it), asks the database every ``NOTICE_POLL_SECONDS`` for the notices'
version (the newest audit row's id: one indexed look-up), reads the notices only when it
changed, and each time works out which are active now, so a notice also appears at its start
and disappears at its end without anyone acting. A new set is swapped in whole (an immutable
:class:`Active`, so requests read it without a lock) and ``on_change`` drops the cached pages.

When the database cannot be reached, the board keeps the notices it last read (still ending
them on time) and says so once in the log; pages never fail for it.
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from webapp.notices.model import Notice
from webapp.storage import StorageError

log = logging.getLogger(__name__)

Reader = Callable[[datetime], tuple[int, list[dict[str, Any]]]]


@dataclass(frozen=True, slots=True)
class Active:
    """The notices active at one moment: for everyone, and by code. Never changed."""

    notices: tuple[Notice, ...] = ()
    everyone: tuple[Notice, ...] = ()
    by_code: Mapping[str, tuple[Notice, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, notices: tuple[Notice, ...]) -> Active:
        by_code: dict[str, tuple[Notice, ...]] = {}
        for notice in notices:
            for code in notice.codes:
                by_code[code] = (*by_code.get(code, ()), notice)
        everyone = tuple(notice for notice in notices if notice.for_everyone)
        return cls(notices, everyone, by_code)

    def for_code(self, code: str | None) -> tuple[Notice, ...]:
        """The notices about ``code`` itself (not those for everyone)."""
        return self.by_code.get(code or "", ())

    def needs_report(self, code: str | None) -> bool:
        """Should people still report a problem with ``code``? No when an active notice about
        it (or about everything) says IT knows."""
        return all(notice.report for notice in (*self.for_code(code), *self.everyone))


class Board:
    """One worker's view of the notices (see the module docstring)."""

    def __init__(
        self,
        read: Reader,
        version: Callable[[], int],
        on_change: Callable[[], None],
        interval: float,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._read = read
        self._version_of = version
        self._on_change = on_change
        self.interval = interval
        self._clock = clock
        self._known: tuple[Notice, ...] = ()  # not ended: active, or starting later
        self._version = -1
        self._failing = False
        self._key: tuple = ()
        self.active = Active()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        # One refresh at a time: the poller's and a nudged one's (a post on this worker, a
        # test) would otherwise interleave, one seeing the new key before the other has
        # published the notices and dropped the cached pages.
        self._refreshing = threading.Lock()
        self._pid = 0  # the process whose thread polls; 0: none yet
        # Each Gunicorn worker polls from its birth, before its first request (a thread does
        # not survive a fork, and the master, which forks them, never polls).
        ref = weakref.ref(self)
        os.register_at_fork(after_in_child=lambda: _start(ref))

    def current(self) -> Active:
        """The active notices (lock-free: an immutable snapshot)."""
        return self.active

    def start(self) -> None:
        """Start polling in this process, once (after a fork, again in the child)."""
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._wake = threading.Event()
            self._refreshing = threading.Lock()  # never one held across the fork
            thread = threading.Thread(
                target=_poll, args=(weakref.ref(self),), name="notices", daemon=True
            )
            thread.start()

    def nudge(self) -> None:
        """Refresh soon, without waiting for the next poll (a notice was posted here)."""
        self._wake.set()

    def refresh(self) -> bool:
        """Ask the database if anything changed and publish what is active now; True if the
        active set changed. Never raises: a failing database keeps what was last read."""
        with self._refreshing:
            return self._refresh()

    def _refresh(self) -> bool:
        now = self._clock()
        try:
            if self._version_of() != self._version:
                version, rows = self._read(now)
                self._known = tuple(Notice.of(row["id"], row) for row in rows)
                self._version = version
            if self._failing:
                log.warning("Notices are read from the database again")
            self._failing = False
        except StorageError as exc:
            if not self._failing:
                log.error(
                    "Notices not refreshed by worker %d; showing the last ones read: %s",
                    os.getpid(),
                    exc,
                )
            self._failing = True
        except Exception:  # a bug must not end the thread: keep the last notices
            log.exception("Notices not refreshed")
        return self._publish(now)

    def _publish(self, now: datetime) -> bool:
        active = tuple(notice for notice in self._known if notice.active(now))
        key = (self._version, tuple(notice.id for notice in active))
        if key == self._key:
            return False
        changed = self._key != () or bool(active)
        self._key = key
        self.active = Active.of(active)
        if self._pid:  # a worker (not the master loading, nor a command)
            shown = ", ".join(str(notice.id) for notice in active) or "none"
            log.info("Notices shown by worker %d: %s", os.getpid(), shown)
        if changed:
            try:
                self._on_change()
            except Exception:
                log.exception("Cached pages not dropped after a notice changed")
        return changed


def _start(ref: weakref.ReferenceType[Board]) -> None:
    board = ref()
    if board is not None:
        board.start()


def _poll(ref: weakref.ReferenceType[Board]) -> None:
    """The polling loop; it ends when its board is gone (an application dropped in tests)."""
    while True:
        board = ref()
        if board is None or board._pid != os.getpid():
            return
        wake = board._wake
        board.refresh()
        interval = board.interval
        del board  # hold no reference while waiting
        if wake.wait(interval):
            wake.clear()
