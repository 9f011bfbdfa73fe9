"""Read the files of one language's folder into its :class:`Content`, recording each problem.

The same reading serves the default language and a translation; where they differ, the
reader asks its :class:`~webapp.content.translation.LanguageRules`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from markupsafe import Markup

from webapp.content import markdown
from webapp.content.files import PAGE_FIELDS, check_fields, read_toml_tables, split_front_matter
from webapp.content.links import link_checker
from webapp.content.model import (
    AADSTS_FAMILY,
    MIN_ALIAS_LENGTH,
    NO_CODE,
    CodeEntry,
    Content,
    Family,
    Page,
    alias_key,
    is_canonical_code,
)
from webapp.content.problems import Problems
from webapp.content.translation import LanguageRules

CODE_FILE = "codes.toml"
CATALOGUE_FOLDER = "catalogue"
FAMILY_PREFIX = re.compile(rf"0x[0-9A-F]{{1,8}}|{AADSTS_FAMILY}")
PAGE_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")

_PendingLinks = list[tuple[Path, str, str, list[str]]]  # file, entry, own page slug, hrefs


class Reader:
    """Reads the files of one language; ``rules`` say what differs for a translation."""

    def __init__(
        self,
        problems: Problems,
        folder: Path,
        language: str,
        rules: LanguageRules,
        reserved: Collection[str] = (),
    ) -> None:
        self.problems = problems
        self.folder = folder
        self.language = language
        self.rules = rules
        self.reserved = reserved
        self.links: _PendingLinks = []
        self.alias_owner: dict[str, str] = {}  # alias key: the entry it names

    # -- Markdown fields --------------------------------------------------------------------

    def _markdown(self, path: Path, label: str, text: str) -> tuple[Markup, str]:
        rendered = markdown.render(text, self.rules.link_prefix)
        self.links.append((path, label, "", rendered.links))
        return rendered.html, rendered.text

    def _steps(
        self, path: Path, label: str, steps: Iterable[str]
    ) -> tuple[tuple[Markup, ...], tuple[str, ...]]:
        html, text = [], []
        for step in steps:
            rendered = markdown.render_inline(step, self.rules.link_prefix)
            self.links.append((path, label, "", rendered.links))
            html.append(rendered.html)
            text.append(rendered.text)
        return tuple(html), tuple(text)

    # -- the code table ---------------------------------------------------------------------

    def _code_files(self) -> list[Path]:
        """``codes.toml`` and then the catalogue's files, in name order."""
        folder = self.folder / CATALOGUE_FOLDER
        catalogue = sorted(folder.glob("*.toml")) if folder.is_dir() else []
        return [self.folder / CODE_FILE, *catalogue]

    def codes(self) -> list[CodeEntry]:
        codes: dict[str, CodeEntry] = {}
        where: dict[str, str] = {}
        for number, path in enumerate(self._code_files()):
            optional = self.rules.optional or number > 0  # only codes.toml is required
            for label, data in read_toml_tables(self.problems, path, "code", optional=optional):
                entry = self._code(path, label, data, codes, where)
                if entry is not None:
                    codes[entry.code] = entry
                    where[entry.code] = f"{self.problems.name(path)} {label}"
        return self.rules.codes(codes)

    def _code(
        self,
        path: Path,
        label: str,
        data: dict[str, Any],
        codes: dict[str, CodeEntry],
        where: dict[str, str],
    ) -> CodeEntry | None:
        """One [[code]] table as an entry, or None (with the problems recorded)."""
        if not check_fields(self.problems, path, label, data, self.rules.code_fields):
            return None
        code = data["code"].strip()
        if code.lower() == NO_CODE:
            code = NO_CODE
        elif not is_canonical_code(code):
            self.problems.add(
                path,
                label,
                f"code '{code}' is malformed: write '0x' and 8 hexadecimal digits in capitals "
                "(like 0xCAA20003), 'AADSTS' and the number (like AADSTS50126), Microsoft's "
                "name of an error without a number (like TeamsDisabledForTenantForbidden), "
                "'M365-' and the number in brackets (like M365-1001), or 'none' for the "
                "entry without a code",
            )
            return None
        if code in codes:
            self.problems.add(path, label, f"duplicate code {code} (already in {where[code]})")
            return None
        if "for_it" in data and not data["for_it"].strip():
            self.problems.add(
                path, label, "field 'for_it' must not be empty: leave it out when IT needs no part"
            )
            return None
        facts = self.rules.code_facts(path, label, code, data)
        if facts is None or not self._aliases_fit(path, label, facts["aliases"]):
            return None
        summary, summary_text = self._markdown(path, label, data["summary"])
        contact, contact_text = self._markdown(path, label, data["contact_it"])
        steps_html, steps_text = self._steps(path, label, data["steps"])
        for_it, for_it_text = (
            self._markdown(path, label, data["for_it"]) if "for_it" in data else (None, "")
        )
        return CodeEntry(
            code=code,
            title=data["title"].strip(),
            summary=summary,
            steps=steps_html,
            contact_it=contact,
            keywords=tuple(data.get("keywords", ())),
            summary_text=summary_text,
            steps_text=steps_text,
            contact_text=contact_text,
            language=self.language,
            for_it=for_it,
            for_it_text=for_it_text,
            **facts,
        )

    def _aliases_fit(self, path: Path, label: str, aliases: tuple[str, ...]) -> bool:
        """Each alias is long enough to name one error and names no other entry's."""
        fit = True
        for alias in aliases:
            key = alias_key(alias)
            if len(key) < MIN_ALIAS_LENGTH:
                self.problems.add(
                    path,
                    label,
                    f"alias '{alias}' is too short to name one error: write at least "
                    f"{MIN_ALIAS_LENGTH} letters and digits, like the whole message",
                )
                fit = False
            elif self.alias_owner.setdefault(key, label) != label:
                self.problems.add(
                    path, label, f"alias '{alias}' already names {self.alias_owner[key]}"
                )
                fit = False
        return fit

    # -- families ------------------------------------------------------------------------

    def families(self) -> list[Family]:
        path = self.folder / "families.toml"
        tables = read_toml_tables(self.problems, path, "family", optional=self.rules.optional)
        families: dict[str, Family] = {}
        for label, data in tables:
            if not check_fields(self.problems, path, label, data, self.rules.family_fields):
                continue
            prefix = data["prefix"].strip()
            if not FAMILY_PREFIX.fullmatch(prefix):
                self.problems.add(
                    path,
                    label,
                    f"prefix '{prefix}' is malformed: write '0x' and 1 to 8 hexadecimal digits "
                    f"in capitals (like 0xCAA8), or {AADSTS_FAMILY}",
                )
                continue
            if prefix in families:
                self.problems.add(path, label, f"duplicate prefix {prefix}")
                continue
            facts = self.rules.family_facts(path, label, prefix, data)
            if facts is None:
                continue
            summary, _ = self._markdown(path, label, data["summary"])
            contact, _ = self._markdown(path, label, data["contact_it"])
            steps_html, _ = self._steps(path, label, data["steps"])
            families[prefix] = Family(
                prefix,
                data["name"].strip(),
                summary,
                steps_html,
                contact,
                language=self.language,
                **facts,
            )
        return list(self.rules.families(families))

    # -- pages ------------------------------------------------------------------------------

    def page(self, path: Path, slug: str) -> Page | None:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.problems.add(path, "", "is not UTF-8 text")
            return None
        split = split_front_matter(self.problems, path, text)
        if split is None:
            return None
        meta, body = split
        if not check_fields(self.problems, path, "front matter", meta, PAGE_FIELDS):
            return None
        rendered = markdown.render(body, self.rules.link_prefix)
        self.links.append((path, "body", slug, rendered.links))
        return Page(
            slug=slug,
            title=meta["title"].strip(),
            description=meta.get("description", "").strip(),
            order=meta.get("order", 100),
            html=rendered.html,
            sections=tuple(rendered.sections),
            keywords=tuple(meta.get("keywords", ())),
            nav_title=meta.get("nav_title", "").strip() or meta["title"].strip(),
            in_nav=meta.get("nav", True),
            source=self.problems.name(path),
            language=self.language,
        )

    def pages(self) -> list[Page]:
        folder = self.folder / "pages"
        if folder.is_dir():
            files = sorted(folder.glob("*.md"))
        else:
            self.rules.missing_pages_folder(folder)
            files = []
        pages: dict[str, Page] = {}
        for path in files:
            slug = path.stem
            if not PAGE_SLUG.fullmatch(slug):
                self.problems.add(
                    path,
                    "",
                    "file name must be lower-case letters, digits and dashes (it is the URL)",
                )
                continue
            if slug in self.reserved:
                self.problems.add(
                    path, "", f"'{slug}' is a reserved address of the site; rename the file"
                )
                continue
            if not self.rules.may_have_page(path, slug):
                continue
            page = self.page(path, slug)
            if page is None:
                continue
            self.rules.check_page(path, page)
            pages[slug] = page
        return sorted(self.rules.pages(pages), key=lambda p: (p.order, p.title))

    def home(self) -> Page | None:
        path = self.folder / "home.md"
        if path.is_file():
            return self.page(path, "")
        return self.rules.missing_home(path)

    # -- all of it --------------------------------------------------------------------------

    def content(self) -> Content | None:
        """This language's content, or None when it has problems (recorded)."""
        before = len(self.problems.problems)
        codes = self.codes()
        families = self.families()
        pages = self.pages()
        home = self.home()
        code_ids, anchors = self.rules.link_targets(codes, pages)
        if home is not None:
            anchors[""] = home.anchors
        check = link_checker(code_ids, anchors)
        for path, entry, slug, hrefs in self.links:
            for href in hrefs:
                reason = check(href, slug)
                if reason:
                    self.problems.add(path, entry, f"broken link '{href}': {reason}")
        if len(self.problems.problems) > before or home is None:
            return None
        return Content(
            codes=tuple(codes),
            families=tuple(families),
            pages=tuple(pages),
            home=home,
            language=self.language,
        )
