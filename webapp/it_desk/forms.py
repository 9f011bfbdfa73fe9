"""The IT desk's forms, each with Flask-WTF's token (kept in the desk's own session)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectChoice, SelectField
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
