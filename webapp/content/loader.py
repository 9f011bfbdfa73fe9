"""Read the content folder into a validated :class:`Content`, or say exactly what is wrong.

Layout of a content folder::

    codes.toml      the code table ([[code]] entries)
    families.toml   code families, for codes not in the table ([[family]] entries)
    wininet.toml    plain-language WinINet errors, for the 0xCAA8xxxx family ([[error]] entries)
    home.md         the home page (TOML front matter between +++ lines, then Markdown)
    pages/*.md      pages served at /<file name without .md>

Every problem found is collected, so one run of ``flask check-content`` lists them all, each
naming the file, the entry and what is wrong.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from webapp.content import markdown
from webapp.content.model import (
    NO_CODE,
    CodeEntry,
    Content,
    Family,
    Page,
    Section,
    WininetError,
)

CANONICAL_CODE = re.compile(r"0x[0-9A-F]{8}")
FAMILY_PREFIX = re.compile(r"0x[0-9A-F]{1,8}")
PAGE_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
DECODERS = frozenset({"wininet"})
# URL paths the application owns; a page file may not take one of these names.
RESERVED_SLUGS = frozenset({"codes", "search", "api", "static", "healthz", "opensearch.xml"})
FRONT_MATTER = "+++"


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
        elif not isinstance(value, expected) or isinstance(value, bool):
            names = " or ".join(_TYPE_NAMES[t] for t in expected)
            problems.add(path, entry, f"field '{key}' must be {names}")
            usable = False
        elif isinstance(value, str) and rule.required and not value.strip():
            problems.add(path, entry, f"field '{key}' must not be empty")
            usable = False
    return usable


_TYPE_NAMES = {str: "text", int: "a whole number", list: "a list"}

_CODE_FIELDS = {
    "code": _Field(str),
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
_WININET_FIELDS = {
    "number": _Field(int),
    "name": _Field(str),
    "title": _Field(str),
    "meaning": _Field(str),
    "steps": _Field(list, required=False),
    "keywords": _Field(list, required=False),
}
_PAGE_FIELDS = {
    "title": _Field(str),
    "description": _Field(str, required=False),
    "order": _Field(int, required=False),
    "keywords": _Field(list, required=False),
    "nav_title": _Field(str, required=False),
}


def _read_toml_tables(problems: _Collector, path: Path, table: str) -> list[tuple[str, dict]]:
    """The ``[[table]]`` entries of a TOML file, each with a label for messages."""
    if not path.is_file():
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
    if not entries:
        problems.add(path, "", f"has no [[{table}]] entries")
    labelled = []
    for position, entry in enumerate(entries, start=1):
        label_value = next((entry[k] for k in ("code", "prefix", "number") if k in entry), None)
        label = f"{table} #{position}" + (f" ({label_value})" if label_value is not None else "")
        labelled.append((label, entry))
    return labelled


def _markdown(md: str) -> tuple[Markup, str, list[str]]:
    rendered = markdown.render(md)
    return rendered.html, rendered.text, rendered.links


def _steps(steps: Iterable[str]) -> tuple[tuple[Markup, ...], tuple[str, ...], list[str]]:
    html, text, links = [], [], []
    for step in steps:
        rendered = markdown.render_inline(step)
        html.append(rendered.html)
        text.append(rendered.text)
        links.extend(rendered.links)
    return tuple(html), tuple(text), links


# A link check runs after everything is loaded, since pages link to codes and codes to pages.
_PendingLinks = list[tuple[Path, str, str, list[str]]]  # file, entry, own page slug, links


def _load_codes(problems: _Collector, root: Path, links: _PendingLinks) -> list[CodeEntry]:
    path = root / "codes.toml"
    codes: list[CodeEntry] = []
    seen: dict[str, str] = {}
    for label, data in _read_toml_tables(problems, path, "code"):
        if not _check_fields(problems, path, label, data, _CODE_FIELDS):
            continue
        code = data["code"].strip()
        if code.lower() == NO_CODE:
            code = NO_CODE
        elif not CANONICAL_CODE.fullmatch(code):
            problems.add(
                path,
                label,
                f"code '{code}' is malformed: write '0x' and 8 hexadecimal digits in capitals "
                "(like 0xCAA20003), or 'none' for the entry without a code",
            )
            continue
        if code in seen:
            problems.add(path, label, f"duplicate code {code} (already defined by {seen[code]})")
            continue
        seen[code] = label
        summary, summary_text, summary_links = _markdown(data["summary"])
        contact, contact_text, contact_links = _markdown(data["contact_it"])
        steps_html, steps_text, step_links = _steps(data["steps"])
        links.append((path, label, "", summary_links + contact_links + step_links))
        codes.append(
            CodeEntry(
                code=code,
                title=data["title"].strip(),
                summary=summary,
                steps=steps_html,
                contact_it=contact,
                keywords=tuple(data.get("keywords", ())),
                summary_text=summary_text,
                steps_text=steps_text,
                contact_text=contact_text,
            )
        )
    return codes


def _load_families(problems: _Collector, root: Path, links: _PendingLinks) -> list[Family]:
    path = root / "families.toml"
    families: list[Family] = []
    seen: set[str] = set()
    for label, data in _read_toml_tables(problems, path, "family"):
        if not _check_fields(problems, path, label, data, _FAMILY_FIELDS):
            continue
        prefix = data["prefix"].strip()
        if not FAMILY_PREFIX.fullmatch(prefix):
            problems.add(
                path,
                label,
                f"prefix '{prefix}' is malformed: write '0x' and 1 to 8 hexadecimal digits "
                "in capitals (like 0xCAA8)",
            )
            continue
        if prefix in seen:
            problems.add(path, label, f"duplicate prefix {prefix}")
            continue
        decoder = data.get("decoder")
        if decoder is not None and decoder not in DECODERS:
            problems.add(
                path, label, f"unknown decoder '{decoder}' (known: {', '.join(sorted(DECODERS))})"
            )
            continue
        seen.add(prefix)
        summary, _, summary_links = _markdown(data["summary"])
        contact, _, contact_links = _markdown(data["contact_it"])
        steps_html, _, step_links = _steps(data["steps"])
        links.append((path, label, "", summary_links + contact_links + step_links))
        families.append(Family(prefix, data["name"].strip(), summary, steps_html, contact, decoder))
    # Longest prefix first, so the first match is the most specific family.
    return sorted(families, key=lambda f: -len(f.prefix))


def _load_wininet(problems: _Collector, root: Path, links: _PendingLinks) -> list[WininetError]:
    path = root / "wininet.toml"
    errors: list[WininetError] = []
    seen: set[int] = set()
    for label, data in _read_toml_tables(problems, path, "error"):
        if not _check_fields(problems, path, label, data, _WININET_FIELDS):
            continue
        number = data["number"]
        if not 12000 <= number <= 12999:
            problems.add(path, label, f"number {number} is not a WinINet error (12000-12999)")
            continue
        if number in seen:
            problems.add(path, label, f"duplicate number {number}")
            continue
        seen.add(number)
        meaning, meaning_text, meaning_links = _markdown(data["meaning"])
        steps_html, _, step_links = _steps(data.get("steps", ()))
        links.append((path, label, "", meaning_links + step_links))
        errors.append(
            WininetError(
                number=number,
                name=data["name"].strip(),
                title=data["title"].strip(),
                meaning=meaning,
                steps=steps_html,
                keywords=tuple(data.get("keywords", ())),
                meaning_text=meaning_text,
            )
        )
    return errors


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


def _load_page(problems: _Collector, path: Path, slug: str, links: _PendingLinks) -> Page | None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.add(path, "", "is not UTF-8 text")
        return None
    split = _split_front_matter(problems, path, text)
    if split is None:
        return None
    meta, body = split
    if not _check_fields(problems, path, "front matter", meta, _PAGE_FIELDS):
        return None
    rendered = markdown.render(body)
    links.append((path, "body", slug, rendered.links))
    return Page(
        slug=slug,
        title=meta["title"].strip(),
        description=meta.get("description", "").strip(),
        order=meta.get("order", 100),
        html=rendered.html,
        sections=tuple(Section(s.anchor, s.heading, s.text, s.html) for s in rendered.sections),
        keywords=tuple(meta.get("keywords", ())),
        nav_title=meta.get("nav_title", "").strip() or meta["title"].strip(),
        source=problems.name(path),
    )


def _load_pages(problems: _Collector, root: Path, links: _PendingLinks) -> list[Page]:
    folder = root / "pages"
    if not folder.is_dir():
        problems.add(folder, "", "folder is missing")
        return []
    pages = []
    for path in sorted(folder.glob("*.md")):
        slug = path.stem
        if not PAGE_SLUG.fullmatch(slug):
            problems.add(
                path, "", "file name must be lower-case letters, digits and dashes (it is the URL)"
            )
            continue
        if slug in RESERVED_SLUGS:
            problems.add(path, "", f"'{slug}' is a reserved address of the site; rename the file")
            continue
        page = _load_page(problems, path, slug, links)
        if page is not None:
            pages.append(page)
    return sorted(pages, key=lambda p: (p.order, p.title))


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


def load_content(root: Path | str) -> Content:
    """Load and validate a content folder; raise :class:`ContentError` listing every problem."""
    root = Path(root)
    problems = _Collector(root)
    if not root.is_dir():
        problems.add(root, "", "content folder not found")
        raise ContentError(problems.problems)

    links: _PendingLinks = []
    codes = _load_codes(problems, root, links)
    families = _load_families(problems, root, links)
    wininet = _load_wininet(problems, root, links)
    pages = _load_pages(problems, root, links)
    home_path = root / "home.md"
    home = None
    if home_path.is_file():
        home = _load_page(problems, home_path, "", links)
    else:
        problems.add(home_path, "", "file is missing")

    anchors = {p.slug: p.anchors for p in pages}
    if home is not None:
        anchors[""] = home.anchors
    check = _link_checker({c.code for c in codes}, anchors)
    for path, entry, slug, hrefs in links:
        for href in hrefs:
            reason = check(href, slug)
            if reason:
                problems.add(path, entry, f"broken link '{href}': {reason}")

    if problems.problems or home is None:
        raise ContentError(problems.problems)
    return Content(
        codes=tuple(codes),
        families=tuple(families),
        wininet=tuple(wininet),
        pages=tuple(pages),
        home=home,
    )
