"""The code table (``/codes``) and one page per code (``/codes/<code>``).

Every spelling of a code redirects (301) to its canonical address, ``/codes/0xCAA20003``. A
well-formed code the table lacks still gets a helpful page, explained by its family, with a
404 status so that it is never mistaken for a page we wrote.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from webapp.content import current_content
from webapp.content.model import NO_CODE
from webapp.feedback import note_unknown_code
from webapp.search import current_engine
from webapp.search.codes import near_code_digits, normalise_code
from webapp.views.contact import message_for_it

bp = Blueprint("codes", __name__, url_prefix="/codes")


@bp.get("")
def table() -> ResponseReturnValue:
    return render_template("codes/table.html", codes=current_content().codes)


@bp.get("/<path:typed>")
def code(typed: str) -> ResponseReturnValue:
    engine = current_engine()
    canonical = NO_CODE if typed.strip().lower() == NO_CODE else normalise_code(typed)
    if canonical is None:
        near = near_code_digits(typed)
        suggestions = engine.similar_codes(near) if near else ()
        return render_template("codes/not_a_code.html", typed=typed, did_you_mean=suggestions), 404
    if canonical != typed:
        return redirect(url_for(".code", typed=canonical), 301)
    entry = engine.lookup(canonical)
    page_url = url_for(".code", typed=canonical, _external=True)
    if entry is not None:
        return render_template(
            "codes/code.html",
            entry=entry,
            explanation=engine.explain(canonical),
            related=engine.related(canonical),
            message=message_for_it(canonical, entry.title, page_url),
        )
    note_unknown_code(canonical)  # counted after the page is sent
    return render_template(
        "codes/unknown.html",
        code=canonical,
        explanation=engine.explain(canonical),
        did_you_mean=engine.similar_codes(canonical[2:]),
        related=engine.related(canonical),
        message=message_for_it(canonical, None, page_url),
    ), 404
