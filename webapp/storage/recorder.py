"""Recording searches that found nothing off the request thread.

A request only appends its miss to this worker's queue (a lock and a list append); a writer
thread, started when there is something to write and ending when there has been nothing for a
moment, writes what has gathered in one transaction. So a locked, slow or frozen database never
holds up a page, and a flood of misses costs one write per batch, not one per search.

Bounded on every side:

- **The queue** holds at most :data:`QUEUE_SIZE` misses; when the database cannot keep up,
  further misses are dropped, counted, and the count is logged as a warning and written to the
  day's MISS_DROPPED row (reason ``queue``) once the database answers again.
- **Each client address** (as Flask sees it: ``PROXY_COUNT`` decides) adds at most
  ``per_client`` new terms a day in this worker; more are dropped and counted (reason
  ``client``), so one address cannot fill ``MISSES_PER_DAY`` for everyone. Terms it already
  searched that day still count. Only a hash of each address is held, in memory, for the day.
- **A failed write** is logged once and pauses writing for :data:`PAUSE_S` seconds; the misses of
  that batch are counted as dropped.

What is queued is written when the process exits normally (Gunicorn stopping or replacing a
worker), within the database's time budget.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from webapp.storage.connections import StorageError
from webapp.storage.tables import CLIENT_FULL, QUEUE_FULL

log = logging.getLogger("webapp.storage")

QUEUE_SIZE = 10_000  # misses waiting per worker
LINGER_S = 0.5  # the writer waits this long for more before it ends
PAUSE_S = 30.0  # after a failed write, how long to wait before the next one
GATHER_S = 0.2  # how long the first miss of a batch waits for others
BATCH_SIZE = 1000  # a batch this large is written at once
MAX_CLIENTS = 10_000  # addresses remembered per worker per day; the oldest is forgotten first


@dataclass(frozen=True, slots=True)
class PendingMiss:
    kind: str
    term: str
    language: str
    at: datetime


Write = Callable[[list[PendingMiss], dict[tuple[date, str], int]], None]


class MissRecorder:
    """A bounded per-worker queue of misses and the thread that writes it. Thread-safe."""

    def __init__(self, write: Write, *, per_client: int, queue_size: int = QUEUE_SIZE) -> None:
        self._write = write
        self.per_client = per_client
        self.queue_size = queue_size
        self._reset()
        ref = weakref.ref(self)
        os.register_at_fork(after_in_child=lambda: _call(ref, MissRecorder._reset))
        atexit.register(_call, ref, MissRecorder.flush)

    def _reset(self) -> None:
        """Empty, with no writer: at creation, and in a forked child (the parent's thread and
        lock state did not come along)."""
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._pending: list[PendingMiss] = []
        self._dropped: Counter[tuple[date, str]] = Counter()
        self._unreported_queue_drops = 0
        self._writer: threading.Thread | None = None
        self._writing = False
        self._flushing = 0  # callers of flush() waiting: write at once
        self._paused_until = 0.0
        self._failing = False  # the last write failed
        self._day: date | None = None
        self._clients: dict[bytes, set[tuple[str, str, str]]] = {}

    def add(self, kind: str, term: str, language: str, client: str) -> bool:
        """Queue one miss; True if queued, False if dropped. Never blocks on the database."""
        now = datetime.now(UTC)
        with self._lock:
            day = now.date()
            if not self._client_may_add(client, (kind, language, term), day):
                self._dropped[(day, CLIENT_FULL)] += 1
                queued = False
            elif len(self._pending) >= self.queue_size:
                self._dropped[(day, QUEUE_FULL)] += 1
                self._unreported_queue_drops += 1
                queued = False
            else:
                self._pending.append(PendingMiss(kind, term, language, now))
                queued = True
            self._wake_writer()
            return queued

    def _client_may_add(self, client: str, key: tuple[str, str, str], day: date) -> bool:
        if not self.per_client:
            return True
        if day != self._day:
            self._day, self._clients = day, {}
        address = hashlib.blake2b(client.encode(), digest_size=8).digest()
        terms = self._clients.pop(address, None)
        if terms is None:
            terms = set()
            if len(self._clients) >= MAX_CLIENTS:
                del self._clients[next(iter(self._clients))]
        self._clients[address] = terms  # now the most recent
        if key in terms:
            return True
        if len(terms) >= self.per_client:
            return False
        terms.add(key)
        return True

    def _wake_writer(self) -> None:
        if self._writer is None:
            self._writer = threading.Thread(target=self._run, name="miss-writer", daemon=True)
            self._writer.start()
        self._changed.notify_all()

    def _run(self) -> None:
        while True:
            with self._lock:
                deadline = time.monotonic() + LINGER_S
                while not self._ready():
                    # Misses wait out a pause; counts alone wait for the next miss (or exit).
                    until = max(self._paused_until, deadline) if self._pending else deadline
                    remaining = until - time.monotonic()
                    if remaining <= 0:
                        self._writer = None  # the next miss starts another writer
                        self._changed.notify_all()
                        return
                    self._changed.wait(remaining)
                # Let a busy moment's misses gather, so that a flood costs a few writes a
                # second rather than one per search (each write holds this process a moment).
                gather_until = time.monotonic() + GATHER_S
                while len(self._pending) < BATCH_SIZE and not self._flushing:
                    remaining = gather_until - time.monotonic()
                    if remaining <= 0:
                        break
                    self._changed.wait(remaining)
                batch, dropped, queue_drops = self._take()
            self._write_batch(batch, dropped, queue_drops)

    def _take(self) -> tuple[list[PendingMiss], dict[tuple[date, str], int], int]:
        """What waits, to be written now (with the lock held)."""
        batch, self._pending = self._pending, []
        dropped, self._dropped = dict(self._dropped), Counter()
        queue_drops, self._unreported_queue_drops = self._unreported_queue_drops, 0
        self._writing = True
        return batch, dropped, queue_drops

    def _ready(self) -> bool:
        """Whether to write now: misses wait, or counts of dropped ones while the database
        answers, and no pause after a failure is running."""
        if time.monotonic() < self._paused_until:
            return False
        return bool(self._pending or (self._dropped and not self._failing))

    def _write_batch(
        self, batch: list[PendingMiss], dropped: dict[tuple[date, str], int], queue_drops: int
    ) -> None:

        if queue_drops:
            log.warning(
                "%d search misses dropped: the database could not keep up (a queue of %d)",
                queue_drops,
                self.queue_size,
            )
        try:
            self._write(batch, dropped)
            self._failing = False
        except StorageError as exc:
            log.error(
                "Search misses not recorded for %ss (%d dropped): %s",
                int(PAUSE_S),
                len(batch),
                exc,
            )
            with self._lock:
                self._failing = True
                self._paused_until = time.monotonic() + PAUSE_S
                for day, reason in dropped:  # kept, to be written when the database is back
                    self._dropped[(day, reason)] += dropped[(day, reason)]
                for miss in batch:
                    self._dropped[(miss.at.date(), QUEUE_FULL)] += 1
        finally:
            with self._lock:
                self._writing = False
                self._changed.notify_all()

    def flush(self, timeout: float | None = None) -> bool:
        """Write everything queued so far, and wait for it: True once nothing waits, False
        after ``timeout`` seconds, or at once while writing is paused after a failure."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            self._flushing += 1
        try:
            return self._flush(deadline)
        finally:
            with self._lock:
                self._flushing -= 1

    def _flush(self, deadline: float | None) -> bool:
        while True:
            with self._lock:
                if self._writing or (self._writer is not None and self._ready()):
                    self._changed.notify_all()
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        return False
                    self._changed.wait(remaining)
                    continue
                if not self._pending and not self._dropped:
                    return True
                if not self._ready():
                    return False  # paused
                # No writer (at exit, threads may no longer start): write on this thread.
                batch, dropped, queue_drops = self._take()
            self._write_batch(batch, dropped, queue_drops)

    def pending(self) -> int:
        """How many misses wait to be written."""
        with self._lock:
            return len(self._pending)


def _call(ref: weakref.ReferenceType[MissRecorder], method: Callable[[MissRecorder], object]):
    recorder = ref()
    if recorder is not None:
        method(recorder)
