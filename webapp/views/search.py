"""``/search``: a code goes straight to its page; anything else gets ranked results.

Also serves ``/opensearch.xml`` so browsers can add the site as a search engine.
"""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from webapp.caching import personal, public
from webapp.feedback import record_search_miss
from webapp.search import current_engine
from webapp.search.identifiers import holds_identifiers, pasted_details
from webapp.search.normalise import MAX_QUERY_FOR_CODES
from webapp.site_texts import site_name
from webapp.views.codes import code_page

bp = Blueprint("search", __name__)

# A whole pasted "More details" block fits; the box says so with its maxlength, a link or a
# script that sends more gets a clear 400.
MAX_QUERY_LENGTH = MAX_QUERY_FOR_CODES
RESULTS_PER_PAGE = 10


def read_query() -> tuple[str, str | None]:
    """The query ``q`` of the request, and a message for the person if it cannot be used."""
    query = request.args.get("q", "").strip()
    if len(query) > MAX_QUERY_LENGTH:
        return query, _(
            "That search is %(length)d characters long; please keep it under %(limit)d. "
            "A status code, the error's details or a few words work best.",
            length=len(query),
            limit=MAX_QUERY_LENGTH,
        )
    if "\x00" in query:
        return query.replace("\x00", ""), _("That search contains a character we cannot read.")
    return query, None


@bp.get("/search")
@public(query=("q",), revalidate=True)  # asked again each time: misses are counted
def search() -> ResponseReturnValue:
    query, problem = read_query()
    if problem:
        return render_template("search/results.html", query=query, problem=problem), 400
    if not query:
        return render_template("search/results.html", query="", response=None)
    if holds_identifiers(query):
        personal()  # never kept, by us or any cache: the person's IDs are in the answer
    response = current_engine().search(query, RESULTS_PER_PAGE)
    if response.code is not None:
        details = pasted_details(query)
        if details is not None:
            # A pasted error's own page, its IDs in the message for IT. Answered here rather
            # than redirected, so that the IDs never travel in another address.
            return code_page(response.code, details)
        # Any recognised code lands on its page, known or only explained by its family.
        # 303: the result of a search, not a permanent move of /search.
        return redirect(url_for("codes.code", typed=response.code), 303)
    record_search_miss(response)  # counted on this and every later answer: webapp.counting
    return render_template("search/results.html", query=query, response=response)


@bp.get("/opensearch.xml")
@public
def opensearch() -> ResponseReturnValue:
    xml = render_template("search/opensearch.xml", site_name=site_name())
    return current_app.response_class(xml, mimetype="application/opensearchdescription+xml")
