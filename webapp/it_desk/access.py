"""Who is at the IT desk, and what they may do.

A person comes in one of two ways, and the session (:mod:`.session`) keeps which:

- **Signed in** through the organisation's identity provider (:mod:`.oidc`): they may enter
  when ``IT_ALLOWED`` lists their e-mail address, its ``@domain``, or one of the values of
  their ``groups`` or ``roles`` claim. They may do everything.
- **With a token** (``flask --app webapp token create``), the way in when the identity
  provider itself is down. A token's scopes say what it may do: ``notices`` may post and
  change, ``read`` may only look.

Nobody signed in is sent to sign in; someone signed in but not allowed gets 403 and a log line;
nobody gets data without one of the two. A sign-in ends after eight hours, whatever the
browser keeps.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import session

from webapp.it_desk.session import LIFETIME
from webapp.tokens import Token

log = logging.getLogger(__name__)

PERSON_KEY = "person"
SIGNED_IN_AT_KEY = "signed_in_at"
OIDC, TOKEN = "oidc", "token"
NOTICES, READ = "notices", "read"  # the scopes of a token


@dataclass(frozen=True, slots=True)
class Person:
    """Who is at the desk: a name to show and to keep in the audit trail, and what they may."""

    name: str
    how: str  # OIDC or TOKEN
    may_change: bool

    @property
    def audit_name(self) -> str:
        """How their changes are signed: ``it.lead@example.com`` or ``token:night-shift``."""
        return self.name if self.how == OIDC else f"token:{self.name}"


def allowed(claims: Mapping[str, Any], allowed_values: Iterable[str]) -> bool:
    """Does ``IT_ALLOWED`` let in the person these ID token claims describe?"""
    wanted = set(allowed_values)
    email = str(claims.get("email") or "").strip().lower()
    verified = claims.get("email_verified", True) is not False
    if email and verified and (email in wanted or "@" + email.rpartition("@")[2] in wanted):
        return True
    memberships = set()
    for claim in ("groups", "roles"):
        values = claims.get(claim) or []
        if isinstance(values, str):
            values = [values]
        memberships |= {str(value).strip().lower() for value in values}
    return bool(memberships & wanted)


def sign_in(person: Person) -> None:
    """Start a fresh session for ``person`` (nothing of the one before is kept)."""
    session.clear()
    session[PERSON_KEY] = {"name": person.name, "how": person.how, "change": person.may_change}
    session[SIGNED_IN_AT_KEY] = int(time.time())


def sign_out() -> None:
    session.clear()


def current_person() -> Person | None:
    """The person of this session, or None (never signed in, or more than eight hours ago)."""
    kept = session.get(PERSON_KEY)
    since = session.get(SIGNED_IN_AT_KEY)
    if not isinstance(kept, dict) or not isinstance(since, int):
        return None
    if time.time() - since > LIFETIME.total_seconds():
        return None
    return Person(str(kept["name"]), str(kept["how"]), bool(kept["change"]))


def person_of_token(token: Token) -> Person:
    return Person(token.name, TOKEN, may_change=NOTICES in token.scopes)
