"""What differs between reading the default language and reading a translation over it.

The reader (:mod:`webapp.content.reader`) reads any language's folder the same way and asks
these rules each question whose answer differs: which files and fields are required, where
the facts come from (Microsoft's name and who can fix a code, a family's decoder: kept once,
in the default language), which entries may be translated, and what an entry the folder lacks
falls back to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeVar
from urllib.parse import urlsplit

from webapp.content.files import CODE_FIELDS, CONTACT_FIELDS, FAMILY_FIELDS, Field
from webapp.content.model import (
    DECODERS,
    FIXERS,
    SOURCE_HOSTS,
    CodeEntry,
    Contact,
    Content,
    Family,
    Page,
)
from webapp.content.problems import Problems

T = TypeVar("T")
Table = dict[str, Any]  # a TOML table as read
HOME = "home"  # the home page, among a translation's missing pages
Facts = dict[str, Any]  # the fields of an entry that are facts, not text


class LanguageRules(Protocol):
    optional: bool  # whether each file and folder may be missing
    link_prefix: str  # put before the site's own links in this language's Markdown

    @property
    def code_fields(self) -> dict[str, Field]: ...
    @property
    def family_fields(self) -> dict[str, Field]: ...

    def code_facts(self, path: Path, label: str, code: str, data: Table) -> Facts | None: ...
    def family_facts(self, path: Path, label: str, prefix: str, data: Table) -> Facts | None: ...
    def may_have_page(self, path: Path, slug: str) -> bool: ...
    def check_page(self, path: Path, page: Page) -> None: ...
    def missing_pages_folder(self, folder: Path) -> None: ...
    def missing_home(self, path: Path) -> Page | None: ...
    def codes(self, read: dict[str, CodeEntry]) -> list[CodeEntry]: ...
    def families(self, read: dict[str, Family]) -> list[Family]: ...
    def pages(self, read: dict[str, Page]) -> list[Page]: ...
    def link_targets(
        self, codes: list[CodeEntry], pages: list[Page]
    ) -> tuple[set[str], dict[str, frozenset[str]]]: ...


def _contact(path: Path, label: str, data: Table, problems: Problems) -> Contact | None:
    """The entry's own contact, or None; a contact needs a name and a way to reach it."""
    if not any(key in data for key in CONTACT_FIELDS):
        return None
    fields = {key.removeprefix("contact_"): data.get(key, "").strip() for key in CONTACT_FIELDS}
    if not fields["name"] or not (fields["email"] or fields["url"] or fields["phone"]):
        problems.add(
            path,
            label,
            "a contact needs 'contact_name' and at least one of 'contact_email', "
            "'contact_url' or 'contact_phone'",
        )
        return None
    return Contact(**fields)


def _source_problem(data: Table) -> str:
    """What is wrong with an entry's part for IT and its source; "" when nothing is."""
    source = data.get("for_it_source", "").strip()
    if ("for_it" in data) != bool(source):
        return (
            "write 'for_it' and 'for_it_source' together: the part for IT names the Microsoft "
            "page that says so"
        )
    address = urlsplit(source)
    if source and (address.scheme != "https" or address.hostname not in SOURCE_HOSTS):
        return (
            f"for_it_source '{source}' must be an https:// address on {' or '.join(SOURCE_HOSTS)}"
        )
    return ""


def _link_targets(
    codes: Iterable[CodeEntry], pages: Iterable[Page]
) -> tuple[set[str], dict[str, frozenset[str]]]:
    return {c.code for c in codes}, {p.slug: p.anchors for p in pages}


class Original:
    """The default language: read in full, every file required, the facts its own."""

    optional = False
    link_prefix = ""
    code_fields = CODE_FIELDS
    family_fields = FAMILY_FIELDS

    def __init__(self, problems: Problems) -> None:
        self.problems = problems

    def code_facts(self, path: Path, label: str, code: str, data: Table) -> Facts | None:
        name, fixer = data.get("name", "").strip(), data["fixer"].strip()
        if fixer not in FIXERS:
            self.problems.add(
                path, label, f"fixer '{fixer}' is unknown: write one of {', '.join(FIXERS)}"
            )
            return None
        problem = _source_problem(data)
        if problem:
            self.problems.add(path, label, problem)
            return None
        return {
            "name": name,
            "fixer": fixer,
            "aliases": tuple(data.get("aliases", ())),
            "contact": _contact(path, label, data, self.problems),
            "for_it_source": data.get("for_it_source", "").strip(),
        }

    def family_facts(self, path: Path, label: str, prefix: str, data: Table) -> Facts | None:
        decoder = data.get("decoder")
        if decoder is not None and decoder not in DECODERS:
            self.problems.add(
                path, label, f"unknown decoder '{decoder}' (known: {', '.join(sorted(DECODERS))})"
            )
            return None
        return {"decoder": decoder, "contact": _contact(path, label, data, self.problems)}

    def may_have_page(self, path: Path, slug: str) -> bool:
        return True

    def check_page(self, path: Path, page: Page) -> None:
        pass

    def missing_pages_folder(self, folder: Path) -> None:
        self.problems.add(folder, "", "folder is missing")

    def missing_home(self, path: Path) -> Page | None:
        self.problems.add(path, "", "file is missing")
        return None

    def codes(self, read: dict[str, CodeEntry]) -> list[CodeEntry]:
        return list(read.values())

    def families(self, read: dict[str, Family]) -> list[Family]:
        return list(read.values())

    def pages(self, read: dict[str, Page]) -> list[Page]:
        return list(read.values())

    def link_targets(
        self, codes: list[CodeEntry], pages: list[Page]
    ) -> tuple[set[str], dict[str, frozenset[str]]]:
        return _link_targets(codes, pages)


class Translation:
    """A translation, read against the default language's ``base``: its files and entries
    are optional, each entry must translate one that exists, the facts come from the
    original, and what it lacks falls back to the original (listed in :attr:`missing`)."""

    optional = True
    # Microsoft's name, who can fix a code, the source of the part for IT, a family's decoder
    # and a contact are not text.
    code_fields: ClassVar = {
        k: v
        for k, v in CODE_FIELDS.items()
        if k not in ("name", "fixer", "for_it_source", *CONTACT_FIELDS)
    }
    family_fields: ClassVar = {
        k: v for k, v in FAMILY_FIELDS.items() if k not in ("decoder", *CONTACT_FIELDS)
    }

    def __init__(self, problems: Problems, language: str, base: Content) -> None:
        self.problems = problems
        self.base = base
        self.link_prefix = f"/{language}"
        # By kind ("code", "family", "page"): the keys still shown in the default language.
        self.missing: dict[str, list[str]] = {"code": [], "family": [], "page": []}

    def code_facts(self, path: Path, label: str, code: str, data: Table) -> Facts | None:
        original = self.base.code_by_id.get(code)
        if original is None:
            self.problems.add(
                path, label, f"translates code {code}, which the default language lacks"
            )
            return None
        if ("for_it" in data) != bool(original.for_it):
            self.problems.add(
                path,
                label,
                f"translate the part for IT ('for_it') of {code}, which the original has"
                if original.for_it
                else f"has a part for IT ('for_it'), which the original of {code} lacks",
            )
            return None
        # The original's aliases hold in every language (Teams in English on a German
        # computer shows the English message); a translation adds the messages in its language.
        aliases = original.aliases + tuple(data.get("aliases", ()))
        return {
            "name": original.name,
            "fixer": original.fixer,
            "aliases": aliases,
            "contact": original.contact,
            "for_it_source": original.for_it_source,
        }

    def family_facts(self, path: Path, label: str, prefix: str, data: Table) -> Facts | None:
        original = next((f for f in self.base.families if f.prefix == prefix), None)
        if original is None:
            self.problems.add(
                path, label, f"translates family {prefix}, which the default language lacks"
            )
            return None
        return {"decoder": original.decoder, "contact": original.contact}

    def may_have_page(self, path: Path, slug: str) -> bool:
        if slug in self.base.page_by_slug:
            return True
        self.problems.add(path, "", f"translates page '{slug}', which the default language lacks")
        return False

    def check_page(self, path: Path, page: Page) -> None:
        """A translated page keeps the original's heading ids, so links work in both."""
        original = self.base.page_by_slug[page.slug]
        ours = [s.anchor for s in page.sections if s.anchor]
        theirs = [s.anchor for s in original.sections if s.anchor]
        if ours == theirs:
            return
        missing = [a for a in theirs if a not in ours]
        extra = [a for a in ours if a not in theirs]
        detail = "; ".join(
            part
            for part in (
                f"missing {', '.join(missing)}" if missing else "",
                f"not in the original: {', '.join(extra)}" if extra else "",
                "" if missing or extra else "in another order",
            )
            if part
        )
        self.problems.add(path, "headings", f"heading ids differ from {original.source}: {detail}")

    def missing_pages_folder(self, folder: Path) -> None:
        pass

    def missing_home(self, path: Path) -> Page | None:
        self.missing["page"].append(HOME)
        return self.base.home

    def codes(self, read: dict[str, CodeEntry]) -> list[CodeEntry]:
        return self._merge("code", read, self.base.codes, lambda e: e.code)

    def families(self, read: dict[str, Family]) -> list[Family]:
        return self._merge("family", read, self.base.families, lambda f: f.prefix)

    def pages(self, read: dict[str, Page]) -> list[Page]:
        return self._merge("page", read, self.base.pages, lambda p: p.slug)

    def link_targets(
        self, codes: list[CodeEntry], pages: list[Page]
    ) -> tuple[set[str], dict[str, frozenset[str]]]:
        # Links are checked against the original, which the translation mirrors.
        return _link_targets(self.base.codes, self.base.pages)

    def _merge(
        self, kind: str, read: dict[str, T], originals: Iterable[T], key: Callable[[T], str]
    ) -> list[T]:
        """The default language's entries, each replaced by its translation when there is one."""
        merged = []
        for original in originals:
            found = read.get(key(original))
            if found is None:
                self.missing[kind].append(key(original))
            merged.append(found or original)
        return merged
