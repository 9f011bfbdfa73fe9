"""The ready-to-send message for IT that every code page offers."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from flask_babel import gettext as _

from webapp.content.model import NAMED_CODE, NO_CODE
from webapp.search.identifiers import PastedDetails


@dataclass(frozen=True, slots=True)
class MessageForIT:
    subject: str
    body: str
    mailto: str | None  # a mailto: link when an IT e-mail address is configured
    helpdesk_url: str | None
    time_blank: str  # the blank in the body that the page's script fills with the time


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


def message_for_it(
    code: str,
    title: str | None,
    page_url: str,
    contact: dict[str, str],
    details: PastedDetails | None = None,
) -> MessageForIT:
    """The subject and body a person can send IT as they are, with blanks to fill in, sent
    to ``contact`` (:func:`webapp.site_texts.contact_for`); the IDs of a pasted error's
    ``details`` are filled in."""
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
    body = "\n".join(
        (
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
    return MessageForIT(subject, body, mailto, helpdesk, time_blank())
