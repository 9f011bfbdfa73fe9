"""``/feedback``: answers to "Did this solve your problem?", stored, then back to the page.

Works without JavaScript, in two steps. The Yes/No buttons on a page post here; the answer is
stored at once. After Yes the person goes back to the page (303, so reloading it sends nothing
again), at an address that thanks them (``?answered=…``: the same for everyone, so still a
public page). After No they get a page where they may say what went wrong and what they tried;
sending it completes the same stored answer. Only from that step on is there a session cookie:
it keeps the open answer's id, and Flask-WTF's token for the form, nothing else.

The Yes/No post carries no token (the pages it sits in are public documents): a post from
another site is refused before it gets here, by its own headers (:mod:`webapp.cross_origin`).

A form that fails validation comes back with 400 and everything the person typed; when the
database is down it comes back with 503 and "could not save, please try again".
"""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue

from webapp import telemetry
from webapp.content import current_content
from webapp.feedback.forms import ANSWER, DETAILS, AnswerForm, FeedbackForm
from webapp.feedback.topics import Topic
from webapp.i18n import current_language
from webapp.storage import StorageError, current_storage

bp = Blueprint("feedback", __name__, url_prefix="/feedback")
log = logging.getLogger(__name__)

OPEN_KEY = "feedback_open"  # session: about -> id of a "No" waiting for its details
MAX_OPEN = 5


@bp.post("")
def submit() -> ResponseReturnValue:
    # Fields only: the form takes no files. The details step is someone's own, with a token.
    form_class = FeedbackForm if request.form.get("step") == DETAILS else AnswerForm
    form = form_class(formdata=request.form)
    if not form.validate():
        if "csrf_token" in form.errors:
            return _expired(form)
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
            telemetry.FEEDBACK.labels("yes" if helpful else "no").inc()
    except StorageError as exc:
        # One line: the reason is the database's, and a traceback would say nothing more.
        log.error("Feedback on %s not saved: %s", topic.about, exc)
        return _form_page(form, 503, could_not_save=True)

    if form.step.data == ANSWER and not helpful and not (comment or tried):
        _remember_open(topic, open_id)
        return redirect(_details_url(topic), 303)
    _forget_open(topic)
    return redirect(topic.url(answered=True), 303)


@bp.get("")
def details() -> ResponseReturnValue:
    """The second step after No: what went wrong, what was tried (both optional)."""
    topic = Topic.parse(request.args.get("about"))
    if topic is None or not topic.exists(current_content()):
        abort(404)
    form = FeedbackForm(formdata=None, about=topic.about, step=DETAILS, helpful="no")
    return _form_page(form, 200, answered=topic.about in _open_answers())


def _expired(form: FeedbackForm) -> ResponseReturnValue:
    """No valid token on the details step (a page left open for hours, or cookies blocked):
    nothing is stored, and the person gets their answer back, in a fresh form, to send again."""
    log.info("Feedback details refused: %s", " ".join(form.errors["csrf_token"]))
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
