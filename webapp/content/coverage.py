"""How much of the default language a translation covers, and how ``check-content`` says it.

A translation grows one entry at a time: what it lacks is shown in the default language,
marked as such. It is *offered* to people (the language switcher, the first visit's choice,
``hreflang``) once its interface strings and pages are complete, however few codes it has; until
then it is served at its address prefix only, for the people writing it to see it grow.
"""

from __future__ import annotations

from dataclasses import dataclass

# How many missing keys of one kind check-content names before it only counts the rest.
LISTED = 30


@dataclass(frozen=True, slots=True)
class Part:
    """One kind of thing a translation covers: how many the default language has, and which
    (or, for interface strings, how many) the translation still lacks."""

    name: str  # "codes", "families", "pages", "interface strings"
    total: int
    missing: tuple[str, ...] = ()  # the codes, prefixes or page slugs still in English
    missing_count: int | None = None  # when the missing ones are only counted

    @property
    def translated(self) -> int:
        lacking = len(self.missing) if self.missing_count is None else self.missing_count
        return self.total - lacking

    @property
    def complete(self) -> bool:
        return self.translated >= self.total

    def summary(self) -> str:
        """``412 of 644 codes (64%)``."""
        share = (
            f" ({self.translated * 100 // self.total}%)" if self.total and not self.complete else ""
        )
        return f"{self.translated} of {self.total} {self.name}{share}"


@dataclass(frozen=True, slots=True)
class Coverage:
    """What a translation covers of the default language."""

    codes: Part
    families: Part
    pages: Part  # the home page counts as the page "home"
    interface: Part
    catalogue: bool = True  # whether it has an interface catalogue (messages.po) at all

    @property
    def parts(self) -> tuple[Part, ...]:
        return (self.codes, self.families, self.pages, self.interface)

    @property
    def offered(self) -> bool:
        return self.catalogue and self.pages.complete and self.interface.complete

    @property
    def complete(self) -> bool:
        return self.catalogue and all(part.complete for part in self.parts)


def coverage_report(language: str, coverage: Coverage, *, listed: int | None = LISTED) -> list[str]:
    """The lines ``check-content`` prints for one translation: whether it is offered, how much
    of each part it covers, and what is not translated yet (the first ``listed`` of each part;
    None: all)."""
    if coverage.complete:
        return [f"{language}: complete, offered."]
    if coverage.offered:
        state = "offered; the rest is shown in English until it is translated"
    else:
        needs = [p.name for p in (coverage.pages, coverage.interface) if not p.complete]
        if not coverage.catalogue:
            needs = [n for n in needs if n != "interface strings"] + ["a messages.po"]
        state = f"not offered yet (it needs every one of its {' and '.join(needs)})"
    summaries = [p.summary() for p in coverage.parts[:-1]]
    summaries.append(coverage.interface.summary() if coverage.catalogue else "no messages.po")
    lines = [f"{language}: {state}.", "  " + ", ".join(summaries) + "."]
    for part in coverage.parts:
        if part.missing:
            shown = ", ".join(part.missing[:listed])
            hidden = len(part.missing) - len(part.missing[:listed])
            more = f" and {hidden} more (--all-missing lists them)" if hidden else ""
            lines.append(f"  {part.name} not translated yet: {shown}{more}.")
    if coverage.catalogue and not coverage.interface.complete:
        lacking = coverage.interface.total - coverage.interface.translated
        lines.append(
            f"  interface strings not translated yet: {lacking} (empty msgstr in messages.po)."
        )
    return lines
