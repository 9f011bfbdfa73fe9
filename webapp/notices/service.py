"""The one place notices are posted, changed and ended: the CLI, the API and the IT desk's
form all call these, so the checks, the audit trail and the log line are the same for each.

Every function checks what was sent (:func:`webapp.notices.model.check`), stores the notice and
its audit row in one transaction (nothing half-saved), logs one line, and nudges this worker's
board; the other workers see it at their next poll. A database that cannot be reached raises
:class:`webapp.storage.StorageError`, and nothing was stored.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flask import current_app

from webapp.content import current_site
from webapp.notices.board import Active
from webapp.notices.model import (
    MAX_BY_LENGTH,
    Notice,
    NoticeError,
    check,
    describe,
    language_of,
)
from webapp.storage import current_storage

log = logging.getLogger(__name__)

EXTENSION_KEY = "notices"


class NoSuchNotice(LookupError):
    """No notice has that id."""


class NoticeEnded(ValueError):
    """The notice has ended already: it cannot be changed or ended again."""


def languages() -> tuple[str, ...]:
    """The languages a notice may have words in: the site's, in the order of its switcher
    (the default language first; its text is the one required)."""
    return current_site().languages


def _who(by: str) -> str:
    by = by.strip()
    if not by:
        raise NoticeError("by", "who posts the notice must be named")
    return by[:MAX_BY_LENGTH]


def _done(notice: Notice, action: str, by: str, fields: Mapping[str, Any]) -> Notice:
    log.info(
        "Notice %d %s by %s: %s",
        notice.id,
        action,
        by,
        json.dumps(describe(fields), ensure_ascii=False, sort_keys=True),
    )
    current_app.extensions[EXTENSION_KEY].nudge()
    return notice


def post(sent: Mapping[str, Any], by: str, now: datetime | None = None) -> Notice:
    """Post a new notice from the fields sent; raises NoticeError (nothing stored)."""
    now = now or datetime.now(UTC)
    by = _who(by)
    fields = check(sent, now, languages())
    notice_id = current_storage().add_notice(fields, by, now)
    notice = Notice.of(notice_id, {**fields, "posted_by": by, "posted_at": now})
    return _done(notice, "posted", by, fields)


def change(notice_id: int, sent: Mapping[str, Any], by: str, now: datetime | None = None) -> Notice:
    """Change the fields sent of a notice that has not ended."""
    now = now or datetime.now(UTC)
    by = _who(by)
    if not sent:
        raise NoticeError("fields", "nothing to change was sent")
    site_languages = languages()

    def changed(stored: dict[str, Any]) -> dict[str, Any]:
        if stored["ends_at"] <= now:
            raise NoticeEnded(f"Notice {notice_id} has ended; post a new one.")
        return check(sent, now, site_languages, current=stored)

    stored = current_storage().change_notice(notice_id, changed, by, now)
    if stored is None:
        raise NoSuchNotice(f"There is no notice {notice_id}.")
    # The log line names what was sent, as it was stored.
    names = {"title": "texts", "text": "texts", "starts": "starts_at", "ends": "ends_at"}
    stored_names = {"texts" if language_of(name) else names.get(name, name) for name in sent}
    logged = {name: stored[name] for name in stored_names}
    return _done(Notice.of(notice_id, stored), "changed", by, logged)


def end(notice_id: int, by: str, now: datetime | None = None) -> Notice:
    """End a notice now: it disappears from every page within the poll interval."""
    now = now or datetime.now(UTC)
    by = _who(by)

    def ended(stored: dict[str, Any]) -> dict[str, Any]:
        if stored["ends_at"] <= now:
            raise NoticeEnded(f"Notice {notice_id} has ended already.")
        starts = min(stored["starts_at"], now)
        return {"starts_at": starts, "ends_at": now}

    stored = current_storage().change_notice(notice_id, ended, by, now, action="ended")
    if stored is None:
        raise NoSuchNotice(f"There is no notice {notice_id}.")
    return _done(Notice.of(notice_id, stored), "ended", by, {"ends_at": now})


def active_notices() -> Active:
    """The notices this worker shows now (an immutable snapshot; cheap, no database)."""
    return current_app.extensions[EXTENSION_KEY].current()


def get(notice_id: int) -> Notice:
    """One stored notice, ended or not."""
    stored = current_storage().notice(notice_id)
    if stored is None:
        raise NoSuchNotice(f"There is no notice {notice_id}.")
    return Notice.of(notice_id, stored)


def recent(since: datetime) -> list[Notice]:
    """Notices not ended, and those ended after ``since``, newest first."""
    return [Notice.of(row["id"], row) for row in current_storage().recent_notices(since)]


def history(notice_id: int) -> list[dict[str, Any]]:
    """Every change of a notice: ``action``, ``changed_by``, ``changed_at``, ``fields``."""
    return current_storage().notice_history(notice_id)
