"""The in-memory content model: immutable records built once at start-up.

Everything here is plain data. Markdown has already been rendered to HTML (``Markup``), so
views and templates only display it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from babel.messages.catalog import Catalog
from markupsafe import Markup

from webapp.content.coverage import Coverage

NO_CODE = "none"
"""The code of the entry for the smart-card PIN prompt, which shows no status code."""
# What a search result or a piece of feedback is about: a code's page, or a section of a page.
CODE, PAGE = "code", "page"

HEX_CODE = re.compile(r"0x[0-9A-F]{8}")
"""A Windows status code in canonical form: ``0x`` and 8 upper-case hexadecimal digits."""
AADSTS_CODE = re.compile(r"AADSTS[1-9][0-9]{3,6}")
"""A Microsoft Entra sign-in error in canonical form: ``AADSTS`` and its number."""
NAMED_CODE = re.compile(r"(?!AADSTS|[0-9A-F]{8}$)[A-Z][A-Za-z0-9]{2,63}(?:-[1-9][0-9]{2,6})?")
"""An error without a Windows or Entra code: Microsoft's name for it
(``TeamsDisabledForTenantForbidden``), or ``M365-`` and the number that Microsoft 365 apps show
in brackets ("Something went wrong [1001]")."""
M365_NUMBER = "M365-{number}"
"""The canonical code of a number that Microsoft 365 apps show in brackets."""
MIN_ALIAS_LENGTH = 12
"""An alias shorter than this would catch ordinary searches (it must name one error)."""
AADSTS_LOOKUP = "https://login.microsoftonline.com/error?code={number}"
"""Microsoft's live look-up of an AADSTS code: its current official text."""

DECODERS = ("network", "http")
"""What a family's codes carry in their low 16 bits: a network error number, or an HTTP status."""
AADSTS_FAMILY = "AADSTS"
"""The prefix of the family that explains Entra codes the catalogue lacks."""

FIXERS = ("you", "it", "wait")
"""Who can fix a code: the person, only IT, or nobody (wait and try again)."""
AUDIENCES = ("everyone", "it")
"""Whom a page is written for: everyone, or IT administrators (it ranks below the others)."""

SOURCE_HOSTS = ("learn.microsoft.com", "support.microsoft.com")
"""Where the source of a part for IT may point: Microsoft's documentation and support pages."""


def is_canonical_code(code: str) -> bool:
    """True for a code written as the site writes it (``0xCAA20003``, ``AADSTS50126``, or a
    named error: ``TeamsDisabledForTenantForbidden``, ``M365-1001``)."""
    return bool(
        HEX_CODE.fullmatch(code) or AADSTS_CODE.fullmatch(code) or NAMED_CODE.fullmatch(code)
    )


def alias_key(text: str) -> str:
    """How an alias and typed text are compared: lower case, without apostrophes ("you're" and
    "youre" are one word), British "organisation" as Microsoft's "organization", and every run
    of other characters one space."""
    text = re.sub("['\u2018\u2019]", "", text.casefold()).replace("organis", "organiz")
    return " ".join(re.findall(r"\w+", text))


def code_number(code: str) -> int:
    """The number a canonical code carries: an AADSTS code's decimal, a hex code's value."""
    if code.startswith(AADSTS_FAMILY):
        return int(code.removeprefix(AADSTS_FAMILY))
    return int(code, 16)


def lookup_url(code: str) -> str | None:
    """Microsoft's live page for an AADSTS code; None for other codes."""
    if not AADSTS_CODE.fullmatch(code):
        return None
    return AADSTS_LOOKUP.format(number=code_number(code))


def table_anchor(code: str) -> str:
    """The id of a code's row in the code table (``/codes#code-0xcaa20003``)."""
    return f"code-{code.lower()}"


@dataclass(frozen=True, slots=True)
class Contact:
    """Whom to contact about a code or a family, when it is not the site's IT contact."""

    name: str
    email: str = ""
    url: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class CodeEntry:
    """One row of the code table: a status code and what to do about it."""

    code: str  # canonical "0x" + 8 upper-case hex digits, "AADSTS" + digits, or NO_CODE
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
    name: str = ""  # Microsoft's own name for the code, when it has one
    fixer: str = ""  # one of FIXERS: who can fix it
    # Other ways the error is shown: a message without a code, Microsoft's other name for it.
    aliases: tuple[str, ...] = ()
    contact: Contact | None = None  # its own contact; None: its family's, or the site's
    # The part for IT: causes on their side and what to look at, with the Microsoft page
    # that says so. None when the entry has none; never indexed (see the README).
    for_it: Markup | None = None
    for_it_text: str = ""  # plain text of for_it, for the JSON API
    for_it_source: str = ""  # an https:// address of a Microsoft page

    @property
    def anchor(self) -> str:
        return table_anchor(self.code)

    @property
    def is_aadsts(self) -> bool:
        return self.code.startswith(AADSTS_FAMILY)

    @property
    def is_named(self) -> bool:
        """An error without a Windows or Entra code (a name, or a Microsoft 365 app's number)."""
        return bool(NAMED_CODE.fullmatch(self.code))

    @property
    def lookup_url(self) -> str | None:
        return lookup_url(self.code)


@dataclass(frozen=True, slots=True)
class Family:
    """A family of codes sharing a prefix, used to explain codes nobody wrote down."""

    prefix: str  # canonical-code prefix, e.g. "0xCAA8"
    name: str
    summary: Markup
    steps: tuple[Markup, ...]
    contact_it: Markup
    decoder: str | None = None  # one of DECODERS: the number the family's codes carry
    language: str = "en"
    contact: Contact | None = None  # its own contact; None: the site's


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
    in_nav: bool = True  # listed in the navigation bar, the footer and the home page
    audience: str = "everyone"  # one of AUDIENCES
    # Sections that explain a term rather than solve a problem: no "Did this solve your
    # problem?" after them.
    definitions: frozenset[str] = frozenset()
    linked_pages: tuple[str, ...] = ()  # slugs of the site's pages its text links to
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
    families: tuple[Family, ...]  # longest prefix first: the first match is the most specific
    pages: tuple[Page, ...]  # ordered by front-matter ``order``, then title
    home: Page
    language: str = "en"
    code_by_id: dict[str, CodeEntry] = field(default_factory=dict, compare=False)
    page_by_slug: dict[str, Page] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        families = tuple(sorted(self.families, key=lambda f: -len(f.prefix)))
        object.__setattr__(self, "families", families)
        object.__setattr__(self, "code_by_id", {c.code: c for c in self.codes})
        object.__setattr__(self, "page_by_slug", {p.slug: p for p in self.pages})

    def contact_for(self, code: str) -> Contact | None:
        """Whom to contact about ``code``: its entry's own contact, else that of the most
        specific family it belongs to; None means the site's IT contact."""
        entry = self.code_by_id.get(code)
        if entry is not None and entry.contact is not None:
            return entry.contact
        family = next((f for f in self.families if code.startswith(f.prefix)), None)
        return family.contact if family is not None else None

    def nav_page_of(self, slug: str) -> str | None:
        """The navigation entry a page belongs to: itself when it is in the navigation; else
        the navigation page that lists it (when several link to it, the one that links to the
        most pages out of the navigation: the guides' overview)."""
        page = self.page_by_slug.get(slug)
        if page is None or page.in_nav:
            return page.slug if page else None
        hidden = {p.slug for p in self.pages if not p.in_nav}
        listing = [p for p in self.nav_pages if slug in p.linked_pages]
        if not listing:
            return None
        return max(listing, key=lambda p: len(hidden.intersection(p.linked_pages))).slug

    @property
    def nav_pages(self) -> tuple[Page, ...]:
        """The pages the navigation lists; the others are linked from pages (the guides)."""
        return tuple(p for p in self.pages if p.in_nav)


@dataclass(frozen=True, slots=True)
class Site:
    """The content in every language the content folder holds."""

    default_language: str
    contents: dict[str, Content]  # by language code, the default language first
    coverage: dict[str, Coverage]  # by translation: what it covers, what falls back
    # By language: its interface strings (messages.po), read and checked, for webapp.i18n.
    messages: dict[str, Catalog] = field(default_factory=dict)
    # Local entries whose shipped entry changed since they were copied, each a line saying
    # where and what (webapp.content.local), for check-content.
    reviews: tuple[str, ...] = ()

    @property
    def languages(self) -> tuple[str, ...]:
        """Every language served, each under its address prefix (a partial one too, so IT can
        see it grow)."""
        return tuple(self.contents)

    @property
    def offered_languages(self) -> tuple[str, ...]:
        """The languages people are offered: the default, and each translation whose
        interface and pages are complete (:attr:`Coverage.offered`)."""
        return tuple(
            language
            for language in self.contents
            if language == self.default_language or self.coverage[language].offered
        )

    @property
    def default(self) -> Content:
        return self.contents[self.default_language]
