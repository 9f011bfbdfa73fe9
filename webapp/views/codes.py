"""The code table (``/codes``) and one page per code (``/codes/<code>``).

Every spelling of a code redirects (301) to its canonical address, ``/codes/0xCAA20003``. A
well-formed code the table lacks still gets a helpful page, explained by its family, with a
404 status so that it is never mistaken for a page we wrote. What is asked for here is counted
outside the view, on every request, cached or not (:mod:`webapp.counting`).
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from webapp.addresses import external_url
from webapp.caching import personal, public
from webapp.content import current_content
from webapp.content.model import code_number
from webapp.feedback import ANSWERED_ARG
from webapp.message_for_it import message_for_it
from webapp.search import current_engine
from webapp.search.identifiers import PastedDetails, holds_identifiers

bp = Blueprint("codes", __name__, url_prefix="/codes")


@bp.get("")
@public
def table() -> ResponseReturnValue:
    codes = current_content().codes
    return render_template(
        "codes/table.html",
        app_codes=[entry for entry in codes if not entry.is_aadsts],
        entra_codes=sorted((e for e in codes if e.is_aadsts), key=lambda e: code_number(e.code)),
    )


@bp.get("/<path:typed>")
@public(query=(ANSWERED_ARG,))
def code(typed: str) -> ResponseReturnValue:
    if holds_identifiers(typed):
        personal()  # an address someone made of their own paste: never kept, even as a 301
    found = current_engine().resolve(typed)
    if found.choices:
        return render_template("codes/choices.html", typed=found.typed, choices=found.choices)
    if found.code is None:
        return render_template(
            "codes/not_a_code.html", typed=typed, did_you_mean=found.did_you_mean
        ), 404
    if found.code != typed:
        return redirect(url_for(".code", typed=found.code), 301)
    return code_page(found.code)


def code_page(code: str, details: PastedDetails | None = None) -> ResponseReturnValue:
    """The page of the canonical ``code``: its entry, or what its family says (a 404). With the
    ``details`` of a pasted error, their IDs are in the message for IT."""
    engine = current_engine()
    found = engine.resolve(code)
    page_url = external_url("codes.code", typed=code)
    if found.entry is not None:
        return render_template(
            "codes/code.html",
            entry=found.entry,
            explanation=engine.explain(code),
            related=engine.related(code),
            message=message_for_it(code, found.entry.title, page_url, details),
        )
    return render_template(
        "codes/unknown.html",
        code=code,
        explanation=found.explanation,
        did_you_mean=found.did_you_mean,
        related=engine.related(code),
        message=message_for_it(code, None, page_url, details),
    ), 404
