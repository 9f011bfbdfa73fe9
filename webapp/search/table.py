"""The code table in groups, one per family, and what narrows it: a family, who can fix a code,
and words typed. Plain Python; ``static/site.js`` narrows the same way as people type."""

from __future__ import annotations

from dataclasses import dataclass

from webapp.content.model import AADSTS_FAMILY, FIXERS, CodeEntry, Content, Family
from webapp.search.families import family_of

OTHER = "other"  # the group of codes no family explains (Windows error numbers, "none")


@dataclass(frozen=True, slots=True)
class CodeGroup:
    """The codes of one family (or of none), in the table's order."""

    key: str  # the family's prefix, or OTHER; the table's ``family`` argument
    family: Family | None
    entries: tuple[CodeEntry, ...]


@dataclass(frozen=True, slots=True)
class TableFilter:
    """What a person narrowed the table to; empty values narrow nothing."""

    family: str = ""
    fixer: str = ""
    text: str = ""

    @property
    def active(self) -> bool:
        return bool(self.family or self.fixer or self.words)

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.text.lower().split())

    def keeps(self, group: CodeGroup, entry: CodeEntry) -> bool:
        """Whether the entry stays: its family and fixer as chosen, every word in its code or
        title (lower-cased, as the script does)."""
        if self.family and group.key != self.family:
            return False
        if self.fixer and entry.fixer != self.fixer:
            return False
        haystack = searchable_text(entry)
        return all(word in haystack for word in self.words)


def searchable_text(entry: CodeEntry) -> str:
    """What typed words are looked for in: the code and the title, lower-cased."""
    return f"{entry.code} {entry.title}".lower()


def code_groups(content: Content) -> tuple[CodeGroup, ...]:
    """Every code by family: the families in their content order (the app's codes, then the
    sign-in page's AADSTS codes in number order), and the codes no family explains after the
    app's codes."""
    by_key: dict[str, list[CodeEntry]] = {}
    for entry in content.codes:
        family = family_of(entry.code, content)
        by_key.setdefault(family.prefix if family else OTHER, []).append(entry)
    groups = [
        CodeGroup(family.prefix, family, tuple(_ordered(family, by_key[family.prefix])))
        for family in content.families
        if family.prefix in by_key and family.prefix != AADSTS_FAMILY
    ]
    if OTHER in by_key:
        groups.append(CodeGroup(OTHER, None, tuple(by_key[OTHER])))
    groups += [
        CodeGroup(family.prefix, family, tuple(_ordered(family, by_key[family.prefix])))
        for family in content.families
        if family.prefix in by_key and family.prefix == AADSTS_FAMILY
    ]
    return tuple(groups)


def problems(chosen: TableFilter, groups: tuple[CodeGroup, ...]) -> list[str]:
    """Which of the chosen values the table does not know: "family", "fixer"."""
    wrong = []
    if chosen.family and chosen.family not in {g.key for g in groups}:
        wrong.append("family")
    if chosen.fixer and chosen.fixer not in FIXERS:
        wrong.append("fixer")
    return wrong


def _ordered(family: Family, entries: list[CodeEntry]) -> list[CodeEntry]:
    if family.prefix == AADSTS_FAMILY:
        return sorted(entries, key=lambda e: int(e.code[6:]))
    return entries
