"""``flask content override``: start a local override from the shipped entry, with the
fingerprint of what it was based on (:func:`webapp.content.local.fingerprint`).

A code is written to its own file, ``catalogue/override-<code>.toml``, and a family is added
to the local ``families.toml``, each with the shipped fields as comments: the override starts
by changing nothing, and IT uncomments and edits only what it means to change, so every other
field keeps following the shipped content. A page is copied whole to ``pages/<slug>.md`` (its
text is what a page override changes), its front matter as comments. Run again on an
existing override, it records the shipped entry as it is now: the way to say "reviewed" after
``check-content`` listed it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from webapp.content.files import read_toml_tables, split_front_matter
from webapp.content.local import BASED_ON, BODY, fingerprint
from webapp.content.problems import Problems
from webapp.content.reader import CATALOGUE_FOLDER, CODE_FILE, FAMILY_FILE

OVERRIDE_PREFIX = "override-"
_BASED_ON_LINE = re.compile(rf"^{BASED_ON}\s*=.*$", re.MULTILINE)


class OverrideError(Exception):
    """The override cannot be written; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Written:
    path: Path
    reviewed: bool  # True: an existing override's fingerprint was brought up to date


def toml_value(value: Any) -> str:
    """``value`` written as TOML (JSON's strings and lists are TOML's too)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _shipped_table(shipped: Path, key: str) -> tuple[str, str, dict[str, Any]] | None:
    """The shipped entry named ``key``: its kind, its key field and its fields."""
    problems = Problems(shipped)
    catalogue = shipped / CATALOGUE_FOLDER
    files = [shipped / CODE_FILE, *(sorted(catalogue.glob("*.toml")) if catalogue.is_dir() else [])]
    for path in files:
        for _, data in read_toml_tables(problems, path, "code", optional=True):
            if data.get("code") == key:
                return "code", "code", data
    for _, data in read_toml_tables(problems, shipped / FAMILY_FILE, "family", optional=True):
        if data.get("prefix") == key:
            return "family", "prefix", data
    return None


def override(shipped: Path, local: Path, key: str) -> Written:
    """Start an override of the shipped code, family or page ``key`` in ``local``, or bring
    an existing one's fingerprint up to date. Raises :class:`OverrideError`."""
    page = shipped / "pages" / f"{key}.md"
    if page.is_file():
        return _override_page(page, local / "pages" / page.name)
    found = _shipped_table(shipped, key)
    if found is None:
        raise OverrideError(f"the shipped content has no code, family or page '{key}'")
    kind, key_field, data = found
    based_on = f"{BASED_ON} = {toml_value(fingerprint(data))}"
    key_line = f"{key_field} = {toml_value(key)}"
    files = [local / FAMILY_FILE]
    if kind == "code":
        files = [local / CODE_FILE, *sorted((local / CATALOGUE_FOLDER).glob("*.toml"))]
    for path in files:
        if path.is_file() and _refresh(path, kind, key_line, based_on):
            return Written(path, reviewed=True)
    if kind == "code":
        target = local / CATALOGUE_FOLDER / f"{OVERRIDE_PREFIX}{key.lower()}.toml"
    else:
        target = local / FAMILY_FILE
    lines = [
        f"# Local override of {kind} {key}, started from the shipped entry. Uncomment and edit",
        "# only the fields you change: the others keep following the shipped content. After an",
        "# upgrade, flask check-content lists what changed in the shipped entry since.",
        "",
        f"[[{kind}]]",
        key_line,
        based_on,
        *(f"# {k} = {toml_value(v)}" for k, v in data.items() if k != key_field),
        "",
    ]
    target.parent.mkdir(parents=True, exist_ok=True)
    before = target.read_text(encoding="utf-8") + "\n" if target.is_file() else ""
    target.write_text(before + "\n".join(lines), encoding="utf-8")
    return Written(target, reviewed=False)


def _override_page(page: Path, target: Path) -> Written:
    split = split_front_matter(Problems(page), page, page.read_text(encoding="utf-8"))
    if split is None:
        raise OverrideError(f"{page} has no front matter to copy")
    meta, body = split
    based_on = f"{BASED_ON} = {toml_value(fingerprint({**meta, BODY: body}))}"
    if target.is_file():
        text = target.read_text(encoding="utf-8")
        if len(_BASED_ON_LINE.findall(text)) != 1:
            raise OverrideError(
                f"{target} should hold one '{BASED_ON} = …' line in its front matter; "
                f"set it by hand to:\n{based_on}"
            )
        target.write_text(_BASED_ON_LINE.sub(lambda _: based_on, text, count=1), "utf-8")
        return Written(target, reviewed=True)
    lines = [
        "+++",
        "# Local copy of the shipped page: its text below is yours. Uncomment a field to change",
        "# it; the others keep following the shipped page.",
        based_on,
        *(f"# {k} = {toml_value(v)}" for k, v in meta.items()),
        "+++",
    ]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n" + body, encoding="utf-8")
    return Written(target, reviewed=False)


def _refresh(path: Path, kind: str, key_line: str, based_on: str) -> bool:
    """In a local TOML file, bring the ``based_on`` line of the entry with ``key_line`` up to
    date (adding it when the entry has none); False when the file has no such entry."""
    text = path.read_text(encoding="utf-8")
    # Each entry runs from its [[kind]] line to the next one.
    blocks = re.split(rf"(?m)^(?=\[\[{kind}\]\])", text)
    for number, block in enumerate(blocks):
        if not re.search(rf"(?m)^{re.escape(key_line)}\s*$", block):
            continue
        if _BASED_ON_LINE.search(block):
            block = _BASED_ON_LINE.sub(lambda _: based_on, block, count=1)
        else:
            block = block.replace(key_line, f"{key_line}\n{based_on}", 1)
        blocks[number] = block
        path.write_text("".join(blocks), encoding="utf-8")
        return True
    return False
