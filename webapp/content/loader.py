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

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog

from webapp.content.coverage import Coverage, Part
from webapp.content.local import Layer
from webapp.content.messages import MESSAGES_FILE, TEMPLATE_FILE, MessagesCheck, read_messages
from webapp.content.model import Content, Site
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
    local: Path | str | None = None,
) -> Site:
    """Load and validate a content folder with all its translations.

    ``reserved``: the first segments of the site's own addresses (``codes``, ``feedback``, …),
    which no page may take; the language prefixes are added. ``local``: the organisation's own
    folder, in the same layout, laid over it (:mod:`webapp.content.local`). Raises
    :class:`ContentError` listing every problem of every language.
    """
    root = Path(root)
    local = Path(local) if local is not None else None
    problems = Problems(root, *([local] if local else []))
    if not root.is_dir():
        problems.add(root, "", "content folder not found")
        raise ContentError(problems.problems)
    if local is not None and not local.is_dir():
        problems.add(local, "", "local content folder not found")
        raise ContentError(problems.problems)
    layer = Layer(problems, local, default_language)
    interface_total = _interface_total(root)
    folders = translation_folders(root)
    for folder in folders:
        if not _known_language(folder.name):
            problems.add(
                folder,
                "",
                f"'{folder.name}' is not a language code this site knows: name a translation's "
                "folder with its ISO 639 code, and a region if needed ('nl', 'pt-br')",
            )
        elif folder.name in reserved:
            # Its prefix would take the site's own addresses: "it" is the IT desk's /it/.
            problems.add(
                folder,
                "",
                f"a language folder may not be named '{folder.name}': /{folder.name}/ is an "
                f"address of the site's own; name it with a region instead, as "
                f"'{folder.name}-{folder.name}', served at /{folder.name}-{folder.name}/",
            )
    if problems.problems:
        raise ContentError(problems.problems)
    # A page named like a language would be hidden behind that language's prefix (/de).
    reserved = frozenset(reserved) | {folder.name for folder in folders}
    base = Reader(problems, root, default_language, Original(problems), reserved, layer).content()
    if base is None:
        raise ContentError(problems.problems)
    contents = {default_language: base}
    coverage: dict[str, Coverage] = {}
    messages: dict[str, Catalog] = {}
    for folder in folders:
        if folder.name == default_language:
            problems.add(folder, "", "the default language lives in the content folder itself")
            continue
        translation = Translation(problems, folder.name, base)
        content = Reader(problems, folder, folder.name, translation, reserved, layer).content()
        strings = read_messages(folder, folder.name)
        if strings is not None:
            for entry, message in strings.problems:
                problems.add(folder / MESSAGES_FILE, entry, message)
            if strings.catalog is not None:
                messages[folder.name] = strings.catalog
        if content is not None:
            contents[folder.name] = content
            coverage[folder.name] = _coverage(base, translation, strings, interface_total)
    if problems.problems:
        raise ContentError(problems.problems)
    return Site(default_language, contents, coverage, messages, tuple(map(str, layer.reviews)))


def _known_language(name: str) -> bool:
    """Whether Babel has the language (its plural rules, its name in the switcher)."""
    try:
        Locale.parse(name, sep="-")
    except (ValueError, UnknownLocaleError):
        return False
    return True


def _interface_total(root: Path) -> int:
    """How many interface strings there are to translate: the template's (``messages.pot``),
    which ``check-content`` keeps in step with the code; 0 when the folder has none."""
    template = read_messages(root, DEFAULT_LANGUAGE, TEMPLATE_FILE)
    return len(template.catalog) if template and template.catalog else 0


def _coverage(
    base: Content, translation: Translation, strings: MessagesCheck | None, interface_total: int
) -> Coverage:
    if strings is None or strings.catalog is None:
        interface = Part("interface strings", interface_total, missing_count=interface_total)
    else:
        # A catalogue lacking strings the template has shows them in English, like empty ones.
        total = max(interface_total, len(strings.catalog))
        lacking = total - len(strings.catalog) + strings.untranslated
        interface = Part("interface strings", total, missing_count=lacking)
    return Coverage(
        codes=Part("codes", len(base.codes), tuple(translation.missing["code"])),
        families=Part("families", len(base.families), tuple(translation.missing["family"])),
        pages=Part("pages", len(base.pages) + 1, tuple(translation.missing["page"])),
        interface=interface,
        catalogue=strings is not None and strings.catalog is not None,
    )
