"""The content the tests read: the shipped folder, and a small fixture folder to copy and vary."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from webapp.config import PROJECT_ROOT
from webapp.content.messages import MESSAGES_FILE, TEMPLATE_FILE

SHIPPED_CONTENT = PROJECT_ROOT / "content"
# Every entry of the original help article, in its order; "none" is the smart-card prompt.
ORIGINAL_ARTICLE_CODES = (
    "0xCAA20003",
    "0xCAA20004",
    "0xCAA70004",
    "0xCAA70007",
    "0xCAA82EE2",
    "0xCAA82EE7",
    "0xCAA90018",
    "none",
)

FIXTURE_CONTENT = Path(__file__).parent.parent / "fixtures" / "content"
# Small translations of the fixture content, for tests of a site in more than one language:
# German (a home page, one code), French (a home page, a few interface strings), and Italian,
# a language an IT team has just started (home, its one page, a few interface strings, one code),
# in the folder "it-it", as "it" is the IT desk's address.
FIXTURE_TRANSLATIONS = FIXTURE_CONTENT.parent / "translations"

# The fixture files as text, for tests that write a broken variant of one.
CODES_TOML = (FIXTURE_CONTENT / "codes.toml").read_text(encoding="utf-8")
FAMILIES_TOML = (FIXTURE_CONTENT / "families.toml").read_text(encoding="utf-8")
HOME_MD = (FIXTURE_CONTENT / "home.md").read_text(encoding="utf-8")
FAQ_MD = (FIXTURE_CONTENT / "pages" / "faq.md").read_text(encoding="utf-8")


def write_content(root: Path, **overrides: str | None) -> Path:
    """Copy the fixture content folder to ``root``; ``overrides`` replace files by relative
    path (``"de__codes.toml"`` for ``de/codes.toml``), and None removes one."""
    shutil.copytree(FIXTURE_CONTENT, root, dirs_exist_ok=True)
    for name, text in overrides.items():
        path = root / name.replace("__", "/")
        if text is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def add_translations(root: Path, *languages: str) -> Path:
    """Add the fixture translations of ``languages`` (``"de"``, ``"fr"``) to a content folder."""
    for language in languages:
        shutil.copytree(FIXTURE_TRANSLATIONS / language, root / language, dirs_exist_ok=True)
    return root


def init_catalogue(root: Path, language: str) -> int:
    """What the README's ``pybabel init`` gives a new language: the shipped template copied
    into ``root``, and ``root/<language>/messages.po`` made from it, with the strings of the
     fixture translation's catalogue translated and every other one empty. Returns how many
    strings there are."""
    template = SHIPPED_CONTENT / TEMPLATE_FILE
    shutil.copy(template, root / TEMPLATE_FILE)
    locale = language.replace("-", "_")  # Babel's spelling: "it_IT"
    with template.open("rb") as handle:
        catalogue = read_po(handle, locale=locale)
    with (FIXTURE_TRANSLATIONS / language / MESSAGES_FILE).open("rb") as handle:
        for message in read_po(handle, locale=locale):
            if message.id:
                catalogue[message.id].string = message.string
    with (root / language / MESSAGES_FILE).open("wb") as handle:
        write_po(handle, catalogue)
    return sum(1 for message in catalogue if message.id)
