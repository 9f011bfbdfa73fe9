"""What every page shows about the site: its name and whom to contact, in the page's language."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _


def site_name() -> str:
    """The configured name of the site, or its translated default."""
    return current_app.config["SITE_NAME"] or _("Teams sign-in help")


def it_contact_name() -> str:
    """Who people are told to contact, or the translated default."""
    return current_app.config["IT_CONTACT_NAME"] or _("the IT service desk")
