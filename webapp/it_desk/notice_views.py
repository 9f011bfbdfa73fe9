"""``/it/notices``: post, preview, change and end notices, through the notices' own service
(:mod:`webapp.notices`), so the checks, the audit trail and the log line are those of the CLI
and the API. Changing anything needs a person signed in, or a token with ``notices``."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import abort, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, gettext

from webapp import notices
from webapp.it_desk.forms import NoticeForm, PlainForm, notice_form
from webapp.it_desk.views import bp, may_change
from webapp.notices import service
from webapp.notices.model import DEFAULT_LANGUAGE, check, language_of, text_fields
from webapp.storage import StorageError

log = logging.getLogger(__name__)

RECENT = timedelta(days=7)  # ended notices listed


def _form(filled: Mapping[str, Any] | None = None) -> NoticeForm:
    """The notice form with a title and text in each of the site's languages: what was posted,
    or (``filled``) a new form with those values."""
    form_class = notice_form(service.languages())
    return form_class() if filled is None else form_class(formdata=None, **filled)


def _sent(form: NoticeForm) -> dict[str, Any]:
    """The form's fields, and a text posted for a language the form lacks (the site dropped
    it after the page was loaded), so the notices' check refuses it by name, not silently."""
    stray = {
        name: value
        for name, value in request.form.items()
        if language_of(name) and name not in form and value.strip()
    }
    return {**stray, **form.sent()}


def _prefilled(form: NoticeForm, code: str) -> dict[str, str]:
    """A notice for a rising code, ready to post: its words in the default language, and in
    each other language whose interface strings have them (else the field stays empty)."""

    def words() -> tuple[str, str]:
        return (
            gettext("We know about sign-in problems with %(code)s", code=code),
            gettext(
                "IT is working on it. You don't need to report it; "
                "this notice goes when it is fixed."
            ),
        )

    with force_locale(DEFAULT_LANGUAGE):
        english = words()
    filled = dict(zip(text_fields(DEFAULT_LANGUAGE), english, strict=True))
    for language in form.languages:
        with force_locale(language.replace("-", "_")):
            translated = words()
        if all(mine != theirs for mine, theirs in zip(translated, english, strict=True)):
            filled.update(zip(text_fields(language), translated, strict=True))
    return filled


def _preview(form: NoticeForm, current: dict[str, Any] | None = None) -> Any:
    """The notice as it would be stored (rendered as the public pages show it), or the field
    the notices' check refused; nothing is stored."""
    now = datetime.now(UTC)
    fields = check(_sent(form), now, service.languages(), current=current)
    return notices.Notice.of(0, {**fields, "posted_by": g.person.audit_name, "posted_at": now})


def _page(form: NoticeForm, status: int = 200, **context: Any) -> ResponseReturnValue:
    try:
        listed = service.recent(datetime.now(UTC) - RECENT)
    except StorageError as exc:
        log.error("IT desk: %s", exc)
        listed = []
        context.setdefault("problem", gettext("The notices could not be read just now."))
    end_form = PlainForm()
    page = render_template(
        "it/notices.html", form=form, listed=listed, end_form=end_form, now=datetime.now(UTC),
        **context,
    )  # fmt: skip
    return page, status


@bp.get("/notices")
def notices_page() -> ResponseReturnValue:
    form = _form({})
    code = request.args.get("code", "").strip()[:40]
    if code:  # from a rising code on the Now page: ready to post in one more click
        form.codes.data = code
        form.report.data = False
        for name, words in _prefilled(form, code).items():
            form[name].data = words
    return _page(form)


@bp.post("/notices")
def post_notice() -> ResponseReturnValue:
    form = _form()
    if not form.validate():
        abort(400, description=gettext("This form had expired. Please send it again."))
    if request.form.get("step") == "preview":
        return _checked(form, lambda: _page(form, preview=_preview(form)))
    may_change()

    def post() -> ResponseReturnValue:
        notice = service.post(_sent(form), by=g.person.audit_name)
        return redirect(url_for(".notices_page", posted=notice.id), 303)

    return _checked(form, post)


def _checked(form: NoticeForm, work: Any, notice_id: int | None = None) -> ResponseReturnValue:
    """``work()``, or the form back with what was wrong: a field the notices' check refused
    (400), a notice that ended meanwhile (409), or the database down (503: nothing stored)."""
    try:
        return work()
    except notices.NoticeError as exc:
        name = exc.field if exc.field in form else ""
        return _form_again(form, 400, notice_id, field=name, problem=f"{exc.field}: {exc.message}")
    except notices.NoticeEnded as exc:
        return _form_again(form, 409, notice_id, problem=str(exc))
    except StorageError as exc:
        log.error("IT desk: notice not saved: %s", exc)
        problem = gettext(
            "The notice could not be saved: the database did not answer. "
            "Nothing was posted; please try again."
        )
        return _form_again(form, 503, notice_id, problem=problem)


def _form_again(
    form: NoticeForm, status: int, notice_id: int | None, **context: Any
) -> ResponseReturnValue:
    if notice_id is None:
        return _page(form, status, **context)
    return _change_page(notice_id, form, status, **context)


def _change_page(
    notice_id: int, form: NoticeForm | None = None, status: int = 200, **context: Any
) -> ResponseReturnValue:
    try:
        notice = service.get(notice_id)
        history = service.history(notice_id)
    except notices.NoSuchNotice:
        abort(404)
    except StorageError as exc:
        log.error("IT desk: %s", exc)
        abort(503)
    if form is None:
        # Its words in each of the site's languages; one the site no longer has is left out.
        texts: dict[str, str] = {}
        for language, words in notice.texts.items():
            title, text = text_fields(language)
            texts |= {title: words.title, text: words.markdown}
        form = _form(
            {
                "level": notice.level,
                "codes": " ".join(notice.codes),
                "ends": notice.ends_at.strftime("%Y-%m-%dT%H:%M"),
                "report": notice.report,
                **texts,
            }
        )
    page = render_template(
        "it/notice.html", form=form, notice=notice, history=history, end_form=PlainForm(),
        now=datetime.now(UTC), **context,
    )  # fmt: skip
    return page, status


@bp.get("/notices/<int:notice_id>")
def notice_page(notice_id: int) -> ResponseReturnValue:
    return _change_page(notice_id)


@bp.post("/notices/<int:notice_id>")
def change_notice(notice_id: int) -> ResponseReturnValue:
    form = _form()
    if not form.validate():
        abort(400, description=gettext("This form had expired. Please send it again."))
    if request.form.get("step") == "preview":

        def preview() -> ResponseReturnValue:
            stored = service.get(notice_id)
            current = {
                "level": stored.level,
                "texts": {
                    k: {"title": t.title, "text": t.markdown} for k, t in stored.texts.items()
                },
                "codes": list(stored.codes),
                "report": stored.report,
                "starts_at": stored.starts_at,
                "ends_at": stored.ends_at,
            }
            return _change_page(notice_id, form, preview=_preview(form, current))

        return _checked(form, preview, notice_id)
    may_change()

    def change() -> ResponseReturnValue:
        service.change(notice_id, _sent(form), by=g.person.audit_name)
        return redirect(url_for(".notice_page", notice_id=notice_id, changed=1), 303)

    return _checked(form, change, notice_id)


@bp.post("/notices/<int:notice_id>/end")
def end_notice(notice_id: int) -> ResponseReturnValue:
    if not PlainForm().validate():
        abort(400, description=gettext("This form had expired. Please send it again."))
    may_change()
    try:
        service.end(notice_id, by=g.person.audit_name)
    except notices.NoSuchNotice:
        abort(404)
    except notices.NoticeEnded as exc:
        abort(409, description=str(exc))
    except StorageError as exc:
        log.error("IT desk: notice not ended: %s", exc)
        abort(503)
    return redirect(url_for(".notices_page", ended=notice_id), 303)
