"""Answer a query: a code (exact, decoded by family, or "did you mean"), then words.

The :class:`SearchEngine` is built once from the content; the HTML views and the JSON API
both ask it, so they always agree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from webapp.content.model import NO_CODE, CodeEntry, Content
from webapp.search.codes import near_code_digits, normalise_code
from webapp.search.families import Explanation, explain, family_of
from webapp.search.index import Document, Hit, WordIndex
from webapp.search.text import Analyzer

DID_YOU_MEAN_DISTANCE = 2
DID_YOU_MEAN_LIMIT = 3

# Field weights: a title and the words authors add as keywords count more than body text.
TITLE, KEYWORDS, BODY, MINOR = 3.0, 2.5, 1.0, 0.5


@dataclass(frozen=True, slots=True)
class SearchResponse:
    """Everything a results page or the API needs to answer one query."""

    query: str
    code: str | None = None  # the normalised code, when the query holds one
    entry: CodeEntry | None = None  # the code's entry, when the table has it
    explanation: Explanation | None = None  # for a code the table lacks
    did_you_mean: tuple[CodeEntry, ...] = ()
    hits: tuple[Hit, ...] = ()
    spellings: tuple[str, ...] = ()

    @property
    def found_anything(self) -> bool:
        return bool(self.entry or self.hits or self.did_you_mean)


class SearchEngine:
    """Code look-up, family decoding and word search over one content set."""

    def __init__(self, content: Content, analyzer: Analyzer | None = None) -> None:
        self.content = content
        self.analyzer = analyzer or Analyzer(content.language)
        self.words = WordIndex.build(self.analyzer, _documents(content))
        self._hex_digits = {
            entry.code[2:]: entry for entry in content.codes if entry.code != NO_CODE
        }
        by_family: dict[str, list[CodeEntry]] = defaultdict(list)
        for entry in content.codes:
            family = family_of(entry.code, content)
            if family is not None:
                by_family[family.prefix].append(entry)
        self._by_family = {prefix: tuple(entries) for prefix, entries in by_family.items()}

    def lookup(self, code: str) -> CodeEntry | None:
        """The table entry of a canonical code (or ``none``)."""
        return self.content.code_by_id.get(code)

    def explain(self, code: str) -> Explanation:
        return explain(code, self.content)

    def related(self, code: str) -> tuple[CodeEntry, ...]:
        """Other codes of the table in the same family as ``code``."""
        family = family_of(code, self.content)
        if family is None:
            return ()
        return tuple(e for e in self._by_family.get(family.prefix, ()) if e.code != code)

    def similar_codes(self, digits: str) -> tuple[CodeEntry, ...]:
        """Known codes a digit or two away from ``digits`` (hex digits without ``0x``)."""
        matches = process.extract(
            digits.upper(),
            list(self._hex_digits),
            scorer=Levenshtein.distance,
            score_cutoff=DID_YOU_MEAN_DISTANCE,
            limit=DID_YOU_MEAN_LIMIT,
        )
        return tuple(self._hex_digits[found] for found, _, _ in matches if found != digits)

    def search(self, query: str, limit: int = 10) -> SearchResponse:
        """Answer ``query``: a known code, an unknown code explained, or ranked word results."""
        query = query.strip()
        if not query:
            return SearchResponse(query)
        code = normalise_code(query)
        if code is not None:
            entry = self.lookup(code)
            if entry is not None:
                return SearchResponse(query, code, entry)
            return SearchResponse(
                query,
                code,
                explanation=self.explain(code),
                did_you_mean=self.similar_codes(code[2:]),
            )
        near = near_code_digits(query)
        did_you_mean = self.similar_codes(near) if near else ()
        results = self.words.search(query, limit)
        spellings = results.spellings
        if not results.hits and not spellings:
            spellings = self.words.suggest_spellings(query)
        return SearchResponse(
            query, did_you_mean=did_you_mean, hits=results.hits, spellings=spellings
        )


def _documents(content: Content):  # type: ignore[no-untyped-def]
    """(document, weighted fields) for every code and every page section."""
    for entry in content.codes:
        text = " ".join((entry.summary_text, *entry.steps_text))
        fields = [
            (f"{entry.title} {entry.code}", TITLE),
            (" ".join(entry.keywords), KEYWORDS),
            (text, BODY),
            (entry.contact_text, MINOR),
        ]
        yield Document("code", entry.code, "", entry.title, text), fields
    for page in content.pages:
        for section in page.sections:
            heading = section.heading or page.title
            fields = [(heading, TITLE), (section.text, BODY)]
            if not section.anchor:
                fields += [(" ".join(page.keywords), KEYWORDS), (page.description, BODY)]
            title = f"{page.title}: {heading}" if section.heading else page.title
            yield Document("page", page.slug, section.anchor, title, section.text), fields
