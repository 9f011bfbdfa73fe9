"""The in-memory content model: immutable records built once at start-up.

Everything here is plain data. Markdown has already been rendered to HTML (``Markup``), so
views and templates only display it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

NO_CODE = "none"
"""The code of the entry for the smart-card PIN prompt, which shows no status code."""


@dataclass(frozen=True, slots=True)
class CodeEntry:
    """One row of the code table: a status code and what to do about it."""

    code: str  # canonical "0x" + 8 upper-case hex digits, or NO_CODE
    title: str
    summary: Markup
    steps: tuple[Markup, ...]
    contact_it: Markup
    keywords: tuple[str, ...] = ()
    # Plain-text versions of the rendered fields, for search and snippets.
    summary_text: str = ""
    steps_text: tuple[str, ...] = ()
    contact_text: str = ""
    language: str = "en"  # the language this entry is written in (English when untranslated)

    @property
    def anchor(self) -> str:
        """The id of this code's row in the code table."""
        return f"code-{self.code.lower()}"


@dataclass(frozen=True, slots=True)
class WininetError:
    """A Windows internet (WinINet) error, carried in the low 16 bits of 0xCAA8xxxx codes."""

    number: int
    name: str
    title: str
    meaning: Markup
    steps: tuple[Markup, ...] = ()
    keywords: tuple[str, ...] = ()
    meaning_text: str = ""
    language: str = "en"


@dataclass(frozen=True, slots=True)
class Family:
    """A family of codes sharing a prefix, used to explain codes nobody wrote down."""

    prefix: str  # canonical-code prefix, e.g. "0xCAA8"
    name: str
    summary: Markup
    steps: tuple[Markup, ...]
    contact_it: Markup
    decoder: str | None = None  # "wininet" for the 0xCAA8 family
    language: str = "en"


@dataclass(frozen=True, slots=True)
class Section:
    """A heading section of a page: the unit a word search returns."""

    anchor: str  # "" for the text before the first heading
    heading: str
    text: str  # plain text of the section, for search and snippets
    html: Markup  # the section as HTML, its heading included


@dataclass(frozen=True, slots=True)
class Page:
    """A Markdown page served at ``/<slug>`` (or the home page)."""

    slug: str
    title: str
    description: str
    order: int
    html: Markup
    sections: tuple[Section, ...]
    keywords: tuple[str, ...] = ()
    nav_title: str = ""  # short name for the navigation bar; the title when not given
    source: str = ""  # file the page came from, for error messages
    language: str = "en"

    @property
    def anchors(self) -> frozenset[str]:
        return frozenset(s.anchor for s in self.sections if s.anchor)


@dataclass(frozen=True, slots=True)
class Content:
    """The content in one language, loaded and validated.

    A translation holds every entry: those not translated yet are the English ones, whose
    ``language`` says so.
    """

    codes: tuple[CodeEntry, ...]
    families: tuple[Family, ...]
    wininet: tuple[WininetError, ...]
    pages: tuple[Page, ...]  # ordered by front-matter ``order``, then title
    home: Page
    language: str = "en"
    code_by_id: dict[str, CodeEntry] = field(default_factory=dict, compare=False)
    page_by_slug: dict[str, Page] = field(default_factory=dict, compare=False)
    wininet_by_number: dict[int, WininetError] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        # Frozen dataclass: fill the lookup tables through object.__setattr__ once.
        object.__setattr__(self, "code_by_id", {c.code: c for c in self.codes})
        object.__setattr__(self, "page_by_slug", {p.slug: p for p in self.pages})
        object.__setattr__(self, "wininet_by_number", {w.number: w for w in self.wininet})


@dataclass(frozen=True, slots=True)
class Site:
    """The content in every language the content folder holds."""

    default_language: str
    contents: dict[str, Content]  # by language code, the default language first
    untranslated: dict[str, tuple[str, ...]]  # by language: what still falls back to English

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.contents)

    @property
    def default(self) -> Content:
        return self.contents[self.default_language]
