"""The IT desk's forms, each with Flask-WTF's token (kept in the desk's own session)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

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

from webapp.i18n import language_name
from webapp.notices.model import DEFAULT_LANGUAGE, text_fields
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


@dataclass(frozen=True, slots=True)
class Translation:
    """A notice form's title and text in one of the site's other languages."""

    language: str
    name: str  # the language's name in itself: "Français"
    title: Any  # the bound fields
    text: Any


class NoticeForm(FlaskForm):
    """A notice as the CLI and the API take it; the notices' own check (``webapp.notices``)
    decides what is right, so the form only carries the fields. Make it with
    :func:`notice_form`, which adds a title and text for each of the site's other languages."""

    languages: tuple[str, ...] = ()  # the other languages, in the switcher's order

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
    codes = StringField(_l("Codes it concerns, separated by spaces (none: everyone)"))
    ends = StringField(
        _l("Ends: in (like 4h, 90m, 1d) or at (2026-12-24T18:00, UTC)"), default="4h"
    )
    report = BooleanField(_l("People still need to report the problem to IT"), default=True)

    def translations(self) -> list[Translation]:
        """The title and text in each other language, for the template."""
        return [
            Translation(language, language_name(language), *map(self.__getitem__, fields))
            for language in self.languages
            for fields in [text_fields(language)]
        ]

    def sent(self) -> dict[str, object]:
        """The fields as the notices' service takes them."""
        sent: dict[str, object] = {
            "level": self.level.data,
            "title": self.title.data or "",
            "text": self.text.data or "",
            "codes": self.codes.data or "",
            "ends": (self.ends.data or "").strip() or "4h",
            "report": bool(self.report.data),
        }
        for translation in self.translations():
            for field in (translation.title, translation.text):
                sent[field.name] = field.data or ""
        return sent


@functools.cache  # one class for each set of languages: a reload may add one
def notice_form(languages: tuple[str, ...]) -> type[NoticeForm]:
    """The notice form for a site in ``languages`` (the notices' service says which): the
    title and text in the default language, and an optional title and text in each other
    one, in the order of the switcher."""
    others = tuple(language for language in languages if language != DEFAULT_LANGUAGE)
    fields: dict[str, Any] = {"languages": others}
    for language in others:
        title, text = text_fields(language)
        fields[title] = StringField(_l("Title (optional)"))
        fields[text] = TextAreaField(_l("Text (optional)"))
    return type("SiteNoticeForm", (NoticeForm,), fields)
