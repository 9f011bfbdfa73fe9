"""The interface strings of a translation: ``content/<language>/messages.po``, a gettext
catalogue (the word "catalogue" alone means the code catalogue, ``content/catalogue/``).

Checked with the content (a broken catalogue stops the start-up like broken content does) and
compiled by :mod:`webapp.i18n` at start-up, so nobody ever compiles one by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po

MESSAGES_FILE = "messages.po"
TEMPLATE_FILE = "messages.pot"  # the strings to translate, in the content folder itself


@dataclass(frozen=True, slots=True)
class MessagesCheck:
    catalog: Catalog | None  # Babel's name for it
    problems: list[tuple[str, str]]  # (entry, what is wrong)
    untranslated: int  # interface strings still shown in the default language


def read_messages(folder: Path, language: str, name: str = MESSAGES_FILE) -> MessagesCheck | None:
    """Read and check ``folder/messages.po`` (or ``name``); None when there is no such file."""
    path = folder / name
    if not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            catalogue = read_po(handle, locale=language.replace("-", "_"), abort_invalid=True)
    except (PoFileError, UnicodeDecodeError, ValueError) as exc:
        return MessagesCheck(None, [("", f"not a valid gettext catalogue: {exc}")], 0)
    problems = []
    # Babel's own check: placeholders that differ from the original, broken plural forms.
    for message, errors in catalogue.check():
        for error in errors:
            problems.append((f"msgid {str(message.id)[:60]!r}", str(error)))
    untranslated = sum(
        1
        for message in catalogue
        if message.id
        and not (all(message.string) if isinstance(message.string, tuple) else message.string)
    )
    return MessagesCheck(catalogue, problems, untranslated)
