"""The content's files as data: ``[[table]]`` entries of TOML files, the front matter of
Markdown pages, and the fields each kind of entry must have."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli

from webapp.content.problems import Problems

FRONT_MATTER = "+++"


@dataclass(frozen=True, slots=True)
class Field:
    kind: type | tuple[type, ...]
    required: bool = True


_TYPE_NAMES = {str: "text", int: "a whole number", list: "a list", bool: "true or false"}

# Whom to contact about one code or family, instead of the site's IT_CONTACT_* (the same in
# every language: a translation does not repeat them).
CONTACT_FIELDS = {
    "contact_name": Field(str, required=False),
    "contact_email": Field(str, required=False),
    "contact_url": Field(str, required=False),
    "contact_phone": Field(str, required=False),
}
CODE_FIELDS = {
    "code": Field(str),
    "name": Field(str, required=False),
    "fixer": Field(str),
    "title": Field(str),
    "summary": Field(str),
    "steps": Field(list),
    "contact_it": Field(str),
    "keywords": Field(list, required=False),
    "for_it": Field(str, required=False),  # Markdown: the part for IT, collapsed on the page
    "for_it_source": Field(str, required=False),  # the Microsoft page for_it rests on
    "aliases": Field(list, required=False),
    **CONTACT_FIELDS,
}
FAMILY_FIELDS = {
    "prefix": Field(str),
    "name": Field(str),
    "summary": Field(str),
    "steps": Field(list),
    "contact_it": Field(str),
    "decoder": Field(str, required=False),
    **CONTACT_FIELDS,
}
PAGE_FIELDS = {
    "title": Field(str),
    "description": Field(str, required=False),
    "order": Field(int, required=False),
    "keywords": Field(list, required=False),
    "nav_title": Field(str, required=False),
    "nav": Field(bool, required=False),  # false: reached from another page, not the menu
    "audience": Field(str, required=False),  # "it": written for IT administrators
    "definitions": Field(list, required=False),  # ids of sections that explain a term
}


def check_fields(
    problems: Problems, path: Path, entry: str, data: dict[str, Any], spec: dict[str, Field]
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


def read_toml_tables(
    problems: Problems, path: Path, table: str, *, optional: bool = False
) -> list[tuple[str, dict[str, Any]]]:
    """The ``[[table]]`` entries of a TOML file, each with a label for messages."""
    if not path.is_file():
        if not optional:
            problems.add(path, "", "file is missing")
        return []
    try:
        data = tomli.loads(path.read_text(encoding="utf-8"))
    except (tomli.TOMLDecodeError, UnicodeDecodeError) as exc:
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


def split_front_matter(
    problems: Problems, path: Path, text: str
) -> tuple[dict[str, Any], str] | None:
    """A page's TOML front matter (between ``+++`` lines) and the Markdown after it."""
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
        meta = tomli.loads("".join(lines[1:end]))
    except tomli.TOMLDecodeError as exc:
        problems.add(path, "front matter", f"not valid TOML: {exc}")
        return None
    return meta, "".join(lines[end + 1 :])
