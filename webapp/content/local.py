"""The organisation's own content (``LOCAL_CONTENT_DIR``), laid over the shipped content.

The local folder has the layout of the content folder. Its entries are merged with the shipped
ones as TOML tables and front matter, before any record is built, so the merge knows no field
by name and a field added to the content later needs no code here:

- an entry with a shipped key (a code, a family's prefix, a page's file name) changes only the
  fields it sets; the others keep following the shipped content, corrections included;
- an entry with a new key is a new entry, complete like a shipped one;
- ``hidden = true`` takes a shipped entry or page out of the site, in every language;
- ``based_on`` is the fingerprint of the shipped entry an override was copied from
  (``flask content override``): after an upgrade, :class:`Layer` lists each override whose
  shipped entry changed since, field by field, so nothing changes under local work unseen;
  an override of an entry the shipped content no longer has is a problem until IT decides.

A page's Markdown is its field ``body``: a local page with front matter alone (a new ``order``,
``nav_title``, ``hidden``) keeps the shipped text.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from webapp.content.problems import Problem, Problems

HIDDEN = "hidden"
BASED_ON = "based_on"
BODY = "body"
SLUG = "slug"  # a page's key in the merge (its file name without .md), not one of its fields
FINGERPRINT_LENGTH = 12
# Fields that say how a local entry relates to the shipped one; they are not the entry's.
LOCAL_ONLY = (HIDDEN, BASED_ON)

Table = tuple[Path, str, dict[str, Any]]  # file, label for messages, the fields as read


def fingerprint(data: dict[str, Any]) -> dict[str, str]:
    """A short hash of each field of a shipped entry: what an override was based on."""
    return {
        key: hashlib.sha256(
            json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")
        ).hexdigest()[:FINGERPRINT_LENGTH]
        for key, value in sorted(data.items())
        if key not in (*LOCAL_ONLY, SLUG)
    }


def changes(based_on: dict[str, Any], shipped: dict[str, Any], local: dict[str, Any]) -> str:
    """What changed in the shipped entry since ``based_on``, field by field, saying for each
    whether the local entry sets it (then the site still shows the local text) or not (then
    the site shows the new shipped text). Empty when nothing changed."""
    now = fingerprint(shipped)
    parts = []
    for key in sorted(now.keys() | based_on.keys()):
        if now.get(key) == based_on.get(key):
            continue
        what = "added" if key not in based_on else "removed" if key not in now else "changed"
        whose = "yours is shown" if key in local else "the site shows the new shipped text"
        parts.append(f"{key} {what} ({whose})")
    return "; ".join(parts)


@dataclass
class Layer:
    """The local folder of one site: merges each language's tables, and remembers what the
    default language hid (its translations drop the same) and what to review."""

    problems: Problems
    root: Path | None
    default_language: str
    hidden: dict[str, set[str]] = field(default_factory=dict)  # by kind: the keys hidden
    # Local entries to look at again after an upgrade (not problems: the site starts).
    reviews: list[Problem] = field(default_factory=list)

    def folder(self, language: str) -> Path | None:
        """The local folder of ``language`` (None when there is no local content)."""
        if self.root is None:
            return None
        return self.root if language == self.default_language else self.root / language

    def merge(
        self,
        kind: str,
        language: str,
        shipped: list[Table],
        local: list[Table],
        key_of: Callable[[dict[str, Any]], str | None],
    ) -> list[Table]:
        """The shipped tables with the local ones laid over them, in the shipped order, the new
        local entries after them; hidden entries left out."""
        default = language == self.default_language
        hidden = self.hidden.setdefault(kind, set()) if default else self.hidden.get(kind, set())
        merged: list[Table | None] = list(shipped)
        position: dict[str, int] = {}
        for number, (_, _, table) in enumerate(shipped):
            shipped_key = key_of(table)
            if shipped_key is not None:
                position.setdefault(shipped_key, number)
        seen: dict[str, str] = {}
        for path, label, data in local:
            key = key_of(data)
            own = {k: v for k, v in data.items() if k not in LOCAL_ONLY}
            where = self.problems.name(path)
            if key is not None and key in seen:
                self.problems.add(path, label, f"{kind} {key} is already in {seen[key]}")
                continue
            if key is not None:
                seen[key] = f"{where} {label}"
            if not self._local_fields_fit(path, label, data):
                continue
            index = position.get(key) if key is not None else None
            if data.get(HIDDEN):
                if index is None:
                    self.problems.add(
                        path, label, f"hides {kind} {key}, which the shipped content lacks"
                    )
                    continue
                if default:
                    hidden.add(key)  # type: ignore[arg-type]
                merged[index] = None  # removed, keeping the others' positions
                continue
            based_on = data.get(BASED_ON)
            if index is None:
                if based_on is not None:
                    # Not taken as a new entry unasked: IT decides.
                    self.problems.add(
                        path,
                        label,
                        f"overrides {kind} {key}, which the shipped content no longer has: "
                        f"remove it, or make it complete and delete its '{BASED_ON}' line to "
                        f"keep it as your own {kind}",
                    )
                    continue
                merged.append((path, label, own))
                continue
            shipped_data = shipped[index][2]
            if based_on is not None and default:
                changed = changes(based_on, shipped_data, own)
                if changed:
                    self.reviews.append(
                        Problem(
                            where,
                            label,
                            f"the shipped {kind} changed since you copied it: {changed}. "
                            f"Review it, then run: flask --app webapp content override {key}",
                        )
                    )
            merged[index] = (path, label, {**shipped_data, **own})
        return [t for t in merged if t is not None and key_of(t[2]) not in hidden]

    def _local_fields_fit(self, path: Path, label: str, data: dict[str, Any]) -> bool:
        fit = True
        if not isinstance(data.get(HIDDEN, False), bool):
            self.problems.add(path, label, f"field '{HIDDEN}' must be true or false")
            fit = False
        based_on = data.get(BASED_ON, {})
        if not isinstance(based_on, dict) or not all(isinstance(v, str) for v in based_on.values()):
            self.problems.add(
                path,
                label,
                f"field '{BASED_ON}' must be the table that 'flask content override' wrote",
            )
            fit = False
        return fit
