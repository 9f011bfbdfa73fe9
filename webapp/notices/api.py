"""The notices in JSON: ``GET /api/notices`` for anyone; ``POST /api/notices``,
``PATCH /api/notices/<id>`` and ``DELETE /api/notices/<id>`` (ends it) with a token that has
the ``notices`` scope (see :mod:`webapp.tokens`).

Bad fields answer 400 with the ``field`` named; a database that cannot be reached, 503 saying
that nothing was posted. Nothing is ever half-saved: the notice and its audit row are one
transaction.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request, url_for
from flask.typing import ResponseReturnValue

from webapp.caching import public
from webapp.i18n import current_language
from webapp.notices import service
from webapp.notices.model import DEFAULT_LANGUAGE, Notice, NoticeError
from webapp.storage import StorageError
from webapp.tokens import current_token, require

bp = Blueprint("notices_api", __name__, url_prefix="/api")


def notice_json(notice: Notice, language: str, *, private: bool = False) -> dict[str, Any]:
    """A notice as the API tells it, in ``language`` (its English text when it has none);
    ``private`` adds who posted it, for those with a token."""
    text = notice.text(language)
    answer: dict[str, Any] = {
        "id": notice.id,
        "level": notice.level,
        "title": text.title,
        "text": text.markdown,
        "html": str(text.html),
        "language": text.language,
        "codes": list(notice.codes),
        "starts": notice.starts_at.isoformat(),
        "ends": notice.ends_at.isoformat(),
        "report": notice.report,
    }
    if private:
        answer["texts"] = {
            language: {"title": words.title, "text": words.markdown}
            for language in service.languages()
            if (words := notice.texts.get(language))
        }
        answer["posted_by"] = notice.posted_by
        answer["posted_at"] = notice.posted_at.isoformat()
    return answer


def _problem(status: int, error: str, message: str, **extra: Any) -> ResponseReturnValue:
    return jsonify(error=error, message=message, status=status, **extra), status


def _sent() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise NoticeError("body", "must be a JSON object of the notice's fields")
    return body


def _guarded(action: str, work: Any) -> ResponseReturnValue:
    """Run ``work()``; turn each failure into its JSON answer, saying nothing was stored."""
    try:
        return work()
    except NoticeError as exc:
        return _problem(400, "bad_request", exc.message, field=exc.field)
    except service.NoSuchNotice as exc:
        return _problem(404, "not_found", str(exc))
    except service.NoticeEnded as exc:
        return _problem(409, "conflict", str(exc))
    except StorageError as exc:
        current_app.logger.error("Notice not %s: %s", action, exc)
        return _problem(
            503,
            "service_unavailable",
            f"The database cannot be reached: the notice was NOT {action}. Try again shortly.",
        )


@bp.get("/notices")
@public(query=("lang",))
def listing() -> ResponseReturnValue:
    """The active notices, for everyone and by code."""
    language = request.args.get("lang") or current_language()
    return jsonify(
        notices=[notice_json(notice, language) for notice in service.active_notices().notices]
    )


@bp.post("/notices")
@require("notices")
def create() -> ResponseReturnValue:
    def work() -> ResponseReturnValue:
        notice = service.post(_sent(), current_token().name)
        location = url_for("notices_api.one", notice_id=notice.id)
        answer = notice_json(notice, DEFAULT_LANGUAGE, private=True)
        return jsonify(answer), 201, {"Location": location}

    return _guarded("posted", work)


@bp.patch("/notices/<int:notice_id>")
@require("notices")
def update(notice_id: int) -> ResponseReturnValue:
    def work() -> ResponseReturnValue:
        notice = service.change(notice_id, _sent(), current_token().name)
        return jsonify(notice_json(notice, DEFAULT_LANGUAGE, private=True))

    return _guarded("changed", work)


@bp.delete("/notices/<int:notice_id>")
@require("notices")
def finish(notice_id: int) -> ResponseReturnValue:
    def work() -> ResponseReturnValue:
        notice = service.end(notice_id, current_token().name)
        return jsonify(notice_json(notice, DEFAULT_LANGUAGE, private=True))

    return _guarded("ended", work)


@bp.get("/notices/<int:notice_id>")
@require("notices")
def one(notice_id: int) -> ResponseReturnValue:
    """One notice with its history, for those who may change it."""

    def work() -> ResponseReturnValue:
        answer = notice_json(service.get(notice_id), DEFAULT_LANGUAGE, private=True)
        answer["history"] = [
            {
                "action": change["action"],
                "by": change["changed_by"],
                "at": change["changed_at"].isoformat(),
                "fields": change["fields"],
            }
            for change in service.history(notice_id)
        ]
        return jsonify(answer)

    return _guarded("read", work)
