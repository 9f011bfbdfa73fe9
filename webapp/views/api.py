"""The JSON API: ``/api/search``, ``/api/codes`` and ``/api/codes/<code>``.

Errors are JSON too (see :mod:`webapp.views.errors`): a bad parameter is Werkzeug's
``BadRequest``, a 400 that says which parameter and why (and carries the request id like every
error), never a 500.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify, request
from flask.typing import ResponseReturnValue
from markupsafe import escape
from werkzeug.exceptions import BadRequest

from webapp.caching import personal, public
from webapp.content import current_content
from webapp.content.model import CODE, CodeEntry
from webapp.i18n import current_language, url_in_language
from webapp.notices import active_notices, notice_json
from webapp.search import current_engine
from webapp.search.families import Explanation
from webapp.search.identifiers import holds_identifiers
from webapp.search.index import Hit
from webapp.site_texts import contact_for
from webapp.views.codes import prepared_message
from webapp.views.search import read_query

bp = Blueprint("api", __name__, url_prefix="/api")

DEFAULT_LIMIT, MAX_LIMIT = 10, 50


def _limit() -> int:
    raw = request.args.get("limit", "")
    if not raw:
        return DEFAULT_LIMIT
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_LIMIT:
        raise BadRequest(f"'limit' must be a whole number from 1 to {MAX_LIMIT}.")
    return int(raw)


def _code_url(code: str) -> str:
    return url_in_language("codes.code", typed=code)


def entry_json(entry: CodeEntry) -> dict[str, Any]:
    return {
        "code": entry.code,
        "language": entry.language,  # the default language's while it is not translated
        "title": entry.title,
        "summary": entry.summary_text,
        "steps": list(entry.steps_text),
        "contact_it": entry.contact_text,
        "keywords": list(entry.keywords),
        "name": entry.name or None,
        "fixer": entry.fixer,
        "lookup_url": entry.lookup_url,
        "for_it": entry.for_it_text or None,
        "for_it_source": entry.for_it_source or None,
        "url": _code_url(entry.code),
    }


def explanation_json(explanation: Explanation) -> dict[str, Any]:
    family = explanation.family
    return {
        "code": explanation.code,
        "family": None if family is None else {"prefix": family.prefix, "name": family.name},
        "number": None
        if explanation.number is None
        else {
            "decoder": explanation.decoder,
            "value": explanation.number,
            "name": explanation.number_name or None,
        },
    }


def _hit_json(hit: Hit) -> dict[str, Any]:
    document = hit.document
    if document.kind == CODE:
        url = _code_url(document.key)
    else:
        url = url_in_language("pages.page", slug=document.key, _anchor=document.anchor or None)
    return {
        "kind": document.kind,
        "code": document.key if document.kind == CODE else None,
        "language": document.language,
        "title": document.title,
        "url": url,
        "snippet": str(hit.snippet),
    }


def _message_json(code: str, title: str | None) -> dict[str, Any]:
    """The message for IT, as the code's page offers it (the time still a blank)."""
    message = prepared_message(code, title, _code_url(code), contact_for(code))
    return {
        "subject": message.subject,
        "body": message.body,
        "mailto": message.mailto,
        "helpdesk_url": message.helpdesk_url,
    }


def _notices_json(code: str) -> dict[str, Any]:
    """What IT says now about ``code``: its notices and those for everyone, and whether people
    still need to report the problem."""
    active = active_notices()
    language = current_language()
    return {
        "notices": [
            notice_json(notice, language) for notice in (*active.for_code(code), *active.everyone)
        ],
        "report": active.needs_report(code),
    }


@bp.get("/search")
@public(query=("q", "lang", "limit"), revalidate=True)
def search() -> ResponseReturnValue:
    query, problem = read_query()
    if problem:
        raise BadRequest(problem)
    if holds_identifiers(query):
        personal()  # the answer repeats the query, and with it the person's IDs
    limit = _limit()
    response = current_engine().search(query, limit)
    results = [_hit_json(hit) for hit in response.hits]
    if response.entry is not None:
        entry = response.entry
        results.insert(
            0,
            {
                "kind": CODE,
                "code": entry.code,
                "title": entry.title,
                "url": _code_url(entry.code),
                "snippet": str(escape(entry.summary_text)),
            },
        )
    body: dict[str, Any] = {"query": query, "code": response.code, "results": results[:limit]}
    if response.explanation is not None:
        body["explanation"] = explanation_json(response.explanation)
    if response.did_you_mean:
        body["did_you_mean"] = [e.code for e in response.did_you_mean]
    if response.spellings:
        body["spellings"] = list(response.spellings)
    return jsonify(body)


@bp.get("/codes")
@public(query=("lang",))
def codes() -> ResponseReturnValue:
    return jsonify(codes=[entry_json(entry) for entry in current_content().codes])


@bp.get("/codes/<path:typed>")
@public(query=("lang",))
def code(typed: str) -> ResponseReturnValue:
    if holds_identifiers(typed):
        personal()  # an address someone made of their own paste: never kept
    found = current_engine().resolve(typed)
    if found.choices:
        body = {
            "error": "ambiguous",
            "message": f"'{found.typed}' could be more than one code; choose one.",
            "status": 300,
            "choices": [entry_json(entry) for entry in found.choices],
        }
        return jsonify(body), 300
    if found.code is None:
        raise BadRequest(f"'{typed[:60]}' is not a status code (like 0xCAA20003 or AADSTS50126).")
    if found.entry is not None:
        entry = found.entry
        return jsonify(
            {
                **entry_json(entry),
                **_notices_json(entry.code),
                "message_for_it": _message_json(entry.code, entry.title),
            }
        )
    assert found.explanation is not None  # a code without an entry is always explained
    body = {
        "error": "not_found",
        "message": f"{found.code} is not in the catalogue; here is what its family says.",
        "status": 404,
        "explanation": explanation_json(found.explanation),
        "did_you_mean": [e.code for e in found.did_you_mean],
        "message_for_it": _message_json(found.code, None),
    }
    return jsonify(body), 404


@bp.route("/<path:anything>")
@public  # the same 404 for everyone
def unknown(anything: str) -> ResponseReturnValue:
    abort(404)
