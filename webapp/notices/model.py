"""A notice, in plain Python: what IT tells people, checked field by field.

:func:`check` turns what someone sent (the CLI's options, the API's JSON, the IT desk's form)
into clean fields or a :class:`NoticeError` naming the field; :class:`Notice` is a stored
notice with its Markdown rendered once, when it is loaded, never per request.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from markupsafe import Markup

from webapp.content.loader import DEFAULT_LANGUAGE
from webapp.content.markdown import render
from webapp.search.normalise import normalise_code

LEVELS = ("outage", "maintenance", "info")
DEFAULT_DURATION = timedelta(hours=4)
MAX_DURATION = timedelta(days=14)  # a forgotten banner cannot linger
MAX_TITLE_LENGTH = 120
MAX_TEXT_LENGTH = 2000  # a short text: what happened, what to do, when it is expected back
MAX_CODES = 50
MAX_BY_LENGTH = 100
# The fields besides the texts in other languages, which are ``title_<language>`` and
# ``text_<language>`` (see text_fields) for each of the site's languages but the default.
FIELDS = ("level", "title", "text", "codes", "starts", "ends", "report")
_TEXT_FIELD = re.compile(r"(?:title|text)_(.+)")

_DURATION = re.compile(r"(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?", re.IGNORECASE)
# Links a notice may carry: the web, mail, and the site's own pages. Anything with another
# scheme (javascript:, data:, vbscript:) is refused, not just left unlinked.
_SCHEME = re.compile(r"(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*)\s*:", re.IGNORECASE)
_DANGEROUS_SCHEMES = frozenset({"javascript", "vbscript", "data", "file"})


def text_fields(language: str) -> tuple[str, str]:
    """The names of a language's title and text: ``title`` and ``text`` in the default
    language, ``title_fr`` and ``text_fr`` in French."""
    if language == DEFAULT_LANGUAGE:
        return "title", "text"
    return f"title_{language}", f"text_{language}"


def language_of(field: str) -> str | None:
    """The language whose words a field carries, when it is named like one that does
    (``title_fr``: ``fr``); None for the other fields."""
    match = _TEXT_FIELD.fullmatch(field)
    language = match[1] if match else None
    return language if language != DEFAULT_LANGUAGE else None


class NoticeError(ValueError):
    """A field that cannot be used: ``field`` names it, the message says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class Text:
    """A notice's words in one language: the title, the Markdown and its HTML."""

    language: str
    title: str
    markdown: str
    html: Markup


@dataclass(frozen=True, slots=True)
class Notice:
    """A stored notice. ``codes`` empty: it concerns everyone."""

    id: int
    level: str
    # By language; always has DEFAULT_LANGUAGE, and may keep one the site no longer has.
    texts: Mapping[str, Text]
    codes: tuple[str, ...]
    starts_at: datetime
    ends_at: datetime
    report: bool  # do people still need to report the problem?
    posted_by: str
    posted_at: datetime

    @classmethod
    def of(cls, id: int, fields: Mapping[str, Any]) -> Notice:
        """Build a notice from its stored fields, rendering each text's Markdown."""
        texts = {
            language: Text(
                language,
                words["title"],
                words["text"],
                render(words["text"], "" if language == DEFAULT_LANGUAGE else f"/{language}").html,
            )
            for language, words in fields["texts"].items()
        }
        return cls(
            id=id,
            level=fields["level"],
            texts=texts,
            codes=tuple(fields["codes"]),
            starts_at=fields["starts_at"],
            ends_at=fields["ends_at"],
            report=fields["report"],
            posted_by=fields["posted_by"],
            posted_at=fields["posted_at"],
        )

    def text(self, language: str) -> Text:
        """The words for a page in ``language``: its own, or the English ones (whose
        ``language`` then says so, for ``lang="en"``)."""
        return self.texts.get(language) or self.texts[DEFAULT_LANGUAGE]

    @property
    def original(self) -> Text:
        """The words in the default language, which every notice has."""
        return self.texts[DEFAULT_LANGUAGE]

    def active(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at

    @property
    def for_everyone(self) -> bool:
        return not self.codes


def duration(text: str) -> timedelta:
    """``2h``, ``90m``, ``1d 4h``, or a bare number of hours, as a time span."""
    text = text.strip()
    if text.isdigit():
        return timedelta(hours=int(text))
    match = _DURATION.fullmatch(text)
    if not text or match is None or not any(match.groups()):
        raise ValueError(f"{text!r} is not a duration; write it like 30m, 2h or 1d 4h")
    days, hours, minutes = (int(part or 0) for part in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes)


def moment(text: str | datetime, now: datetime) -> datetime:
    """A point in time: an ISO 8601 date and time (UTC unless it says otherwise), ``now``, or
    a duration from now (``2h``)."""
    if isinstance(text, datetime):
        value = text
    elif text.strip().lower() == "now":
        return now
    else:
        try:
            value = datetime.fromisoformat(text.strip())
        except ValueError:
            return now + duration(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _words(field: str, value: Any, limit: int, *, required: bool) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise NoticeError(field, "is required")
        return None
    if not isinstance(value, str):
        raise NoticeError(field, "must be text")
    value = value.strip()
    if len(value) > limit:
        raise NoticeError(field, f"is {len(value)} characters long; at most {limit}")
    if "\x00" in value:
        raise NoticeError(field, "must not contain a NUL character")
    for scheme in _SCHEME.findall(value):
        if scheme.lower() in _DANGEROUS_SCHEMES:
            raise NoticeError(
                field, f"links may use https:, http: or mailto: (or /page), not {scheme}:"
            )
    return value


def _codes(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    if not isinstance(value, list | tuple) or not all(isinstance(code, str) for code in value):
        raise NoticeError("codes", "must be a list of status codes")
    if len(value) > MAX_CODES:
        raise NoticeError("codes", f"at most {MAX_CODES} codes")
    codes: list[str] = []
    for typed in value:
        code = normalise_code(typed)
        if code is None:
            raise NoticeError("codes", f"{typed[:40]!r} is not a status code")
        if code not in codes:
            codes.append(code)
    return codes


def _when(field: str, value: Any, now: datetime) -> datetime:
    if not isinstance(value, str | datetime):
        raise NoticeError(field, "must be a date and time (ISO 8601) or a duration like 2h")
    try:
        return moment(value, now)
    except (ValueError, OverflowError) as exc:
        raise NoticeError(field, str(exc)) from None


def check(
    sent: Mapping[str, Any],
    now: datetime,
    languages: Collection[str],
    current: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The stored fields of a notice from what was sent: a new notice when ``current`` is
    None, else ``current`` (stored fields) changed by what was sent. ``languages``: the site's
    (the default language's text is required, the others' optional); a text in any other is
    refused. Raises NoticeError."""
    others = [language for language in languages if language != DEFAULT_LANGUAGE]
    _known(sent, others)
    base = dict(current) if current is not None else {}
    # A stored text in a language the site no longer has is kept as it was, never shown.
    texts = {language: dict(words) for language, words in base.get("texts", {}).items()}
    fields: dict[str, Any] = {}

    level = sent.get("level", base.get("level", "outage"))
    if level not in LEVELS:
        raise NoticeError("level", f"must be one of {', '.join(LEVELS)}, not {str(level)[:20]!r}")
    fields["level"] = level

    for language in (DEFAULT_LANGUAGE, *others):
        title_field, text_field = text_fields(language)
        words = texts.get(language, {})
        required = language == DEFAULT_LANGUAGE
        if title_field in sent or not words:
            title = _words(title_field, sent.get(title_field), MAX_TITLE_LENGTH, required=required)
        else:
            title = words["title"]
        if text_field in sent or not words:
            text = _words(text_field, sent.get(text_field), MAX_TEXT_LENGTH, required=False)
        else:
            text = words["text"]
        if title is None:
            if text and not required:
                raise NoticeError(title_field, f"is required with {text_field}")
            texts.pop(language, None)
        elif not required and not text and texts[DEFAULT_LANGUAGE]["text"]:
            raise NoticeError(text_field, f"is required with {title_field}, as the English text")
        else:
            texts[language] = {"title": title, "text": text or ""}
    fields["texts"] = texts

    fields["codes"] = _codes(sent["codes"]) if "codes" in sent else base.get("codes", [])

    report = sent.get("report", base.get("report", True))
    if not isinstance(report, bool):
        raise NoticeError("report", "must be true or false")
    fields["report"] = report

    starts = _when("starts", sent["starts"], now) if "starts" in sent else base.get("starts_at")
    fields["starts_at"] = starts or now
    if "ends" in sent:
        ends = _when("ends", sent["ends"], now)
        if isinstance(sent["ends"], str) and _is_duration(sent["ends"]):
            ends = max(now, fields["starts_at"]) + duration(sent["ends"])
    else:
        ends = base.get("ends_at") or fields["starts_at"] + DEFAULT_DURATION
    if ends <= now:
        raise NoticeError("ends", "is in the past; a notice must end later than now")
    if ends <= fields["starts_at"]:
        raise NoticeError("ends", "must be after the start")
    if ends - max(now, fields["starts_at"]) > MAX_DURATION:
        raise NoticeError("ends", "is more than 14 days away; post a new notice then")
    if fields["starts_at"] - now > MAX_DURATION:
        raise NoticeError("starts", "is more than 14 days away")
    fields["ends_at"] = ends
    return fields


def _known(sent: Mapping[str, Any], others: Collection[str]) -> None:
    """Refuse a field a notice does not have, naming it, and a text in a language the site
    does not have, naming the language."""
    for name in sorted(sent):
        language = language_of(name)
        if language is None and name not in FIELDS:
            fields = ", ".join(
                (*FIELDS, *(field for other in others for field in text_fields(other)))
            )
            raise NoticeError(name, f"is not a field of a notice; they are {fields}")
        if language is not None and language not in others:
            languages = ", ".join((DEFAULT_LANGUAGE, *others))
            raise NoticeError(
                name,
                f"{language[:20]!r} is not a language of this site; its languages are {languages}",
            )


def _is_duration(text: str) -> bool:
    try:
        duration(text)
    except ValueError:
        return False
    return True


def describe(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Fields as JSON can carry them (for the audit trail and the logs)."""
    return {
        name: value.isoformat() if isinstance(value, datetime) else value
        for name, value in fields.items()
    }
