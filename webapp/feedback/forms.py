"""The feedback form: "Did this solve your problem?" and, after No, what went wrong."""

from __future__ import annotations

import re

from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import AnyOf, InputRequired, ValidationError

from webapp.content import current_content
from webapp.feedback.topics import Topic
from webapp.storage import MAX_TEXT_LENGTH

ANSWER, DETAILS = "answer", "details"  # the Yes/No buttons on a page; the form with text
_CHOOSE = lazy_gettext("Please choose Yes or No.")

# Control characters cannot be typed into a text box; they only come from scripts, and
# PostgreSQL refuses NUL outright. Tabs and new lines are text.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(value: str | None) -> str:
    """Text as typed, with browsers' CRLF line ends as LF (a textarea's maxlength counts a line
    end as one character) and no control characters, trimmed."""
    if not value or not isinstance(value, str):  # a file posted in a text field, say
        return ""
    return CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


class MaxChars:
    """At most ``limit`` characters, with a message that says how many there are."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def __call__(self, form: FlaskForm, field: Field) -> None:
        length = len(field.data or "")
        if length > self.limit:
            raise ValidationError(
                gettext(
                    "Please shorten this to %(limit)d characters or fewer; it has %(length)d.",
                    limit=self.limit,
                    length=length,
                )
            )


class FeedbackForm(FlaskForm):
    """The second, personal step after No (what went wrong, what was tried), with Flask-WTF's
    token: by then the person has a session, which holds their open answer."""

    about = HiddenField()  # checked by validate_about
    step = HiddenField(default=ANSWER, validators=[AnyOf([ANSWER, DETAILS])])
    helpful = RadioField(
        lazy_gettext("Did this solve your problem?"),
        choices=[
            SelectChoice("yes", lazy_gettext("Yes")),
            SelectChoice("no", lazy_gettext("No")),
        ],
        validate_choice=False,  # AnyOf below says it in words people understand
        validators=[
            InputRequired(message=_CHOOSE),
            AnyOf(["yes", "no"], message=_CHOOSE),
        ],
    )
    comment = TextAreaField(
        lazy_gettext("What went wrong? (optional)"),
        filters=[clean_text],
        validators=[MaxChars(MAX_TEXT_LENGTH)],
    )
    tried = TextAreaField(
        lazy_gettext("What did you try? (optional)"),
        filters=[clean_text],
        validators=[MaxChars(MAX_TEXT_LENGTH)],
    )

    @property
    def topic(self) -> Topic | None:
        """What the form is about, when it names something the site serves."""
        topic = Topic.parse(self.about.data)
        if topic is None or not topic.exists(current_content()):
            return None
        return topic

    def validate_about(self, field: Field) -> None:
        if self.topic is None:
            raise ValidationError(
                gettext(
                    "We could not tell which page this was about; please go back to it and "
                    "answer there."
                )
            )


class AnswerForm(FeedbackForm):
    """The Yes/No buttons under an answer. They sit in public pages, the same for everyone, so
    they carry no token: a cross-site post is refused by its own headers instead
    (:mod:`webapp.cross_origin`), and this step touches no session."""

    class Meta:
        csrf = False
