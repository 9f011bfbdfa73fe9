"""``/it/``: the IT desk's pages. Every answer is private and never kept; nobody gets data
without signing in (see :mod:`.access`)."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from webapp import tokens
from webapp.config import settings_of
from webapp.content import current_site
from webapp.i18n import OUTER_ROOT_KEY, address_language
from webapp.it_desk import access, oidc
from webapp.it_desk.charts import bars
from webapp.it_desk.export import csv_response
from webapp.it_desk.forms import HandledForm, LanguageForm, PlainForm, TokenForm
from webapp.it_desk.lists import PERIODS as LIST_PERIODS
from webapp.it_desk.lists import (
    UNHELPFUL,
    miss_rows,
    ordered,
    read_report,
    since_of,
    unhelpful_rows,
)
from webapp.it_desk.lookups import read_codes, read_now
from webapp.logs import request_id
from webapp.ratelimit import count_failure, failures_wait
from webapp.storage import MISS_CODE, MISS_QUERY, StorageError, current_storage
from webapp.storage.handled import feedback_per_code, mark

bp = Blueprint("it_desk", __name__, url_prefix="/it")
log = logging.getLogger(__name__)

TOKEN_FAILURES = "token"  # the rate limit of wrong tokens, shared with the API's
LANGUAGE_KEY = "language"  # session: the desk's language, once chosen
# Views anyone may reach: the sign-in and its steps.
OPEN_ENDPOINTS = frozenset(
    {"it_desk.sign_in", "it_desk.token_sign_in", "it_desk.organisation", "it_desk.callback"}
)
# Titles in the reader's language (Werkzeug's are English, for machines), and what to do.
ERROR_TEXTS = {
    400: (_l("That could not be done"), _l("Please go back, reload the page and try again.")),
    403: (_l("Not allowed"), _l("This is not open to you.")),
    404: (_l("Not found"), _l("There is no such page on the IT desk.")),
    405: (_l("Not possible here"), _l("This address can be read, but not sent to.")),
    429: (_l("Too many tries"), _l("Please wait a little, then try again.")),
    503: (
        _l("The database did not answer"),
        _l("The IT desk cannot read or save anything just now. Please try again in a moment."),
    ),
}
EXPIRED = _l(
    "This form had expired (or came without its token). Please reload the page and try again."
)
OWN_REASONS = frozenset({400, 403})  # the desk's 400s and 403s always say why
PERIODS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}
MAX_CUSTOM_DAYS = 400


# --- Every request: language, who it is, and the headers of a private answer ---------------


@bp.before_request
def _desk_only_at_its_own_address() -> ResponseReturnValue | None:
    """``/de/it/…`` goes to ``/it/…``: the desk's cookie lives at ``/it/`` only, and the desk
    keeps its language in the session instead of the address. (Nothing is written here: the
    browser sent no desk cookie to this address, and a new one would sign the person out.)"""
    if address_language(request.environ):
        outer = request.environ.get(OUTER_ROOT_KEY, "")
        return redirect(outer + request.full_path.rstrip("?"), 303)
    g.language = _desk_language()
    return None


@bp.before_request
def _signed_in_and_allowed() -> ResponseReturnValue | None:
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    person = access.current_person()
    if person is None:
        # Never data: the sign-in, and back here after it.
        return redirect(url_for(".sign_in", next=_here()), 303)
    g.person = person
    return None


@bp.after_request
def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.errorhandler(HTTPException)
def _error_page(error: HTTPException) -> ResponseReturnValue:
    """The desk's errors in its own layout, saying what went wrong (a refused form, a read-only
    token, an account not allowed), never the public site's words."""
    status = error.code or 500
    title, description = ERROR_TEXTS.get(status, (error.name, error.description))
    page = render_template(
        "it/error.html",
        status=status,
        error_title=title,
        # The desk's own reasons (abort(..., description=...)) are already in the reader's words.
        error_description=error.description if status in OWN_REASONS else description,
        request_id=request_id(),
    )
    return page, status


def _desk_language() -> str:
    site = current_site()
    chosen = session.get(LANGUAGE_KEY)
    if chosen in site.offered_languages:
        return chosen
    return request.accept_languages.best_match(site.offered_languages, site.default_language)


def _here() -> str:
    return request.full_path.rstrip("?") if request.method == "GET" else url_for(".now")


def may_change() -> None:
    """403 for someone who may only read (a token with the ``read`` scope alone)."""
    if not g.person.may_change:
        log.warning("IT desk: %s may only read; refused %s", g.person.audit_name, request.path)
        abort(
            403,
            description=gettext(
                "Your token may only read. Sign in, or use a token made with --scope notices."
            ),
        )


@bp.app_context_processor
def _desk_values() -> dict[str, Any]:
    if request.blueprint != bp.name:
        return {}
    # Form classes, not forms: making a form writes its token into the session, which the
    # page between the identity provider and the desk must not touch (see callback()).
    return {
        "person": g.get("person"),
        "sign_out_form": PlainForm,
        "language_form": LanguageForm,
        "desk_languages": current_site().offered_languages,
    }


# --- Signing in and out --------------------------------------------------------------------


@bp.get("/sign-in")
def sign_in() -> ResponseReturnValue:
    return _sign_in_page(TokenForm(), 200)


def _sign_in_page(form: TokenForm, status: int, problem: str = "") -> ResponseReturnValue:
    return (
        render_template(
            "it/sign_in.html",
            form=form,
            oidc=oidc.configured(),
            next=_safe_next(request.args.get("next")),
            problem=problem,
        ),
        status,
    )


def _safe_next(target: str | None) -> str:
    """Only a path of the desk itself: never another site (an open redirect)."""
    if target and target.startswith("/it/") and not target.startswith("//"):
        return target
    return url_for(".now")


@bp.post("/sign-in")
def token_sign_in() -> ResponseReturnValue:
    """The way in with a token (``flask --app webapp token create``), when the organisation's
    sign-in is down or not set up. Wrong tokens count against the same per-address limit as
    the API's (:func:`webapp.ratelimit.count_failure`)."""
    form = TokenForm()
    if not form.validate():
        return _sign_in_page(form, 400)
    wait = failures_wait(TOKEN_FAILURES)
    if wait:
        message = gettext("Too many wrong tokens from this address; try again in %(s)d s.", s=wait)
        return _sign_in_page(form, 429, message)
    try:
        token = tokens.verify(form.token.data.strip())
    except StorageError as exc:
        log.error("IT desk: token not checked: %s", exc)
        message = gettext("The token could not be checked just now (the database did not answer).")
        return _sign_in_page(form, 503, message)
    if token is None:
        count_failure(TOKEN_FAILURES)
        log.warning("IT desk: a sign-in with a wrong token from %s", request.remote_addr)
        return _sign_in_page(form, 401, gettext("This token is not valid (or was revoked)."))
    person = access.person_of_token(token)
    access.sign_in(person)
    log.info("IT desk: %s signed in with a token", person.audit_name)
    return redirect(_safe_next(request.args.get("next")), 303)


@bp.get("/sign-in/organisation")
def organisation() -> ResponseReturnValue:
    if not oidc.configured():
        abort(404)
    session["next"] = _safe_next(request.args.get("next"))
    try:
        return oidc.start(url_for(".callback", _external=True))
    except oidc.SignInFailed as exc:
        log.error("IT desk: sign-in could not start: %s", exc)
        return _sign_in_page(
            TokenForm(),
            503,
            gettext("Your organisation's sign-in cannot be reached just now. Use a token below."),
        )


@bp.get("/callback")
def callback() -> ResponseReturnValue:
    """Where the identity provider sends the browser back.

    The desk's cookie is ``SameSite=Strict``, so a browser coming straight from the identity
    provider's site does not send it; this answer then sends the browser here once more from
    the desk's own page (a meta refresh, no script), and that request carries it."""
    if not oidc.configured():
        abort(404)
    if request.args.get("from") != "desk":
        again = url_for(".callback") + "?" + urlencode({**request.args.to_dict(), "from": "desk"})
        # Nothing here may write the session: the browser did not send it, and a new cookie
        # would replace the one that holds this sign-in's state.
        return render_template("it/continue.html", target=again, bare=True), 200
    try:
        claims = oidc.identity()
    except oidc.SignInFailed as exc:
        log.warning("IT desk: sign-in refused: %s", exc)
        return _sign_in_page(
            TokenForm(),
            400,
            gettext(
                "The sign-in could not be checked, so you are not signed in. Please try again."
            ),
        )
    who = str(claims.get("email") or claims.get("preferred_username") or claims.get("sub"))
    if not access.allowed(claims, settings_of(current_app).it_allowed):
        log.warning("IT desk: %s signed in but is not in IT_ALLOWED; refused", who)
        access.sign_out()
        abort(
            403,
            description=gettext(
                "You are signed in as %(who)s, but this account may not use the IT desk. "
                "Ask the site's administrator to add it to IT_ALLOWED.",
                who=who,
            ),
        )
    next_page = _safe_next(session.get("next"))
    access.sign_in(access.Person(who, access.OIDC, may_change=True))
    log.info("IT desk: %s signed in", who)
    return redirect(next_page, 303)


@bp.post("/sign-out")
def sign_out() -> ResponseReturnValue:
    if not PlainForm().validate():
        abort(400, description=gettext(EXPIRED))
    log.info("IT desk: %s signed out", g.person.audit_name)
    access.sign_out()
    return redirect(url_for(".sign_in"), 303)


@bp.post("/language")
def language() -> ResponseReturnValue:
    form = LanguageForm()
    if not form.validate() or form.language.data not in current_site().offered_languages:
        abort(400, description=gettext(EXPIRED))
    session[LANGUAGE_KEY] = form.language.data
    return redirect(_safe_next(request.args.get("next")), 303)


# --- Now -----------------------------------------------------------------------------------


@bp.get("/")
def now() -> ResponseReturnValue:
    try:
        lookups = read_now(datetime.now(UTC))
    except StorageError as exc:
        log.error("IT desk: %s", exc)
        abort(503)
    chart = bars([hour.count for hour in lookups.hours])
    return render_template("it/now.html", lookups=lookups, chart=chart)


@bp.get("/now.csv")
def now_csv() -> ResponseReturnValue:
    """The Now page's three tables in one file, told apart by their first column."""
    try:
        lookups = read_now(datetime.now(UTC))
    except StorageError as exc:
        log.error("IT desk: %s", exc)
        abort(503)
    rows: list[tuple[object, ...]] = []
    rows += [
        ("rising", r.code, None, r.now, round(r.usual, 1), " ".join(r.languages))
        for r in lookups.rising
    ]
    rows += [("hour", "", h.hour, h.count, None, "") for h in lookups.hours]
    rows += [("today", t.code, None, t.today, round(t.usual_day, 1), "") for t in lookups.today]
    return csv_response("now", ("table", "code", "hour", "lookups", "usual", "languages"), rows)


# --- Codes ---------------------------------------------------------------------------------


def _period() -> tuple[str, datetime, datetime]:
    """The period the Codes page shows: 24h, 7d, 30d, or custom days (``from``/``to``)."""
    moment = datetime.now(UTC)
    chosen = request.args.get("period", "24h")
    if chosen in PERIODS:
        return chosen, moment - PERIODS[chosen], moment
    if chosen != "custom":
        abort(
            400,
            description=gettext(
                "Please choose a period: 24 hours, 7 days, 30 days, or your own dates."
            ),
        )
    try:
        first = date.fromisoformat(request.args.get("from", ""))
        last = date.fromisoformat(request.args.get("to", ""))
    except ValueError:
        abort(400, description=gettext("Please give both dates as YYYY-MM-DD."))
    if last < first or (last - first).days > MAX_CUSTOM_DAYS:
        abort(
            400,
            description=gettext(
                "The first date must come before the last, at most 400 days apart."
            ),
        )
    since = datetime.combine(first, time(), UTC)
    return "custom", since, min(datetime.combine(last + timedelta(days=1), time(), UTC), moment)


def _codes_table() -> dict[str, Any]:
    period, since, until = _period()
    try:
        feedback = current_storage().run(
            "read the feedback per code", lambda c: feedback_per_code(c, since, until)
        )
        lookups = read_codes(since, until)
    except StorageError as exc:
        log.error("IT desk: %s", exc)
        abort(503)
    by_day = (until - since) > timedelta(days=2)
    rows = []
    for row in lookups:
        hourly = [hour.count for hour in row.hours]
        series = [sum(hourly[i : i + 24]) for i in range(0, len(hourly), 24)] if by_day else hourly
        rows.append(
            {
                "code": row.counts.code,
                "count": row.counts.count,
                "before": row.counts.before,
                "change": row.counts.count - row.counts.before,
                "chart": bars(series),
                "feedback": feedback.get(row.counts.code),
            }
        )
    return {"period": period, "since": since, "until": until, "rows": rows, "by_day": by_day}


@bp.get("/codes")
def codes() -> ResponseReturnValue:
    return render_template("it/codes.html", **_codes_table())


@bp.get("/codes.csv")
def codes_csv() -> ResponseReturnValue:
    table = _codes_table()
    columns = ("code", "lookups", "lookups_before", "change", "yes", "no", "comments")
    rows = [
        (
            row["code"],
            row["count"],
            row["before"],
            row["change"],
            row["feedback"].yes if row["feedback"] else 0,
            row["feedback"].no if row["feedback"] else 0,
            " | ".join(row["feedback"].comments) if row["feedback"] else "",
        )
        for row in table["rows"]
    ]
    return csv_response("codes", columns, rows)


# --- Misses and unhelpful answers ----------------------------------------------------------


def _lists(period: str) -> tuple[Any, dict]:
    try:
        return read_report(since_of(period))
    except StorageError as exc:
        log.error("IT desk: %s", exc)
        abort(503)


def _list_period() -> str:
    period = request.args.get("period", "today")
    if period not in LIST_PERIODS:
        abort(400, description=gettext("Please choose a period: today, 24 hours or 7 days."))
    return period


@bp.get("/misses")
def misses() -> ResponseReturnValue:
    period = _list_period()
    report, marks = _lists(period)
    return render_template(
        "it/misses.html",
        period=period,
        codes=ordered(miss_rows(report, marks, MISS_CODE)),
        queries=ordered(miss_rows(report, marks, MISS_QUERY)),
        handled_form=HandledForm,
    )


@bp.get("/unhelpful")
def unhelpful() -> ResponseReturnValue:
    period = _list_period()
    report, marks = _lists(period)
    return render_template(
        "it/unhelpful.html",
        period=period,
        rows=ordered(unhelpful_rows(report, marks)),
        handled_form=HandledForm,
    )


LIST_COLUMNS = (
    "list",
    "item",
    "title",
    "language",
    "count",
    "yes",
    "new",
    "handled",
    "handled_by",
    "handled_at",
    "comments",
)


@bp.get("/misses.csv")
def misses_csv() -> ResponseReturnValue:
    return _list_csv("misses")


@bp.get("/unhelpful.csv")
def unhelpful_csv() -> ResponseReturnValue:
    return _list_csv("unhelpful")


def _list_csv(which: str) -> ResponseReturnValue:
    report, marks = _lists(_list_period())
    rows = (
        miss_rows(report, marks, MISS_CODE) + miss_rows(report, marks, MISS_QUERY)
        if which == "misses"
        else unhelpful_rows(report, marks)
    )
    return csv_response(
        which,
        LIST_COLUMNS,
        (
            (
                row.list_name,
                row.label,
                row.title,
                row.language,
                row.count,
                row.yes,
                "yes" if row.new else "no",
                row.handled.action if row.handled else "",
                row.handled.by if row.handled else "",
                row.handled.at if row.handled else None,
                " | ".join(" ".join(part for part in c[1:] if part) for c in row.comments),
            )
            for row in rows
        ),
    )


@bp.post("/handled")
def handled() -> ResponseReturnValue:
    may_change()
    form = HandledForm()
    if not form.validate():
        abort(
            400,
            description=gettext(
                "This row could not be marked: please reload the page and try again."
            ),
        )
    try:
        current_storage().run(
            "mark a row handled",
            lambda connection: mark(
                connection,
                list_name=form.list_name.data,
                item=form.item.data,
                language=form.language.data or "",
                action=form.action.data,
                by=g.person.audit_name,
                at=datetime.now(UTC),
            ),
        )
    except StorageError as exc:
        log.error("IT desk: %s", exc)
        abort(503)
    log.info(
        "IT desk: %s marked %s %r handled (%s)",
        g.person.audit_name,
        form.list_name.data,
        form.item.data,
        form.action.data,
    )
    back = ".unhelpful" if form.list_name.data == UNHELPFUL else ".misses"
    return redirect(url_for(back), 303)
