"""The interface strings the code and templates mark for translation, checked against the
catalogues, so that a translation cannot silently fall behind the code.

``flask check-content`` extracts the marked strings the way the README's refresh command does
(Babel, the same keywords, Python files and Jinja templates) and fails when the template
(``messages.pot``) is stale or a language's ``messages.po`` lacks a string: after a
``pybabel update`` every string is in the catalogue, translated or not; one that is absent
means the catalogue was not refreshed, and its language would show it in English unnoticed.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import PoFileError, read_po

from webapp.config import shipped
from webapp.content import Problem
from webapp.content.messages import MESSAGES_FILE
from webapp.content.messages import TEMPLATE_FILE as TEMPLATE

# The README's refresh command adds these to Babel's defaults (gettext, ngettext, _, …):
# `pybabel extract -k _l -k lazy_gettext`.
EXTRA_KEYWORDS = ("_l", "lazy_gettext")
PACKAGE = Path(__file__).resolve().parent


def marked_strings() -> set[str]:
    """Every msgid the site's Python code and templates mark for translation."""
    keywords = {**DEFAULT_KEYWORDS, **dict.fromkeys(EXTRA_KEYWORDS)}
    found = []
    for folder, method_map in (
        (PACKAGE, [("**.py", "python")]),
        (shipped("templates"), [("**.html", "jinja2")]),
    ):
        extracted = extract_from_dir(folder, method_map, None, keywords)
        found += [message for _, _, message, *_ in extracted]
    return {_msgid(message) for message in found if _msgid(message)}


def _msgid(message: str | tuple[str, ...] | list[str]) -> str:
    return message if isinstance(message, str) else message[0]


def _ids(path: Path, locale: str | None = None) -> set[str] | None:
    """The msgids of a catalogue; None when it cannot be read (the content check says why)."""
    try:
        with path.open("rb") as handle:
            return {_msgid(m.id) for m in read_po(handle, locale=locale) if m.id}
    except (OSError, PoFileError, UnicodeDecodeError, ValueError):
        return None


def _sample(ids: Iterable[str]) -> str:
    listed = sorted(ids)
    shown = ", ".join(repr(i[:40]) for i in listed[:3])
    return shown + (f" and {len(listed) - 3} more" if len(listed) > 3 else "")


def check_messages(root: Path) -> list[Problem]:
    """Problems with the interface catalogues of the content folder ``root``: a stale
    template, and strings the code marks that a translation's catalogue lacks."""
    languages = sorted(p.parent.name for p in root.glob(f"*/{MESSAGES_FILE}"))
    marked = marked_strings()
    problems = []
    label = root.name
    template = root / TEMPLATE
    listed = _ids(template) if template.is_file() else None
    if listed is not None:
        for ids, what in (
            (marked - listed, "lacks strings the code marks"),
            (listed - marked, "lists strings the code no longer marks"),
        ):
            if ids:
                problems.append(
                    Problem(
                        f"{label}/{TEMPLATE}",
                        "",
                        f"stale: it {what} ({_sample(ids)}); run the README's refresh command",
                    )
                )
    for language in languages:
        catalogue = root / language / MESSAGES_FILE
        translated = _ids(catalogue, language.replace("-", "_"))
        missing = marked - translated if translated is not None else set()
        if missing:
            problems.append(
                Problem(
                    f"{label}/{language}/{MESSAGES_FILE}",
                    "",
                    f"lacks {len(missing)} interface string(s) the code uses ({_sample(missing)}); "
                    f"run the README's 'pybabel update' and translate them",
                )
            )
    return problems
