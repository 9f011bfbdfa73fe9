"""The ready-to-send message for IT that every code page offers.

It is written in the page's language, as the person reads it. IT may read another
(``IT_LANGUAGE``): then the subject is in IT's language and the body opens with a few lines in
it (the code and its title, what the lines below are, the help page in IT's language), so a
German employee's message reaches an English-speaking service desk readable.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from babel import Locale
from flask import Flask, current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from webapp.config import settings_of
from webapp.content import EXTENSION_KEY as CONTENT_KEY
from webapp.content.model import NAMED_CODE, NO_CODE
from webapp.search.identifiers import PastedDetails

IT_LANGUAGE_KEY = "webapp.it_language"


@dataclass(frozen=True, slots=True)
class MessageForIT:
    subject: str
    body: str
    mailto: str | None  # a mailto: link when an IT e-mail address is configured
    helpdesk_url: str | None
    time_blank: str  # the blank in the body that the page's script fills with the time
    # The language of the lines for IT at its top, named in the page's language; None when
    # IT reads the page's language (then there are none).
    for_it_in: str | None = None


@dataclass(frozen=True, slots=True)
class ForIT:
    """What the message says in IT's language when the page is in another."""

    language: str  # IT_LANGUAGE, as the content names it
    title: str | None  # the entry's title in that language (English when it lacks the entry)
    page_url: str  # the code's page in that language


def init_app(app: Flask) -> None:
    """Settle IT's language once the content is loaded: one it lacks stops the start-up."""
    site = app.extensions[CONTENT_KEY]
    settings = settings_of(app)
    app.extensions[IT_LANGUAGE_KEY] = settings.language_for_it(
        site.languages, site.default_language
    )


def it_language() -> str:
    """The language IT reads (``IT_LANGUAGE``, or the content's default language)."""
    language: str = current_app.extensions[IT_LANGUAGE_KEY]
    return language


def _name(language: Locale, in_language: Locale) -> str:
    """A language's name in another (Babel's CLDR data): "German" in English."""
    return language.get_display_name(in_language) or str(language)


def time_blank() -> str:
    """The blank for the time, in the page's language (the script looks for it)."""
    return _("[date and time]")


def _id_lines(details: PastedDetails | None) -> tuple[str, ...]:
    """The lines that tell IT which sign-in attempt to look up."""
    if details is None:
        return (
            _(
                "Correlation ID, request ID, timestamp: [under “More details” on the "
                "sign-in page, if shown]"
            ),
        )
    lines = (
        (details.correlation_id, _("Correlation ID: %(value)s")),
        (details.request_id, _("Request ID: %(value)s")),
        (details.timestamp, _("Timestamp: %(value)s")),
    )
    return tuple(line % {"value": value} for value, line in lines if value)


def _what(code: str, title: str | None) -> tuple[str, str]:
    """What happened, as a sentence and as a subject, in the current language."""
    if code == NO_CODE:
        what = _("Teams keeps asking me to re-enter my smart card PIN, with no status code")
        subject = _("Teams sign-in: smart card PIN prompt")
    elif NAMED_CODE.fullmatch(code):
        what = _("Teams won't let me sign in. It shows the error %(code)s", code=code)
        subject = _("Teams sign-in problem: error %(code)s", code=code)
    else:
        what = _("Teams won't let me sign in. It shows status code %(code)s", code=code)
        subject = _("Teams sign-in problem: status code %(code)s", code=code)
    if title:
        what += _(" (“%(title)s”)", title=title)
    return what, subject


def _heading(code: str, title: str | None) -> str:
    """The code and its title as one short line, the way IT files it."""
    if code == NO_CODE:
        label = _("No status code")
    elif NAMED_CODE.fullmatch(code):
        label = _("Error %(code)s", code=code)
    else:
        label = _("Status code %(code)s", code=code)
    return _("%(label)s: %(title)s", label=label, title=title) if title else label


def _in_its_language(code: str, for_it: ForIT) -> tuple[str, tuple[str, ...], str]:
    """The subject and the opening lines in IT's language, and that language's name in the
    page's. A line each, no more: a short entry's page still prints on one sheet."""
    page = get_locale()
    it = Locale.parse(for_it.language.replace("-", "_"))
    assert page is not None  # only ever asked inside a request
    with force_locale(it):
        subject = _what(code, None)[1]
        if for_it.title:
            subject += _(" (“%(title)s”)", title=for_it.title)
        lines = (
            _heading(code, for_it.title),
            _(
                "Below in %(language)s: start time, sign-in IDs, which Teams, device, network, "
                "what I tried.",
                language=_name(page, it),
            ),
            _("Help page in %(language)s: %(url)s", language=_name(it, it), url=for_it.page_url),
            "",
        )
    return subject, lines, _name(it, page)


def message_for_it(
    code: str,
    title: str | None,
    page_url: str,
    contact: dict[str, str],
    details: PastedDetails | None = None,
    for_it: ForIT | None = None,
) -> MessageForIT:
    """The subject and body a person can send IT as they are, with blanks to fill in, sent
    to ``contact`` (:func:`webapp.site_texts.contact_for`); the IDs of a pasted error's
    ``details`` are filled in. With ``for_it`` (IT reads another language than the page's),
    the subject and the first lines are in IT's language."""
    what, subject = _what(code, title)
    opening: tuple[str, ...] = ()
    for_it_in = None
    if for_it is not None:
        subject, opening, for_it_in = _in_its_language(code, for_it)
    body = "\n".join(
        (
            *opening,
            _("Hello,"),
            "",
            f"{what}.",
            "",
            _("When it started: %(blank)s", blank=time_blank()),
            *_id_lines(details),
            _("Which Teams: [desktop app, web browser, phone app]"),
            _("Device: [for example, Windows laptop, Mac, phone]"),
            _("Network: [office, home, VPN, mobile data, hotel or guest Wi-Fi]"),
            _("What I have tried: [for example, restarting Teams, checking the clock]"),
            "",
            _("Help page: %(url)s", url=page_url),
            "",
            _("Thank you"),
        )
    )
    email = contact["email"] or None
    mailto = (
        f"mailto:{quote(email, safe='@')}?subject={quote(subject)}&body={quote(body)}"
        if email
        else None
    )
    helpdesk = contact["url"] or None
    return MessageForIT(subject, body, mailto, helpdesk, time_blank(), for_it_in)
