"""Read the content folder into a validated :class:`Site`, or say exactly what is wrong.

Layout of a content folder::

    codes.toml      the code table ([[code]] entries): the codes with full answers
    catalogue/*.toml  more [[code]] entries, one file per group of codes (same fields)
    families.toml   code families, for codes not in the table ([[family]] entries)
    home.md         the home page (TOML front matter between +++ lines, then Markdown)
    pages/*.md      pages served at /<file name without .md>
    de/, fr/, …     a translation: the same files, each optional, each entry complete;
                    what is not translated falls back to the default language; and
                    messages.po, the interface strings (from messages.pot)

Each language's folder is read by :mod:`webapp.content.reader`; a translation is laid over
the default language by the rules in :mod:`webapp.content.translation`. Every problem found
is collected (:mod:`webapp.content.problems`), so one run of ``flask check-content`` lists
them all, each naming the file, the entry and what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path

from babel.messages.catalog import Catalog

from webapp.content.messages import MESSAGES_FILE, read_messages
from webapp.content.model import Site
from webapp.content.problems import ContentError, Problem, Problems
from webapp.content.reader import Reader
from webapp.content.translation import Original, Translation

__all__ = ["ContentError", "Problem", "load_site", "translation_folders"]

DEFAULT_LANGUAGE = "en"
# A sub-folder named like a language ("de", "pt-br") holds that language's translation.
LANGUAGE_FOLDER = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})?")


def translation_folders(root: Path) -> list[Path]:
    """The sub-folders of a content folder that hold translations, by language code."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and LANGUAGE_FOLDER.fullmatch(p.name))


def load_site(
    root: Path | str,
    default_language: str = DEFAULT_LANGUAGE,
    *,
    reserved: Collection[str] = (),
) -> Site:
    """Load and validate a content folder with all its translations.

    ``reserved``: the first segments of the site's own addresses (``codes``, ``feedback``, …),
    which no page may take; the language prefixes are added. Raises :class:`ContentError`
    listing every problem of every language.
    """
    root = Path(root)
    problems = Problems(root)
    if not root.is_dir():
        problems.add(root, "", "content folder not found")
        raise ContentError(problems.problems)
    # A page named like a language would be hidden behind that language's prefix (/de).
    reserved = frozenset(reserved) | {folder.name for folder in translation_folders(root)}
    base = Reader(problems, root, default_language, Original(problems), reserved).content()
    if base is None:
        raise ContentError(problems.problems)
    contents = {default_language: base}
    untranslated: dict[str, tuple[str, ...]] = {}
    messages: dict[str, Catalog] = {}
    for folder in translation_folders(root):
        if folder.name == default_language:
            problems.add(folder, "", "the default language lives in the content folder itself")
            continue
        translation = Translation(problems, folder.name, base)
        content = Reader(problems, folder, folder.name, translation, reserved).content()
        strings = read_messages(folder, folder.name)
        if strings is None:
            translation.untranslated.append("interface (no messages.po)")
        else:
            for entry, message in strings.problems:
                problems.add(folder / MESSAGES_FILE, entry, message)
            if strings.untranslated:
                translation.untranslated.append(f"{strings.untranslated} interface strings")
            if strings.catalog is not None:
                messages[folder.name] = strings.catalog
        if content is not None:
            contents[folder.name] = content
            untranslated[folder.name] = tuple(translation.untranslated)
    if problems.problems:
        raise ContentError(problems.problems)
    return Site(default_language, contents, untranslated, messages)
