"""``/feedback``: answers to "Did this solve your problem?", stored, then back to the page.

Works without JavaScript, in two steps. The Yes/No buttons on a page post here; the answer is
stored at once. After Yes the person goes back to the page (303, so reloading it sends nothing
again) and sees a thank-you there. After No they get a page where they may say what went wrong
and what they tried; sending it completes the same stored answer (its id is kept in their signed
session cookie, nothing else is).

A form that fails validation comes back with 400 and everything the person typed; when the
database is down it comes back with 503 and "could not save, please try again".
"""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_wtf.csrf import CSRFError

from webapp.content import current_content
from webapp.feedback.forms import ANSWER, DETAILS, FeedbackForm
from webapp.feedback.topics import Topic
from webapp.i18n import current_language
from webapp.storage import StorageError, current_storage

bp = Blueprint("feedback", __name__, url_prefix="/feedback")
log = logging.getLogger(__name__)

OPEN_KEY = "feedback_open"  # session: about -> id of a "No" waiting for its details
MAX_OPEN = 5


@bp.post("")
def submit() -> ResponseReturnValue:
    form = FeedbackForm(formdata=request.form)  # fields only: the form takes no files
    if not form.validate():
        return _form_page(form, 400)
    topic = form.topic
    assert topic is not None  # validated
    helpful = form.helpful.data == "yes"
    comment, tried = form.comment.data or "", form.tried.data or ""
    storage = current_storage()
    try:
        open_id = _open_answers().get(topic.about) if form.step.data == DETAILS else None
        if open_id is None or not storage.add_feedback_details(open_id, helpful, comment, tried):
            open_id = storage.add_feedback(
                topic.kind,
                topic.key,
                topic.section,
                helpful,
                comment,
                tried,
                language=current_language(),
            )
    except StorageError as exc:
        # One line: the reason is the database's, and a traceback would say nothing more.
        log.error("Feedback on %s not saved: %s", topic.about, exc)
        return _form_page(form, 503, could_not_save=True)

    if form.step.data == ANSWER and not helpful and not (comment or tried):
        _remember_open(topic, open_id)
        return redirect(_details_url(topic), 303)
    _forget_open(topic)
    flash(
        gettext("Thank you for your answer: it helps us improve this help."),
        f"feedback:{topic.about}",
    )
    return redirect(topic.url(), 303)


@bp.get("")
def details() -> ResponseReturnValue:
    """The second step after No: what went wrong, what was tried (both optional)."""
    topic = Topic.parse(request.args.get("about"))
    if topic is None or not topic.exists(current_content()):
        abort(404)
    form = FeedbackForm(formdata=None, about=topic.about, step=DETAILS, helpful="no")
    return _form_page(form, 200, answered=topic.about in _open_answers())


@bp.errorhandler(CSRFError)
def expired(error: CSRFError) -> ResponseReturnValue:
    """No valid token (a page left open for hours, or cookies blocked): nothing is stored, and
    the person gets their answer back, in a fresh form, to send again."""
    log.info("Feedback refused: %s", error.description)
    return _form_page(FeedbackForm(formdata=request.form), 400, expired=True)


def _form_page(form: FeedbackForm, status: int, **flags: bool) -> ResponseReturnValue:
    topic = form.topic
    title = topic.title(current_content()) if topic else None
    page = render_template("feedback/form.html", form=form, topic=topic, title=title, **flags)
    return page, status, {"Cache-Control": "no-store"}


def _details_url(topic: Topic) -> str:
    return url_for(".details", about=topic.about)


def _open_answers() -> dict[str, int]:
    value = session.get(OPEN_KEY)
    return value if isinstance(value, dict) else {}


def _remember_open(topic: Topic, feedback_id: int) -> None:
    answers = {k: v for k, v in _open_answers().items() if k != topic.about}
    answers[topic.about] = feedback_id
    session[OPEN_KEY] = dict(list(answers.items())[-MAX_OPEN:])


def _forget_open(topic: Topic) -> None:
    answers = _open_answers()
    if topic.about in answers:
        session[OPEN_KEY] = {k: v for k, v in answers.items() if k != topic.about}
