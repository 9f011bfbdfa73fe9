"""Markdown rendering for content files, done once at start-up.

Raw HTML in Markdown is disabled: content is written by people, and what it may produce is
exactly what CommonMark (plus tables) produces, so nothing needs sanitising afterwards.
Headings get stable ids (``## Question {#my-id}`` or a slug of the text), external links are
marked, and every link is recorded so the loader can check internal ones.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import Markup

from webapp.content.model import Section

_EXPLICIT_ID = re.compile(r"\s*\{#([A-Za-z][A-Za-z0-9_-]*)\}\s*$")
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
# An address written out in running text ("at https://aka.ms/sspr."): it becomes a link like
# one written as <https://aka.ms/sspr>, without the punctuation that ends the sentence.
_BARE_ADDRESS = re.compile(r"https?://[^\s<>\"]*[^\s<>\".,;:!?)'\]]")
SECTION_LEVELS = ("h2", "h3")


def slugify(text: str) -> str:
    """Turn heading text into an id: lower-case ASCII words joined by dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = ascii_text.replace("'", "").replace("\u2019", "")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "section"


@dataclass(slots=True)
class Rendered:
    """The result of rendering one Markdown document."""

    html: Markup
    text: str = ""  # plain text, for search and snippets
    sections: list[Section] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


def _assign_heading_ids(state: StateCore) -> None:
    used: set[str] = set()
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[index + 1]
        match = _EXPLICIT_ID.search(inline.content)
        if match:
            anchor = match.group(1)
            inline.content = inline.content[: match.start()]
            last = inline.children[-1] if inline.children else None
            if last is not None and last.type == "text":
                last.content = _EXPLICIT_ID.sub("", last.content)
        else:
            anchor = slugify(_plain_text(inline))
        base, n = anchor, 2
        while anchor in used:
            anchor, n = f"{base}-{n}", n + 1
        used.add(anchor)
        token.attrSet("id", anchor)


def _link_bare_addresses(state: StateCore) -> None:
    """Make each address written out in text a link (outside links and code)."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        children: list[Token] = []
        depth = 0
        for child in token.children:
            depth += {"link_open": 1, "link_close": -1}.get(child.type, 0)
            if child.type != "text" or depth or not _BARE_ADDRESS.search(child.content):
                children.append(child)
                continue
            position = 0
            for match in _BARE_ADDRESS.finditer(child.content):
                children.append(_text_token(child.content[position : match.start()]))
                link = Token("link_open", "a", 1)
                link.attrSet("href", match.group())
                children += [link, _text_token(match.group()), Token("link_close", "a", -1)]
                position = match.end()
            children.append(_text_token(child.content[position:]))
        token.children = [c for c in children if c.type != "text" or c.content]


def _text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _plain_text(inline: Token) -> str:
    parts = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()


def _build_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    md.core.ruler.after("inline", "heading_ids", _assign_heading_ids)
    md.core.ruler.after("heading_ids", "bare_addresses", _link_bare_addresses)

    def link_open(renderer, tokens, idx, options, env):  # type: ignore[no-untyped-def]
        token = tokens[idx]
        href = str(token.attrGet("href") or "")
        env.setdefault("links", []).append(href)
        if _EXTERNAL.match(href):
            token.attrSet("class", "external")
            token.attrSet("rel", "external noopener noreferrer")
        elif href.startswith("/") and env.get("link_prefix"):
            # Content links are written language-neutral ("/codes"); a translation's pages
            # link within their own language ("/de/codes").
            token.attrSet("href", env["link_prefix"] + href)
        return renderer.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)
    return md


_MD = _build_parser()


def render(text: str, link_prefix: str = "") -> Rendered:
    """Render a Markdown document, collecting its heading sections and links.

    ``link_prefix`` is put before internal links ("/de" makes "/faq" into "/de/faq").
    """
    env: dict[str, Any] = {"link_prefix": link_prefix}
    tokens = _MD.parse(text, env)
    sections = _sections(tokens, env)
    html = Markup("".join(section.html for section in sections))
    return Rendered(html, _text(tokens), sections, env.get("links", []))


# The catalogue repeats its steps: of 6,000 in four languages, 3,300 are different. The result
# is only read, so one rendering serves each repeat, within a load and across reloads.
@functools.lru_cache(maxsize=8192)
def render_inline(text: str, link_prefix: str = "") -> Rendered:
    """Render one line of Markdown (a step, a title) without a wrapping paragraph."""
    env: dict[str, Any] = {"link_prefix": link_prefix}
    tokens = _MD.parseInline(text, env)
    html = _MD.renderer.render(tokens, _MD.options, env)
    return Rendered(Markup(html), _text(tokens), [], env.get("links", []))


def _text(tokens: list[Token]) -> str:
    return " ".join(_plain_text(t) for t in tokens if t.type == "inline").strip()


def _sections(tokens: list[Token], env: dict[str, Any]) -> list[Section]:
    """Render a document split at h2/h3 headings; text before the first is section ''."""
    starts = [
        i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag in SECTION_LEVELS
    ]
    bounds = ([0] if not starts or starts[0] != 0 else []) + starts + [len(tokens)]
    sections = []
    for start, end in itertools.pairwise(bounds):
        part = tokens[start:end]
        if not part:
            continue
        is_heading = part[0].type == "heading_open" and part[0].tag in SECTION_LEVELS
        anchor = str(part[0].attrGet("id") or "") if is_heading else ""
        heading = _plain_text(part[1]) if is_heading else ""
        body = part[3:] if is_heading else part
        html = Markup(_MD.renderer.render(part, _MD.options, env))
        sections.append(Section(anchor, heading, _text(body), html))
    return sections
