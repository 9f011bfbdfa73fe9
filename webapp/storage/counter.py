"""One small counter for what the site counts on every request (misses, lookups).

A request adds to a dictionary under a lock and goes on; a daemon thread of the process, started
by its first count (so each forked Gunicorn worker starts its own), hands what has gathered to
``write`` every :data:`INTERVAL_S` seconds. So a slow or frozen database never holds up a page,
and a flood costs a few writes a second per worker, not one per request.

- **Bounded**: at most ``max_keys`` different things wait; a new one beyond that is dropped and
  counted per (kind, day), the kind being the key's first element, and the drops go to ``write``
  with the next batch.
- **A failed write** (:class:`StorageError`) is logged and pauses writing for :data:`PAUSE_S`;
  its counts wait, within the bound, for the next try.
- **Flushed on exit**: what waits is written when the process exits normally.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
import weakref
from collections import Counter as Tally
from collections.abc import Callable, Hashable
from datetime import UTC, date, datetime

from webapp.storage.connections import StorageError

log = logging.getLogger("webapp.storage")

INTERVAL_S = 0.5
PAUSE_S = 30.0
MAX_KEYS = 10_000

Key = tuple[Hashable, ...]
Seen = list  # [times, first, last]: how often, and the first and last moment
Write = Callable[[dict[Key, Seen], dict[tuple[str, date], int]], None]

_counters: weakref.WeakSet[Counter] = weakref.WeakSet()


class Counter:
    """Counts by key, written in batches by a thread of each process. Thread-safe."""

    def __init__(self, write: Write, *, max_keys: int = MAX_KEYS) -> None:
        self._write = write
        self.max_keys = max_keys
        self._pid = 0  # the process whose counts these are; another one starts afresh
        self._generation = -1  # _forks when it started: a forked child starts afresh
        _counters.add(self)

    def _start(self) -> None:
        with _starting:
            if self._generation == _forks:
                return
            self._lock = threading.Lock()
            self._writing = threading.Lock()
            self._pending: dict[Key, Seen] = {}
            self._dropped: Tally[tuple[str, date]] = Tally()
            self._paused_until = 0.0
            self._pid = os.getpid()
            self._generation = _forks
            # The thread holds the counter weakly: a counter no longer used ends its thread.
            args = (weakref.ref(self), self._pid)
            threading.Thread(target=_run, args=args, name="counter", daemon=True).start()

    def add(self, key: Key, at: datetime | None = None) -> bool:
        """Count ``key`` once (at ``at``, now by default); False if dropped. Never waits for
        the database."""
        if self._generation != _forks:  # not os.getpid(): a system call on every count
            self._start()
        moment = at or datetime.now(UTC)
        with self._lock:
            seen = self._pending.get(key)
            if seen is not None:
                seen[0] += 1
                seen[2] = max(seen[2], moment)
            elif len(self._pending) < self.max_keys:
                self._pending[key] = [1, moment, moment]
            else:
                self._dropped[(str(key[0]), moment.date())] += 1
                return False
        return True

    def flush(self, timeout: float = -1) -> bool:
        """Write what waits, on this thread: True once written (or nothing waited), False
        while writing is paused after a failure, when this write failed, or after
        ``timeout`` seconds waiting for a write under way."""
        if self._generation != _forks:
            return True  # nothing counted in this process
        if not self._writing.acquire(timeout=timeout):
            return False
        try:
            if time.monotonic() < self._paused_until:
                return False
            with self._lock:
                batch, self._pending = self._pending, {}
                dropped, self._dropped = dict(self._dropped), Tally()
            if not batch and not dropped:
                return True
            try:
                self._write(batch, dropped)
            except StorageError as exc:
                self._paused_until = time.monotonic() + PAUSE_S
                log.error("Counts not written for %ss (kept meanwhile): %s", int(PAUSE_S), exc)
                self._keep(batch, dropped)
                return False
            return True
        finally:
            self._writing.release()

    def _keep(self, batch: dict[Key, Seen], dropped: dict[tuple[str, date], int]) -> None:
        """Put back what could not be written, within the bound."""
        with self._lock:
            self._dropped.update(dropped)
            for key, (times, first, last) in batch.items():
                seen = self._pending.get(key)
                if seen is not None:
                    seen[0] += times
                    seen[1] = min(seen[1], first)
                elif len(self._pending) < self.max_keys:
                    self._pending[key] = [times, first, last]
                else:
                    self._dropped[(str(key[0]), first.date())] += times


def _run(ref: weakref.ReferenceType[Counter], pid: int) -> None:
    while True:
        time.sleep(INTERVAL_S)
        counter = ref()
        if counter is None or counter._pid != pid or pid != os.getpid():
            return
        counter.flush()
        del counter


def _forked() -> None:
    """In a forked child, every counter starts afresh (the parent's thread did not come
    along), and the start lock is new (another thread may have held the parent's)."""
    global _starting, _forks
    _starting = threading.Lock()
    _forks += 1


_starting = threading.Lock()
_forks = 0  # how many times this process's line was forked: counters compare it to theirs
os.register_at_fork(after_in_child=_forked)


@atexit.register
def _flush_all() -> None:
    for counter in list(_counters):
        counter.flush(timeout=5)
