"""The site's words that come from the settings or the interface catalogue: its name, whom to
contact, and what the page's script says, in the page's language."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from webapp.config import settings_of
from webapp.content import current_content


def site_name() -> str:
    """The configured name of the site, or its translated default."""
    return settings_of(current_app).site_name or _("Teams sign-in help")


def it_contact_name() -> str:
    """Who people are told to contact, or the translated default."""
    return settings_of(current_app).it_contact_name or _("the IT service desk")


def contact_for(code: str | None = None) -> dict[str, str]:
    """Whom to contact: about ``code``, its entry's or family's own contact when the content
    names one; otherwise, and with no code, the site's IT contact (``IT_CONTACT_*``)."""
    own = current_content().contact_for(code) if code else None
    if own is not None:
        return {"name": own.name, "email": own.email, "url": own.url, "phone": own.phone}
    settings = settings_of(current_app)
    return {
        "name": it_contact_name(),
        "email": settings.it_contact_email,
        "url": settings.it_contact_url,
        "phone": "",
    }


def script_words() -> dict:
    """What ``static/site.js`` says (copy buttons, suggestions), in the page's language."""
    return {
        "copied": {
            "code": _("Code copied. You can paste it into an email or chat."),
            "message": _("Message copied. You can paste it into an email or chat."),
        },
        "selected": {
            "code": _(
                "Couldn't copy by itself: the code is selected, so use your device's Copy command."
            ),
            "message": _(
                "Couldn't copy by itself: the message is selected, so use your device's Copy "
                "command."
            ),
        },
        "orEarlier": _("or earlier"),
        "suggestions": _("Suggestions"),
        "kind": {"code": _("Status code"), "page": _("Help page")},
        # The script counts; {n} stands for the number.
        "countOne": _(
            "1 suggestion. Use the up and down arrow keys to choose one, or press Enter to search."
        ),
        "countMany": _(
            "{n} suggestions. Use the up and down arrow keys to choose one, or press Enter to "
            "search."
        ),
        "none": _("No suggestions. Press Enter to search."),
        # The code table as it is narrowed; {shown} and {total} stand for numbers.
        "tableShown": _("{shown} of {total} codes shown."),
        "tableAll": _("{total} codes. Open a family, or narrow the list."),
    }
