"""The interface catalogue of a translation: ``content/<language>/messages.po``.

Checked with the content (a broken catalogue stops the start-up like broken content does) and
compiled by :mod:`webapp.i18n` at start-up, so nobody ever compiles one by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po

CATALOGUE = "messages.po"


@dataclass(frozen=True, slots=True)
class CatalogueCheck:
    catalogue: Catalog | None
    problems: list[tuple[str, str]]  # (entry, what is wrong)
    untranslated: int  # interface strings still shown in the default language


def read_catalogue(folder: Path, language: str) -> CatalogueCheck | None:
    """Read and check ``folder/messages.po``; None when the translation has no catalogue."""
    path = folder / CATALOGUE
    if not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            catalogue = read_po(handle, locale=language.replace("-", "_"), abort_invalid=True)
    except (PoFileError, UnicodeDecodeError, ValueError) as exc:
        return CatalogueCheck(None, [("", f"not a valid gettext catalogue: {exc}")], 0)
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
    return CatalogueCheck(catalogue, problems, untranslated)
