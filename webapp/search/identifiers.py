"""What people paste that identifies them or their device, and is never a status code.

A Microsoft sign-in page's "More details" block holds a request ID, a correlation ID (GUIDs), an
app ID, an IP address and a timestamp beside the code; people also type phone numbers ("the
Authenticator sends a text to 0151 2345678"), ticket numbers and e-mail addresses.

- :func:`mask_identifiers` replaces each with a tag (``[id]``, ``[phone]``, ``[ip]``,
  ``[email]``): the code reader looks for codes only in what is left, and the misses report
  stores only what is left.
- :func:`pasted_details` reads the request ID, correlation ID and timestamp of a pasted block, for
  the message for IT of the person who pasted it (and for nothing else).

A GUID, or a part of one (its first eight hex digits and the next group), is an ID; so is a token
with a digit after an ID label ("Device identifier: 4c3b2a19", "ticket 123456789").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEX = "[0-9A-Fa-f]"
_GUID = rf"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}"

# From the start of a run of non-spaces, taken whole (possessive): linear however long the run.
_EMAIL = re.compile(r"(?<![^\s])[^\s@]++@[^\s@]+\.[^\s@]+")
# A GUID, whole or cut after its second group ("6f0e7b8c-1234-…"); three or more hyphenated
# groups of hex, such as its tail; 32 hex digits without hyphens. A code typed with one hyphen
# ("CAA2-0003") is none of these.
_GUID_LIKE = re.compile(
    rf"(?<![0-9A-Za-z])\{{?(?:{_HEX}{{8}}-{_HEX}{{4}}(?:-{_HEX}{{1,12}})*"
    rf"|(?:{_HEX}{{4,12}}-){{2,}}{_HEX}{{1,12}}|{_HEX}{{32}})\}}?(?![0-9A-Za-z])"
)
_MAC = re.compile(
    rf"(?<![0-9A-Za-z:-]){_HEX}{{2}}([:-]){_HEX}{{2}}(?:\1{_HEX}{{2}}){{4}}(?![0-9A-Za-z])"
)
_OCTET = r"(?:25[0-5]|2[0-4]\d|1?\d?\d)"
_IPV4 = re.compile(rf"(?<![\d.])(?:{_OCTET}\.){{3}}{_OCTET}(?!\d|\.\d)")
# Three colons at least, or "::": a time of day (09:14:03) is not an address.
_IPV6 = re.compile(
    r"(?<![\w:])(?=[0-9A-Fa-f:]*::|(?:[0-9A-Fa-f]{0,4}:){3})(?=:*[0-9A-Fa-f])"
    r"[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])"
)
# A number after an ID label, with a digit in it (so "ticket about" keeps its word); a 0x code
# after such a label is still a code.
_LABELLED_ID = re.compile(
    r"(?P<label>(?<![A-Za-z])(?:(?:request|correlation|app(?:lication)?|client|tenant|object|device|"
    r"session|trace|activity|user|ticket|case|incident)[\s\-]*(?:id|identifier|number|no\.?|nr\.?)"
    r"|anforderungs-?id|korrelations-?id|ger[aä]te-?id|ticket(?:nummer)?|vorgang(?:snummer)?"
    r"|case|incident|identifier|kennung|guid|id)(?![A-Za-z])\s*[:#=]?\s*)"
    r"(?!0[xX])(?=[0-9A-Za-z\-]*\d)[0-9A-Za-z][0-9A-Za-z\-]{3,}",
    re.IGNORECASE,
)
# A phone number: a country code (+49, 0049) or a trunk 0 and an area code, then at least five
# more digits in groups; a date (07.12.2026) is not one.
_PHONE = re.compile(
    r"(?<![\w+])(?!\d{1,2}\.\d{1,2}\.\d{2,4}(?!\d))"
    r"(?:(?:\+|00)[1-9]\d{0,3}(?:[\s./-]*\(0\))?|\(?0[1-9]\d{0,4}\)?)"
    r"(?:[\s./-]*\d){5,13}(?![\w])"
)

# In the order they are masked: whole IDs before the numbers inside them.
_MASKS = (
    (_EMAIL, "[email]"),
    (_GUID_LIKE, "[id]"),
    (_MAC, "[id]"),
    (_IPV6, "[ip]"),
    (_IPV4, "[ip]"),
    (_LABELLED_ID, "[id]"),  # the label stays
    (_PHONE, "[phone]"),
)


def mask_identifiers(text: str) -> str:
    """``text`` with every e-mail address, ID, device address, IP address and phone number
    replaced by a tag that names what it was."""
    return _replace(text, tagged=True)


def without_identifiers(text: str) -> str:
    """``text`` with everything :func:`mask_identifiers` would mask left out (for word search,
    where a tag would be a word)."""
    return _replace(text, tagged=False)


def holds_identifiers(text: str) -> bool:
    """Does ``text`` hold anything :func:`mask_identifiers` would mask?"""
    return any(pattern.search(text) for pattern, _ in _MASKS)


def _replace(text: str, *, tagged: bool) -> str:
    for pattern, tag in _MASKS:
        replacement = tag if tagged else " "
        if "label" in pattern.groupindex:  # the label stays, only what follows it goes
            replacement = r"\g<label>" + replacement
        text = pattern.sub(replacement, text)
    return text


@dataclass(frozen=True, slots=True)
class PastedDetails:
    """The IDs of one sign-in attempt, from a pasted "More details" block."""

    request_id: str | None = None
    correlation_id: str | None = None
    timestamp: str | None = None


# Microsoft's labels, in English and German; the values in their exact shapes, so that nothing
# but a GUID or a time is ever taken from the text.
_REQUEST_ID = re.compile(rf"(?:request\s*id|anforderungs-?id)\s*[:=]?\s*\{{?({_GUID})", re.I)
_CORRELATION_ID = re.compile(
    rf"(?:correlation\s*id|korrelations-?id)\s*[:=]?\s*\{{?({_GUID})", re.I
)
_TIMESTAMP = re.compile(
    r"(?:timestamp|zeitstempel)\s*[:=]?\s*"
    r"(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:?\d{2})?)",
    re.I,
)


def pasted_details(text: str) -> PastedDetails | None:
    """The request ID, correlation ID and timestamp in ``text``; None unless it holds an ID."""
    found = [pattern.search(text) for pattern in (_REQUEST_ID, _CORRELATION_ID, _TIMESTAMP)]
    request_id, correlation_id, timestamp = (m[1] if m else None for m in found)
    if request_id is None and correlation_id is None:
        return None
    return PastedDetails(request_id, correlation_id, timestamp)
