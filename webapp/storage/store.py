"""The store: one per application, thread-safe, and never slower than its time budget."""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import weakref
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from webapp.config import Settings
from webapp.storage import (
    feedback,
    lookup_queries,
    lookups,
    migrate,
    misses,
    notices,
    queries,
    tokens,
)
from webapp.storage.connections import StorageError, create_engine, cut_after
from webapp.storage.counter import Counter, Key, Seen
from webapp.storage.lookup_queries import Rising
from webapp.storage.misses import ClientCeiling
from webapp.storage.queries import Report
from webapp.storage.tables import (
    CLIENT_FULL,
    LOOKUP_OTHER,
    MAX_LANGUAGE_LENGTH,
    MAX_TARGET_LENGTH,
    MAX_TERM_LENGTH,
    MISS_CODE,
    MISS_DROPPED,
    MISS_QUERY,
    QUEUE_FULL,
)
from webapp.storage.tokens import Token

log = logging.getLogger("webapp.storage")

T = TypeVar("T")

_DEFAULTS = Settings()  # what a Storage made outside the app (a test, a script) is given
MIGRATION_TIMEOUT_S = 30.0  # an upgrade at start-up may wait for another process's
PRUNE_EVERY_S = 3600.0  # how often each process deletes lookups older than LOOKUPS_KEEP_DAYS
# The first element of the counter's keys: what is counted.
LOOKUP, MISS = "lookup", "miss"


class Storage:
    """Feedback, misses and lookups in one database. Thread-safe; one per application.

    Every call waits at most about ``timeout`` seconds, then raises :class:`StorageError`; a
    failure also replaces the pool's connections, so a database fixed or restarted meanwhile is
    used again by the next call, without restarting the site.
    """

    def __init__(
        self,
        url: sa.URL,
        *,
        misses_per_day: int = _DEFAULTS.misses_per_day,
        misses_per_client: int = _DEFAULTS.misses_per_client,
        timeout: float = _DEFAULTS.database_timeout,
        lookups_keep_days: int = _DEFAULTS.lookups_keep_days,
        spike_min: int = _DEFAULTS.spike_min,
        spike_factor: float = _DEFAULTS.spike_factor,
    ) -> None:
        self.url = url
        self.timeout = timeout
        self.engine = create_engine(url, timeout=timeout)
        self.misses_per_day = misses_per_day
        self._schema_ready = False
        self._schema_lock = threading.Lock()
        self.lookups_keep_days = lookups_keep_days
        self.spike_min, self.spike_factor = spike_min, spike_factor
        # Called with each rising code whose alert this process won (see webapp.counting).
        self.on_rising: Callable[[Rising], None] | None = None
        self._pruned_at = 0.0
        self.ceiling = ClientCeiling(misses_per_client)
        self.counts = Counter(self._write_counts)
        ref = weakref.ref(self)
        os.register_at_fork(after_in_child=lambda: _after_fork(ref))
        # Pooled connections are closed, not just dropped, when the storage goes away.
        weakref.finalize(self, self.engine.dispose)

    def describe(self) -> str:
        """The database's URL without its password, for messages and logs."""
        return self.url.render_as_string(hide_password=True)

    def run(self, what: str, work: Callable[[Connection], T]) -> T:
        """``work(connection)`` in one transaction, committed when it returns, within the time
        budget. A failure of the database (not of our code) becomes StorageError."""
        for attempt in range(2):
            watch = None
            try:
                with (
                    self.engine.connect() as connection,
                    cut_after(connection, self.timeout) as watch,
                    connection.begin(),
                ):
                    return work(connection)
            except sa.exc.DBAPIError as exc:
                # A pooled connection the server closed (it restarted): SQLAlchemy has
                # replaced the pool, so once more on a fresh connection.
                fired = watch is not None and watch.is_set()
                if attempt == 0 and exc.connection_invalidated and not fired:
                    continue
                failure: Exception = exc
                reason = "no answer in time" if fired else _reason(exc)
            except sa.exc.TimeoutError as exc:  # every pooled connection busy that long
                failure, reason = exc, "no connection free in time"
            break
        # Fresh connections next time: a file whose permissions were fixed, a server back.
        self.engine.dispose()
        raise StorageError(f"could not {what} in {self.describe()}: {reason}") from failure

    # --- Schema ---

    def init_schema(self, *, timeout: float = MIGRATION_TIMEOUT_S) -> str:
        """Create or upgrade the tables (Alembic ``upgrade head``); return the revision.
        Idempotent, and safe when several processes run it at once."""
        with self._schema_lock:
            engine = create_engine(self.url, timeout=timeout, pooled=False)
            try:
                revision = migrate.upgrade(engine)
            except (sa.exc.DBAPIError, sa.exc.TimeoutError) as exc:
                raise StorageError(
                    f"could not create the tables in {self.describe()}: {_reason(exc)}"
                ) from exc
            finally:
                engine.dispose()
            self._schema_ready = True
            return revision

    def _ensure_schema(self) -> None:
        if not self._schema_ready:  # the database was down at start-up
            self.init_schema(timeout=self.timeout)

    # --- Feedback ---

    def add_feedback(
        self,
        kind: str,
        target: str,
        section: str,
        helpful: bool,
        comment: str = "",
        tried: str = "",
        *,
        language: str = "",
        now: datetime | None = None,
    ) -> int:
        """Store one answer and return its id; committed when this returns."""
        self._ensure_schema()
        moment = now or datetime.now(UTC)
        return self.run(
            "save the feedback",
            lambda connection: feedback.insert(
                connection,
                kind=kind,
                target=target,
                section=section,
                language=language,
                helpful=helpful,
                comment=comment,
                tried=tried,
                now=moment,
            ),
        )

    def add_feedback_details(
        self, feedback_id: int, helpful: bool, comment: str = "", tried: str = ""
    ) -> bool:
        """Complete an answer with what the person wrote next; False if it no longer exists."""
        self._ensure_schema()
        return self.run(
            "save the feedback",
            lambda connection: feedback.complete(
                connection, feedback_id, helpful=helpful, comment=comment, tried=tried
            ),
        )

    # --- Counting (misses and lookups, see :mod:`.counter`) ---

    def queue_miss(
        self,
        kind: str,
        term: str,
        language: str = "",
        *,
        client: str = "",
        now: datetime | None = None,
    ) -> bool:
        """Count a search that found nothing in ``language`` (the page's: "en", "de"), later
        and on another thread; True if counted. Never waits for the database. ``client`` (an
        address) is only held, hashed, for the day's ceiling per address."""
        if kind not in (MISS_QUERY, MISS_CODE):
            raise ValueError(f"unknown kind of miss: {kind!r}")
        term = term[:MAX_TERM_LENGTH]
        if not term:
            return False
        moment = now or datetime.now(UTC)
        language = language[:MAX_LANGUAGE_LENGTH]
        if not self.ceiling.allows(client, (kind, language, term), moment.date()):
            self.counts.add((MISS_DROPPED, CLIENT_FULL, moment.date()), moment)
            return False
        return self.counts.add((MISS, kind, language, term, moment.date()), moment)

    def queue_lookup(self, code: str, language: str, *, now: datetime | None = None) -> bool:
        """Count one lookup of ``code`` (a code the site recognises, or ``LOOKUP_OTHER``)."""
        moment = now or datetime.now(UTC)
        minute = moment.replace(second=0, microsecond=0)
        return self.counts.add((LOOKUP, code[:MAX_TARGET_LENGTH], language, minute), moment)

    def flush(self, timeout: float = -1) -> bool:
        """Write what this process counted so far, now (see :meth:`.counter.Counter.flush`)."""
        return self.counts.flush(timeout)

    def _write_counts(
        self, batch: Mapping[Key, Seen], dropped: Mapping[tuple[str, date], int]
    ) -> None:
        """One batch of the counter, in one transaction; then old rows (once an hour per
        process), and whether the codes of the batch are rising."""
        moment = datetime.now(UTC)
        looked_up: set[str] = set()

        def work(connection: Connection) -> None:
            for key, (times, first, last) in batch.items():
                if key[0] == LOOKUP:
                    _, code, language, minute = cast(tuple[str, str, str, datetime], key)
                    lookups.count(connection, at=minute, code=code, language=language, times=times)
                    looked_up.add(code)
                elif key[0] == MISS_DROPPED:
                    _, reason, day = cast(tuple[str, str, date], key)
                    misses.count_dropped(connection, day=day, reason=reason, times=times, now=last)
                else:
                    _, kind, language, term, day = cast(tuple[str, str, str, str, date], key)
                    misses.count(
                        connection,
                        day=day,
                        kind=kind,
                        language=language,
                        term=term,
                        times=times,
                        first=first,
                        last=last,
                        misses_per_day=self.misses_per_day,
                    )
            for (kind, day), times in dropped.items():
                if kind == LOOKUP:  # still lookups, of no code we can name
                    lookups.count(
                        connection, at=moment, code=LOOKUP_OTHER, language="", times=times
                    )
                else:
                    misses.count_dropped(
                        connection, day=day, reason=QUEUE_FULL, times=times, now=moment
                    )

        self._ensure_schema()
        self.run("count lookups and misses", work)
        if dropped:
            log.warning(
                "%d counts dropped: more kinds than the counter holds", sum(dropped.values())
            )
        if moment.timestamp() >= self._pruned_at + PRUNE_EVERY_S:
            self._pruned_at = moment.timestamp()
            self.run(
                "delete old lookups",
                lambda c: lookups.prune(c, now=moment, keep_days=self.lookups_keep_days),
            )
        if self.on_rising is not None and looked_up - {LOOKUP_OTHER}:
            self._alert_rising(looked_up - {LOOKUP_OTHER}, moment)

    def _alert_rising(self, codes: set[str], now: datetime) -> None:
        """Hand each code of ``codes`` that is rising, and whose alert of this hour no process
        has claimed yet, to ``on_rising``."""

        def work(connection: Connection) -> list[Rising]:
            found = lookup_queries.rising_codes(
                connection,
                now,
                spike_min=self.spike_min,
                spike_factor=self.spike_factor,
                codes=codes,
            )
            return [r for r in found if lookups.claim_alert(connection, code=r.code, now=now)]

        assert self.on_rising is not None
        for rising in self.run("find rising codes", work):
            self.on_rising(rising)

    def read(self, what: str, query: Callable[[Connection], T]) -> T:
        """Run one of the read queries (:mod:`.queries`, :mod:`.lookup_queries`) with a
        connection, within the time budget: ``storage.read("read lookups", lambda c: ...)``."""
        return self.run(f"read {what}", query)

    # --- Report ---

    def report(self, since: datetime, *, limit: int = 20, until: datetime | None = None) -> Report:
        """What people missed, which answers did not help, and what they looked up most, from
        ``since`` to now; and the codes rising now."""
        end = until or datetime.now(UTC)

        def work(connection: Connection) -> Report:
            return dataclasses.replace(
                queries.read(connection, since, end, limit),
                looked_up=tuple(
                    lookup_queries.lookups_per_code(connection, since, end, limit=limit)
                ),
                rising=tuple(
                    lookup_queries.rising_codes(
                        connection, end, spike_min=self.spike_min, spike_factor=self.spike_factor
                    )
                ),
            )

        return self.run("read the report", work)

    # --- Tokens ---

    def add_token(
        self, name: str, secret_hash: str, scopes: frozenset[str], *, now: datetime | None = None
    ) -> bool:
        """Keep a token's hash; False if the name is taken."""
        self._ensure_schema()
        moment = now or datetime.now(UTC)
        return self.run(
            "save the token",
            lambda connection: tokens.insert(
                connection, name=name, secret_hash=secret_hash, scopes=scopes, now=moment
            ),
        )

    def find_token(self, secret_hash: str) -> tuple[str, Token] | None:
        """The stored hash and token for ``secret_hash``, or None."""
        self._ensure_schema()
        return self.run("check the token", lambda connection: tokens.find(connection, secret_hash))

    def list_tokens(self) -> list[Token]:
        self._ensure_schema()
        return self.run("list the tokens", tokens.every)

    def revoke_token(self, name: str) -> bool:
        """Forget the token ``name``; False if there was none."""
        self._ensure_schema()
        return self.run("revoke the token", lambda connection: tokens.delete(connection, name))

    # --- Notices ---

    def add_notice(self, fields: Mapping[str, Any], by: str, now: datetime) -> int:
        """Store a new notice and its audit row, in one transaction; its id."""
        self._ensure_schema()
        return self.run(
            "post the notice", lambda connection: notices.insert(connection, fields, by, now)
        )

    def change_notice(
        self,
        notice_id: int,
        change: Callable[[dict[str, Any]], dict[str, Any]],
        by: str,
        now: datetime,
        action: str = "changed",
    ) -> dict[str, Any] | None:
        """Read a notice, apply ``change`` (stored fields to the new ones; it may raise, and
        then nothing is stored) and store the result with its audit row, in one transaction.
        The new fields, or None when there is no such notice."""
        self._ensure_schema()

        def work(connection: Connection) -> dict[str, Any] | None:
            stored = notices.get(connection, notice_id, lock=True)
            if stored is None:
                return None
            new = change(stored)
            notices.update(connection, notice_id, new, by, now, action)
            return {**stored, **new}

        return self.run("change the notice", work)

    def notice(self, notice_id: int) -> dict[str, Any] | None:
        self._ensure_schema()
        return self.run("read the notice", lambda connection: notices.get(connection, notice_id))

    def current_notices(self, now: datetime) -> tuple[int, list[dict[str, Any]]]:
        """The notices' version and every notice not ended by ``now``, read together."""
        self._ensure_schema()
        return self.run(
            "read the notices",
            lambda connection: (notices.version(connection), notices.current(connection, now)),
        )

    def notices_version(self) -> int:
        """A number that changes with every post, change and end: cheap to poll."""
        self._ensure_schema()
        return self.run("read the notices' version", notices.version)

    def recent_notices(self, since: datetime) -> list[dict[str, Any]]:
        self._ensure_schema()
        return self.run("list the notices", lambda connection: notices.recent(connection, since))

    def notice_history(self, notice_id: int) -> list[dict[str, Any]]:
        self._ensure_schema()
        return self.run(
            "read the notice's history", lambda connection: notices.history(connection, notice_id)
        )

    def dispose(self) -> None:
        self.engine.dispose()


def _after_fork(ref: weakref.ReferenceType[Storage]) -> None:
    storage = ref()
    if storage is not None:
        # The parent's connections belong to the parent: forget them without closing them.
        storage.engine.dispose(close=False)


def _reason(exc: sa.exc.SQLAlchemyError) -> str:
    """The first line of the driver's message, without SQLAlchemy's statement dump."""
    original = getattr(exc, "orig", None) or exc
    return (str(original).strip().splitlines() or [type(original).__name__])[0]
