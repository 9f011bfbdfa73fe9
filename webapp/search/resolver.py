"""From what a person typed to the answer: a code's entry, its family, a choice, or nothing.

Search, the code pages and the API all ask :class:`Resolver`, so a spelling that works in one
works in all three.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from webapp.content.model import M365_NUMBER, NO_CODE, CodeEntry, Content, alias_key
from webapp.search.families import Explanation, explain
from webapp.search.normalise import (
    MAX_QUERY_FOR_CODES,
    bare_number,
    near_code_digits,
    normalise_code,
    sentence_decimals,
)

DID_YOU_MEAN_DISTANCE = 2
DID_YOU_MEAN_LIMIT = 3
# Network error numbers (12001-12193 today) sit in the low word of 0xCAA8xxxx codes.
NETWORK_NUMBERS = range(12000, 13000)


@dataclass(frozen=True, slots=True)
class Resolution:
    """What the text names."""

    typed: str
    code: str | None = None  # the canonical code, when the text names exactly one
    entry: CodeEntry | None = None  # its entry, when the catalogue has it
    explanation: Explanation | None = None  # what its family says, when it has no entry
    choices: tuple[CodeEntry, ...] = ()  # a bare number that is more than one known code
    did_you_mean: tuple[CodeEntry, ...] = ()  # known codes close to a code nobody knows


class Resolver:
    """Resolves typed text against one language's catalogue."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self._codes = [entry.code for entry in content.codes if entry.code != NO_CODE]
        # A named error is found by its name and by its aliases (the message people see),
        # typed alone or inside a pasted text; longest first, so the most specific one wins.
        names = {
            alias_key(name): entry
            for entry in content.codes
            for name in ((entry.code, *entry.aliases) if entry.is_named else entry.aliases)
        }
        self._aliases = sorted(names.items(), key=lambda item: -len(item[0]))

    def resolve(self, typed: str) -> Resolution:
        text = typed.strip()
        if text.lower() == NO_CODE:
            return self._code(text, NO_CODE)
        code = normalise_code(text)
        if code is not None:
            return self._code(text, code)
        named = self._named(text)
        if named is not None:
            return Resolution(text, named.code, named)
        known = self._known_decimal(text)
        if known is not None:
            return Resolution(text, known.code, known)
        number = bare_number(text)
        if number is not None:
            choices = self._codes_numbered(number)
            if len(choices) == 1:
                return Resolution(text, choices[0].code, choices[0])
            if choices:
                return Resolution(text, choices=choices)
        near = near_code_digits(text)
        return Resolution(text, did_you_mean=self.similar_codes("0x" + near) if near else ())

    def _code(self, text: str, code: str) -> Resolution:
        entry = self.content.code_by_id.get(code)
        if entry is not None:
            return Resolution(text, code, entry)
        # A code in no table: say what its family says, and offer close codes we do know.
        return Resolution(
            text,
            code,
            explanation=explain(code, self.content),
            did_you_mean=self.similar_codes(code),
        )

    def _known_decimal(self, text: str) -> CodeEntry | None:
        """The entry of the first number in a sentence that is a known code's decimal form."""
        by_id = self.content.code_by_id
        return next((by_id[c] for c in sentence_decimals(text) if c in by_id), None)

    def _named(self, text: str) -> CodeEntry | None:
        """The entry whose name or alias the text is or holds."""
        key = f" {alias_key(text[:MAX_QUERY_FOR_CODES])} "
        return next((entry for alias, entry in self._aliases if f" {alias} " in key), None)

    def _codes_numbered(self, number: int) -> tuple[CodeEntry, ...]:
        """The known codes a bare number may stand for: an Entra code, a number in a Microsoft
        365 app's brackets, a network error."""
        candidates = [f"AADSTS{number}", M365_NUMBER.format(number=number)]
        if number in NETWORK_NUMBERS:
            candidates.append(f"0xCAA8{number:04X}")
        found = (self.content.code_by_id.get(code) for code in candidates)
        return tuple(entry for entry in found if entry is not None)

    def similar_codes(self, code: str) -> tuple[CodeEntry, ...]:
        """Known codes a character or two away from ``code`` (a canonical code)."""
        matches = process.extract(
            code,
            self._codes,
            scorer=Levenshtein.distance,
            score_cutoff=DID_YOU_MEAN_DISTANCE,
            limit=DID_YOU_MEAN_LIMIT,
        )
        by_id = self.content.code_by_id
        return tuple(by_id[found] for found, _, _ in matches if found != code)
