"""The ready-to-send message for IT that every code page offers."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from flask import current_app

from webapp.content.model import NO_CODE


@dataclass(frozen=True, slots=True)
class MessageForIT:
    subject: str
    body: str
    mailto: str | None  # a mailto: link when an IT e-mail address is configured
    helpdesk_url: str | None


def message_for_it(code: str, title: str | None, page_url: str) -> MessageForIT:
    """The subject and body a person can send IT as they are, with blanks to fill in."""
    if code == NO_CODE:
        what = "Teams keeps asking me to re-enter my smart card PIN, with no status code"
        subject = "Teams sign-in: smart card PIN prompt"
    else:
        what = f"Teams won't let me sign in. It shows status code {code}"
        subject = f"Teams sign-in problem: status code {code}"
    if title:
        what += f' ("{title}")'
    body = "\n".join(
        (
            "Hello,",
            "",
            f"{what}.",
            "",
            "When it started: [date and time]",
            "Device: [for example, Windows laptop, Mac, phone]",
            "What I have tried: [for example, restarting Teams, checking the clock]",
            "",
            f"Help page: {page_url}",
            "",
            "Thank you",
        )
    )
    email = current_app.config.get("IT_CONTACT_EMAIL") or None
    mailto = (
        f"mailto:{quote(email, safe='@')}?subject={quote(subject)}&body={quote(body)}"
        if email
        else None
    )
    return MessageForIT(subject, body, mailto, current_app.config.get("IT_CONTACT_URL") or None)
