"""What a piece of feedback is about: a code page, or one answer (section) of a page.

A form names its topic in one hidden field, ``about``: ``code:0xCAA20003`` or
``page:faq#why-cant-i-sign-in``. It is checked against the content, so the database only ever
holds codes and pages the site serves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for

from webapp.content.model import CODE, NAMED_CODE, NO_CODE, PAGE, Content, is_canonical_code

MAX_ABOUT_LENGTH = 200
# The query argument of a page that thanks for an answer: ``?answered=code:0xCAA20003``.
ANSWERED_ARG = "answered"


@dataclass(frozen=True, slots=True)
class Topic:
    kind: str  # CODE or PAGE
    key: str  # canonical code, or page slug
    section: str = ""  # heading anchor of a page's answer

    @classmethod
    def parse(cls, about: str | None) -> Topic | None:
        """The topic named by ``about``, if well-formed (see :meth:`exists` for the rest)."""
        if not about or len(about) > MAX_ABOUT_LENGTH:
            return None
        kind, _, rest = about.partition(":")
        if kind == CODE and rest and (rest == NO_CODE or is_canonical_code(rest)):
            return cls(CODE, rest)
        if kind == PAGE:
            slug, _, section = rest.partition("#")
            if slug and section:
                return cls(PAGE, slug, section)
        return None

    @property
    def about(self) -> str:
        return f"{self.kind}:{self.key}" + (f"#{self.section}" if self.section else "")

    @property
    def block_id(self) -> str:
        """The id of the feedback block on the page, where the thank-you is shown."""
        return f"feedback-{self.section}" if self.section else "feedback"

    def path(self, language: str = "", default_language: str = "") -> str:
        """The address people know it by, for the report: ``/codes/0x…``, ``/faq#why``, or
        with the prefix of a language other than the default, ``/de/faq#why`` (needs an app
        context, not a request: the report runs on the command line)."""
        prefix = f"/{language}" if language and language != default_language else "/"
        routes = current_app.url_map.bind("", script_name=prefix)
        if self.kind == CODE:
            return routes.build("codes.code", {"typed": self.key})
        return routes.build("pages.page", {"slug": self.key}) + f"#{self.section}"

    def exists(self, content: Content) -> bool:
        """Whether the site serves this: any well-formed code (its page exists even when the
        table lacks it) but a named error only when an entry has it, or a page section with
        that anchor."""
        if self.kind == CODE:
            return not NAMED_CODE.fullmatch(self.key) or self.key in content.code_by_id
        page = content.page_by_slug.get(self.key)
        return page is not None and self.section in page.anchors

    def title(self, content: Content) -> str:
        """A human name for the topic: the code's title or the section's heading."""
        if self.kind == CODE:
            entry = content.code_by_id.get(self.key)
            return entry.title if entry else "(not in the code table)"
        page = content.page_by_slug.get(self.key)
        if page is None:
            return "(page removed)"
        for section in page.sections:
            if section.anchor == self.section:
                return f"{page.title}: {section.heading}"
        return f"{page.title}: (answer removed)"

    def url(self, answered: bool = False) -> str:
        """The page, scrolled to the feedback block (needs a request or app context); with
        ``answered``, the page that thanks for the answer there (the same for everyone who
        answered, so it is as public as the page)."""
        values: dict[str, Any] = {ANSWERED_ARG: self.about} if answered else {}
        if self.kind == CODE:
            return url_for("codes.code", typed=self.key, _anchor=self.block_id, **values)
        return url_for("pages.page", slug=self.key, _anchor=self.block_id, **values)
