"""The IT desk's forms, each with Flask-WTF's token (kept in the desk's own session)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, InputRequired, Length

from webapp.storage.tables import HANDLED_ACTIONS, HANDLED_LISTS, MAX_TERM_LENGTH

MAX_TOKEN_LENGTH = 200


class TokenForm(FlaskForm):
    """The way in when the identity provider is down."""

    token = PasswordField(
        _l("Token"),
        validators=[
            InputRequired(_l("Please paste your token.")),
            Length(max=MAX_TOKEN_LENGTH, message=_l("This is too long to be a token.")),
        ],
    )


class PlainForm(FlaskForm):
    """A button that changes something and carries nothing but the token (sign out)."""


class LanguageForm(FlaskForm):
    language = HiddenField(validators=[InputRequired()])


class HandledForm(FlaskForm):
    """Marks one row of a list handled, and how."""

    list_name = HiddenField(validators=[AnyOf(HANDLED_LISTS)])
    item = HiddenField(validators=[InputRequired(), Length(max=MAX_TERM_LENGTH)])
    language = HiddenField(validators=[Length(max=16)])
    action = SelectField(
        _l("What was done"),
        choices=[
            SelectChoice("keyword", _l("Added a keyword")),
            SelectChoice("page", _l("Added a code or a page")),
            SelectChoice("rewrite", _l("Rewrote the answer")),
            SelectChoice("none", _l("Nothing to do")),
        ],
        validators=[AnyOf(HANDLED_ACTIONS)],
    )


class NoticeForm(FlaskForm):
    """A notice as the CLI and the API take it; the notices' own check (``webapp.notices``)
    decides what is right, so the form only carries the fields."""

    level = SelectField(
        _l("Level"),
        choices=[
            SelectChoice("outage", _l("Outage")),
            SelectChoice("maintenance", _l("Planned maintenance")),
            SelectChoice("info", _l("Information")),
        ],
        default="outage",
        validate_choice=False,  # the notices' check names a wrong level, as for the API
    )
    title = StringField(_l("Title"))
    text = TextAreaField(_l("What people should know (Markdown: links, emphasis, lists)"))
    title_de = StringField(_l("Title in German (optional)"))
    text_de = TextAreaField(_l("Text in German (optional)"))
    codes = StringField(_l("Codes it concerns, separated by spaces (none: everyone)"))
    ends = StringField(
        _l("Ends: in (like 4h, 90m, 1d) or at (2026-12-24T18:00, UTC)"), default="4h"
    )
    report = BooleanField(_l("People still need to report the problem to IT"), default=True)

    def sent(self) -> dict[str, object]:
        """The fields as the notices' service takes them."""
        return {
            "level": self.level.data,
            "title": self.title.data or "",
            "text": self.text.data or "",
            "title_de": self.title_de.data or "",
            "text_de": self.text_de.data or "",
            "codes": self.codes.data or "",
            "ends": (self.ends.data or "").strip() or "4h",
            "report": bool(self.report.data),
        }
