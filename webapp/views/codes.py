"""The code table (``/codes``) and one page per code (``/codes/<code>``).

Every spelling of a code redirects (301) to its canonical address, ``/codes/0xCAA20003``. A
well-formed code the table lacks still gets a helpful page, explained by its family, with a
404 status so that it is never mistaken for a page we wrote. What is asked for here is counted
outside the view, on every request, cached or not (:mod:`webapp.counting`).
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from webapp.addresses import external_url
from webapp.caching import personal, public
from webapp.content import current_site
from webapp.feedback import ANSWERED_ARG
from webapp.i18n import current_language, url_in_language
from webapp.message_for_it import ForIT, MessageForIT, it_language, message_for_it
from webapp.search import current_engine
from webapp.search.identifiers import PastedDetails, holds_identifiers
from webapp.search.table import CodeGroup, TableFilter, problems
from webapp.site_texts import contact_for

bp = Blueprint("codes", __name__, url_prefix="/codes")

TABLE_ARGS = ("family", "fixer", "q")  # in TableFilter's order
MAX_TABLE_TEXT = 100


@bp.get("")
@public(query=TABLE_ARGS)
def table() -> ResponseReturnValue:
    """Every code, by family; ``family``, ``fixer`` and ``q`` narrow it (a GET form, so it works
    without JavaScript; the script narrows the same rows as people type)."""
    groups = current_engine().table
    chosen = TableFilter(*(request.args.get(name, "").strip() for name in TABLE_ARGS))
    wrong = problems(chosen, groups)
    if len(chosen.text) > MAX_TABLE_TEXT:
        wrong.append("q")
    if wrong:
        # Shown unnarrowed, with what was typed kept in the form and what was wrong said.
        return render_table(groups, TableFilter(text=chosen.text), chosen, wrong), 400
    return render_table(groups, chosen, chosen, [])


def render_table(
    groups: tuple[CodeGroup, ...], applied: TableFilter, typed: TableFilter, wrong: list[str]
) -> str:
    kept = {
        entry.code
        for group in groups
        for entry in group.entries
        if not applied.active or applied.keeps(group, entry)
    }
    return render_template(
        "codes/table.html",
        groups=groups,
        kept=kept,
        total=sum(len(group.entries) for group in groups),
        narrowed=applied.active,
        typed=typed,
        wrong=wrong,
        max_text=MAX_TABLE_TEXT,
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
    contact = contact_for(code)
    if found.entry is not None:
        return render_template(
            "codes/code.html",
            entry=found.entry,
            explanation=engine.explain(code),
            related=engine.related(found.entry),
            message=prepared_message(code, found.entry.title, page_url, contact, details),
            contact=contact,
        )
    return render_template(
        "codes/unknown.html",
        code=code,
        explanation=found.explanation,
        did_you_mean=found.did_you_mean,
        related=engine.same_family(code),
        message=prepared_message(code, None, page_url, contact, details),
        contact=contact,
    ), 404


def prepared_message(
    code: str,
    title: str | None,
    page_url: str,
    contact: dict[str, str],
    details: PastedDetails | None = None,
) -> MessageForIT:
    """The message for IT about ``code`` (its entry's ``title``, if it has one), in the
    page's language and, when IT reads another, with its part in IT's language."""
    language = it_language()
    if language == current_language():
        return message_for_it(code, title, page_url, contact, details)
    site = current_site()
    # A translation holds every entry (the English one where untranslated); the default
    # language's is there for one that does not.
    entry = site.contents[language].code_by_id.get(code) or site.default.code_by_id.get(code)
    for_it = ForIT(
        language,
        entry.title if entry is not None and title is not None else None,
        url_in_language("codes.code", typed=code, language=language),
    )
    return message_for_it(code, title, page_url, contact, details, for_it)
