"""Read the content folder into a validated :class:`Content`, or say exactly what is wrong.

Layout of a content folder::

    codes.toml      the code table ([[code]] entries): the codes with full answers
    catalogue/*.toml  more [[code]] entries, one file per group of codes (same fields)
    families.toml   code families, for codes not in the table ([[family]] entries)
    home.md         the home page (TOML front matter between +++ lines, then Markdown)
    pages/*.md      pages served at /<file name without .md>
    de/, fr/, …     a translation: the same files, each optional, each entry complete;
                    what is not translated falls back to the default language; and
                    messages.po, the interface strings (from messages.pot)

Every problem found is collected, so one run of ``flask check-content`` lists them all, each
naming the file, the entry and what is wrong.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from webapp.content import markdown
from webapp.content.catalogues import CATALOGUE, read_catalogue
from webapp.content.model import (
    AADSTS_FAMILY,
    DECODERS,
    FIXERS,
    NO_CODE,
    CodeEntry,
    Content,
    Family,
    Page,
    Section,
    Site,
    is_canonical_code,
)

CODE_FILE = "codes.toml"
CATALOGUE_FOLDER = "catalogue"
FAMILY_PREFIX = re.compile(rf"0x[0-9A-F]{{1,8}}|{AADSTS_FAMILY}")
PAGE_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
FRONT_MATTER = "+++"
DEFAULT_LANGUAGE = "en"
# A sub-folder named like a language ("de", "pt-br") holds that language's translation.
LANGUAGE_FOLDER = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})?")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the content, phrased for the person who edits it."""

    file: str
    entry: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.entry}" if self.entry else self.file
        return f"{where}: {self.message}"


class ContentError(Exception):
    """The content folder has problems; the site must not start with it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the content:\n{lines}")


class _Collector:
    """Gathers problems while loading so that all of them are reported at once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def name(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def add(self, path: Path, entry: str, message: str) -> None:
        self.problems.append(Problem(self.name(path), entry, message))


@dataclass(frozen=True, slots=True)
class _Field:
    kind: type | tuple[type, ...]
    required: bool = True


def _check_fields(
    problems: _Collector, path: Path, entry: str, data: dict, spec: dict[str, _Field]
) -> bool:
    """Check one table against its field spec; report every problem; True when usable."""
    usable = True
    for key in data.keys() - spec.keys():
        problems.add(path, entry, f"unknown field '{key}' (allowed: {', '.join(spec)})")
    for key, rule in spec.items():
        if key not in data:
            if rule.required:
                problems.add(path, entry, f"missing field '{key}'")
                usable = False
            continue
        value = data[key]
        expected = rule.kind if isinstance(rule.kind, tuple) else (rule.kind,)
        if list in expected:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.add(path, entry, f"field '{key}' must be a list of text strings")
                usable = False
            elif rule.required and not value:
                problems.add(path, entry, f"field '{key}' must not be empty")
                usable = False
        elif not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected):
            names = " or ".join(_TYPE_NAMES[t] for t in expected)
            problems.add(path, entry, f"field '{key}' must be {names}")
            usable = False
        elif isinstance(value, str) and rule.required and not value.strip():
            problems.add(path, entry, f"field '{key}' must not be empty")
            usable = False
    return usable


_TYPE_NAMES = {str: "text", int: "a whole number", list: "a list", bool: "true or false"}

_CODE_FIELDS = {
    "code": _Field(str),
    "name": _Field(str, required=False),
    "fixer": _Field(str),
    "title": _Field(str),
    "summary": _Field(str),
    "steps": _Field(list),
    "contact_it": _Field(str),
    "keywords": _Field(list, required=False),
}
_FAMILY_FIELDS = {
    "prefix": _Field(str),
    "name": _Field(str),
    "summary": _Field(str),
    "steps": _Field(list),
    "contact_it": _Field(str),
    "decoder": _Field(str, required=False),
}
_PAGE_FIELDS = {
    "title": _Field(str),
    "description": _Field(str, required=False),
    "order": _Field(int, required=False),
    "keywords": _Field(list, required=False),
    "nav_title": _Field(str, required=False),
    "nav": _Field(bool, required=False),  # false: reached from another page, not the menu
}


def _read_toml_tables(
    problems: _Collector, path: Path, table: str, *, optional: bool = False
) -> list[tuple[str, dict]]:
    """The ``[[table]]`` entries of a TOML file, each with a label for messages."""
    if not path.is_file():
        if not optional:
            problems.add(path, "", "file is missing")
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.add(path, "", f"not valid TOML: {exc}")
        return []
    for key in data.keys() - {table}:
        problems.add(path, "", f"unknown top-level key '{key}' (expected only [[{table}]] tables)")
    entries = data.get(table, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        problems.add(path, "", f"entries must be written as [[{table}]] tables")
        return []
    if not entries and not optional:
        problems.add(path, "", f"has no [[{table}]] entries")
    labelled = []
    for position, entry in enumerate(entries, start=1):
        label_value = next((entry[k] for k in ("code", "prefix", "number") if k in entry), None)
        label = f"{table} #{position}" + (f" ({label_value})" if label_value is not None else "")
        labelled.append((label, entry))
    return labelled


def _split_front_matter(
    problems: _Collector, path: Path, text: str
) -> tuple[dict[str, Any], str] | None:
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != FRONT_MATTER:
        problems.add(path, "front matter", f"the file must start with a '{FRONT_MATTER}' line")
        return None
    for end in range(1, len(lines)):
        if lines[end].strip() == FRONT_MATTER:
            break
    else:
        problems.add(path, "front matter", f"no closing '{FRONT_MATTER}' line")
        return None
    try:
        meta = tomllib.loads("".join(lines[1:end]))
    except tomllib.TOMLDecodeError as exc:
        problems.add(path, "front matter", f"not valid TOML: {exc}")
        return None
    return meta, "".join(lines[end + 1 :])


def _link_checker(
    codes: set[str], pages: dict[str, frozenset[str]]
) -> Callable[[str, str], str | None]:
    """A function that says what is wrong with an internal link, or None when it resolves."""
    code_table_anchors = frozenset(f"code-{c.lower()}" for c in codes)

    def check(href: str, own_slug: str) -> str | None:
        if href.startswith("mailto:") or href.startswith("tel:"):
            return None
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            return None  # external: not ours to check
        path, anchor = parts.path, parts.fragment
        if not path:
            anchors = pages.get(own_slug)
            if anchors is None:
                return "a link to '#…' only works inside a page; write the full path"
            return None if anchor in anchors else f"no heading with id '{anchor}' on this page"
        if not path.startswith("/"):
            return "internal links must start with '/' (for example /codes or /faq)"
        if path in ("/", "/search"):
            return None
        if path == "/codes":
            if anchor and anchor not in code_table_anchors:
                return f"the code table has no row '#{anchor}'"
            return None
        if path.startswith("/codes/"):
            code = path.removeprefix("/codes/")
            return None if code in codes else f"no code {code} in the code table"
        slug = path.strip("/")
        if slug not in pages:
            return f"no page at {path}"
        if anchor and anchor not in pages[slug]:
            return f"page {path} has no heading with id '{anchor}'"
        return None

    return check


_PendingLinks = list[tuple[Path, str, str, list[str]]]  # file, entry, own page slug, hrefs


class _Reader:
    """Reads the files of one language.

    The default language is read in full. A translation (``base`` given) is read against it:
    its files and entries are optional, each entry must translate one that exists in the
    default language, and what it lacks falls back to the default language's entry.
    """

    def __init__(
        self,
        problems: _Collector,
        folder: Path,
        language: str,
        base: Content | None = None,
        reserved: Collection[str] = (),
    ) -> None:
        self.problems = problems
        self.reserved = reserved
        self.folder = folder
        self.language = language
        self.base = base
        self.link_prefix = "" if base is None else f"/{language}"
        self.links: _PendingLinks = []
        self.untranslated: list[str] = []

    # -- Markdown fields --------------------------------------------------------------------

    def _markdown(self, path: Path, label: str, text: str) -> tuple[Markup, str]:
        rendered = markdown.render(text, self.link_prefix)
        self.links.append((path, label, "", rendered.links))
        return rendered.html, rendered.text

    def _steps(
        self, path: Path, label: str, steps: Iterable[str]
    ) -> tuple[tuple[Markup, ...], tuple[str, ...]]:
        html, text = [], []
        for step in steps:
            rendered = markdown.render_inline(step, self.link_prefix)
            self.links.append((path, label, "", rendered.links))
            html.append(rendered.html)
            text.append(rendered.text)
        return tuple(html), tuple(text)

    def _tables(self, name: str, table: str) -> tuple[Path, list[tuple[str, dict]]]:
        path = self.folder / name
        return path, _read_toml_tables(self.problems, path, table, optional=self.base is not None)

    def _merge(self, kind: str, translated: dict, originals: Iterable, key: Callable) -> list:
        """The default language's entries, each replaced by its translation when there is one."""
        merged = []
        for original in originals:
            found = translated.get(key(original))
            if found is None:
                self.untranslated.append(f"{kind} {key(original)}")
            merged.append(found or original)
        return merged

    # -- the code table ---------------------------------------------------------------------

    def _code_files(self) -> list[Path]:
        """``codes.toml`` and then the catalogue's files, in name order."""
        folder = self.folder / CATALOGUE_FOLDER
        catalogue = sorted(folder.glob("*.toml")) if folder.is_dir() else []
        return [self.folder / CODE_FILE, *catalogue]

    def codes(self) -> list[CodeEntry]:
        spec = _CODE_FIELDS
        if self.base is not None:
            # Microsoft's name and who can fix it are facts, not text: English holds them.
            spec = {k: v for k, v in spec.items() if k not in ("name", "fixer")}
        codes: dict[str, CodeEntry] = {}
        where: dict[str, str] = {}
        for number, path in enumerate(self._code_files()):
            tables = _read_toml_tables(
                self.problems, path, "code", optional=self.base is not None or number > 0
            )
            for label, data in tables:
                entry = self._code(path, label, data, spec, codes, where)
                if entry is not None:
                    codes[entry.code] = entry
                    where[entry.code] = f"{self.problems.name(path)} {label}"
        if self.base is None:
            return list(codes.values())
        return self._merge("code", codes, self.base.codes, lambda e: e.code)

    def _code(
        self,
        path: Path,
        label: str,
        data: dict,
        spec: dict[str, _Field],
        codes: dict[str, CodeEntry],
        where: dict[str, str],
    ) -> CodeEntry | None:
        """One [[code]] table as an entry, or None (with the problems recorded)."""
        if not _check_fields(self.problems, path, label, data, spec):
            return None
        code = data["code"].strip()
        if code.lower() == NO_CODE:
            code = NO_CODE
        elif not is_canonical_code(code):
            self.problems.add(
                path,
                label,
                f"code '{code}' is malformed: write '0x' and 8 hexadecimal digits in capitals "
                "(like 0xCAA20003), 'AADSTS' and the number (like AADSTS50126), or 'none' for "
                "the entry without a code",
            )
            return None
        if code in codes:
            self.problems.add(path, label, f"duplicate code {code} (already in {where[code]})")
            return None
        if self.base is None:
            name, fixer = data.get("name", "").strip(), data["fixer"].strip()
            if fixer not in FIXERS:
                self.problems.add(
                    path, label, f"fixer '{fixer}' is unknown: write one of {', '.join(FIXERS)}"
                )
                return None
        else:
            original = self.base.code_by_id.get(code)
            if original is None:
                self.problems.add(
                    path, label, f"translates code {code}, which the default language lacks"
                )
                return None
            name, fixer = original.name, original.fixer
        summary, summary_text = self._markdown(path, label, data["summary"])
        contact, contact_text = self._markdown(path, label, data["contact_it"])
        steps_html, steps_text = self._steps(path, label, data["steps"])
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
            name=name,
            fixer=fixer,
        )

    # -- families ------------------------------------------------------------------------

    def families(self) -> list[Family]:
        path, tables = self._tables("families.toml", "family")
        spec = _FAMILY_FIELDS
        if self.base is not None:
            spec = {k: v for k, v in spec.items() if k != "decoder"}  # the decoder is not text
        families: dict[str, Family] = {}
        for label, data in tables:
            if not _check_fields(self.problems, path, label, data, spec):
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
            decoder = data.get("decoder")
            if self.base is not None:
                original = next((f for f in self.base.families if f.prefix == prefix), None)
                if original is None:
                    self.problems.add(
                        path, label, f"translates family {prefix}, which the default language lacks"
                    )
                    continue
                decoder = original.decoder
            elif decoder is not None and decoder not in DECODERS:
                self.problems.add(
                    path,
                    label,
                    f"unknown decoder '{decoder}' (known: {', '.join(sorted(DECODERS))})",
                )
                continue
            summary, _ = self._markdown(path, label, data["summary"])
            contact, _ = self._markdown(path, label, data["contact_it"])
            steps_html, _ = self._steps(path, label, data["steps"])
            families[prefix] = Family(
                prefix, data["name"].strip(), summary, steps_html, contact, decoder, self.language
            )
        merged = (
            list(families.values())
            if self.base is None
            else self._merge("family", families, self.base.families, lambda f: f.prefix)
        )
        # Longest prefix first, so the first match is the most specific family.
        return sorted(merged, key=lambda f: -len(f.prefix))

    def page(self, path: Path, slug: str) -> Page | None:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.problems.add(path, "", "is not UTF-8 text")
            return None
        split = _split_front_matter(self.problems, path, text)
        if split is None:
            return None
        meta, body = split
        if not _check_fields(self.problems, path, "front matter", meta, _PAGE_FIELDS):
            return None
        rendered = markdown.render(body, self.link_prefix)
        self.links.append((path, "body", slug, rendered.links))
        return Page(
            slug=slug,
            title=meta["title"].strip(),
            description=meta.get("description", "").strip(),
            order=meta.get("order", 100),
            html=rendered.html,
            sections=tuple(Section(s.anchor, s.heading, s.text, s.html) for s in rendered.sections),
            keywords=tuple(meta.get("keywords", ())),
            nav_title=meta.get("nav_title", "").strip() or meta["title"].strip(),
            in_nav=meta.get("nav", True),
            source=self.problems.name(path),
            language=self.language,
        )

    def pages(self) -> list[Page]:
        folder = self.folder / "pages"
        if not folder.is_dir():
            if self.base is None:
                self.problems.add(folder, "", "folder is missing")
            files = []
        else:
            files = sorted(folder.glob("*.md"))
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
            if self.base is not None and slug not in self.base.page_by_slug:
                self.problems.add(
                    path, "", f"translates page '{slug}', which the default language lacks"
                )
                continue
            page = self.page(path, slug)
            if page is None:
                continue
            if self.base is not None:
                self._check_same_anchors(path, page, self.base.page_by_slug[slug])
            pages[slug] = page
        merged = (
            list(pages.values())
            if self.base is None
            else self._merge("page", pages, self.base.pages, lambda p: p.slug)
        )
        return sorted(merged, key=lambda p: (p.order, p.title))

    def _check_same_anchors(self, path: Path, page: Page, original: Page) -> None:
        """A translated page keeps the original's heading ids, so links work in both."""
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

    def home(self) -> Page | None:
        path = self.folder / "home.md"
        if path.is_file():
            return self.page(path, "")
        if self.base is None:
            self.problems.add(path, "", "file is missing")
            return None
        self.untranslated.append("home page")
        return self.base.home

    # -- all of it --------------------------------------------------------------------------

    def content(self) -> Content | None:
        """This language's content, or None when it has problems (recorded)."""
        before = len(self.problems.problems)
        codes = self.codes()
        families = self.families()
        pages = self.pages()
        home = self.home()
        reference = self.base
        code_ids = {c.code for c in (reference.codes if reference else codes)}
        anchors = {p.slug: p.anchors for p in (reference.pages if reference else pages)}
        if home is not None:
            anchors[""] = home.anchors
        check = _link_checker(code_ids, anchors)
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


def translation_folders(root: Path) -> list[Path]:
    """The sub-folders of a content folder that hold translations, by language code."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and LANGUAGE_FOLDER.fullmatch(p.name))


def load_content(
    root: Path | str, language: str = DEFAULT_LANGUAGE, *, reserved: Collection[str] = ()
) -> Content:
    """Load and validate the default language of a content folder.

    Raises :class:`ContentError` listing every problem.
    """
    return load_site(root, language, translations=False, reserved=reserved).default


def load_site(
    root: Path | str,
    default_language: str = DEFAULT_LANGUAGE,
    *,
    translations: bool = True,
    reserved: Collection[str] = (),
) -> Site:
    """Load and validate a content folder with all its translations.

    ``reserved``: the first segments of the site's own addresses (``codes``, ``feedback``, …),
    which no page may take; the language prefixes are added. Raises :class:`ContentError`
    listing every problem of every language.
    """
    root = Path(root)
    problems = _Collector(root)
    if not root.is_dir():
        problems.add(root, "", "content folder not found")
        raise ContentError(problems.problems)
    # A page named like a language would be hidden behind that language's prefix (/de).
    reserved = frozenset(reserved) | {folder.name for folder in translation_folders(root)}
    base = _Reader(problems, root, default_language, reserved=reserved).content()
    if base is None:
        raise ContentError(problems.problems)
    contents = {default_language: base}
    untranslated: dict[str, tuple[str, ...]] = {}
    for folder in translation_folders(root) if translations else ():
        if folder.name == default_language:
            problems.add(folder, "", "the default language lives in the content folder itself")
            continue
        reader = _Reader(problems, folder, folder.name, base, reserved)
        content = reader.content()
        catalogue = read_catalogue(folder, folder.name)
        if catalogue is None:
            reader.untranslated.append("interface (no messages.po)")
        else:
            for entry, message in catalogue.problems:
                problems.add(folder / CATALOGUE, entry, message)
            if catalogue.untranslated:
                reader.untranslated.append(f"{catalogue.untranslated} interface strings")
        if content is not None:
            contents[folder.name] = content
            untranslated[folder.name] = tuple(reader.untranslated)
    if problems.problems:
        raise ContentError(problems.problems)
    return Site(default_language, contents, untranslated)
