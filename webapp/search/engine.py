"""Answer a query: a code (exact, decoded by family, or "did you mean"), then words.

The :class:`SearchEngine` is built once from the content; the HTML views and the JSON API
both ask it, so they always agree.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from webapp.content.model import CODE, PAGE, CodeEntry, Content, code_number
from webapp.search.families import Explanation, explain, family_of
from webapp.search.identifiers import without_identifiers
from webapp.search.index import Document, Field, Hit, WordIndex
from webapp.search.resolver import Resolution, Resolver
from webapp.search.table import CodeGroup, code_groups
from webapp.search.text import Analyzer

RELATED_LIMIT = 6  # codes of the same problem listed under a code's page
# How much two codes' titles and keywords must share to be the same problem: about one word
# that one code in twenty holds, or two more common ones.
RELATED_MIN_WEIGHT = 3.0
# A long paste is read whole for a code; its words are searched from its start, IDs left out.
MAX_QUERY_FOR_WORDS = 200

# Guides and the full answers of the codes people hit most outrank the many short catalogue
# entries that mention the same words: they are what a person searching words is after.
GUIDE_BOOST, FULL_ANSWER_BOOST = 2.0, 2.0
FULL_ANSWER_STEPS = 4  # what a full answer has; the catalogue's short entries have 1 to 3

# Field weights: a title and the words authors add as keywords count more than body text.
TITLE, KEYWORDS = Field("title", 3.0), Field("keywords", 2.5)
BODY, MINOR = Field("body", 1.0), Field("minor", 0.5)


@dataclass(frozen=True, slots=True)
class SearchResponse:
    """Everything a results page or the API needs to answer one query."""

    query: str
    code: str | None = None  # the normalised code, when the query holds one
    entry: CodeEntry | None = None  # the code's entry, when the table has it
    explanation: Explanation | None = None  # for a code the table lacks
    did_you_mean: tuple[CodeEntry, ...] = ()
    choices: tuple[CodeEntry, ...] = ()  # a bare number that is more than one code
    hits: tuple[Hit, ...] = ()
    spellings: tuple[str, ...] = ()
    words_found: bool = False  # a hit holds every word of the query (WordResults.found)

    @property
    def found(self) -> bool:
        """Whether the search found what was asked, so it is not a miss: a code the table has,
        the codes a bare number may be, or a result holding every word of the query. Results
        that match only some words, or only by prefix or typo, are shown but do not count."""
        return self.entry is not None or bool(self.choices) or self.words_found


class SearchEngine:
    """Code look-up, family decoding and word search over one content set."""

    def __init__(self, content: Content, analyzer: Analyzer | None = None) -> None:
        self.content = content
        self.analyzer = analyzer or Analyzer(content.language)
        self.words = WordIndex.build(self.analyzer, _documents(content))
        self.resolver = Resolver(content)
        by_family: dict[str, list[CodeEntry]] = defaultdict(list)
        for entry in content.codes:
            family = family_of(entry.code, content)
            if family is not None:
                by_family[family.prefix].append(entry)
        self._by_family = {prefix: tuple(entries) for prefix, entries in by_family.items()}
        self.table: tuple[CodeGroup, ...] = code_groups(content)
        # What each code is about, for related codes: the terms of its title and keywords, and
        # how distinctive each term is (its inverse document frequency over the codes).
        self._cause_words = {
            e.code: frozenset(
                t for _, t in self.analyzer.surface_terms(" ".join((e.title, *e.keywords)))
            )
            for e in content.codes
        }
        counts: dict[str, int] = defaultdict(int)
        for words in self._cause_words.values():
            for word in words:
                counts[word] += 1
        total = max(len(self._cause_words), 1)
        self._cause_weight = {w: math.log(total / n) for w, n in counts.items()}

    def resolve(self, typed: str) -> Resolution:
        return self.resolver.resolve(typed)

    def explain(self, code: str) -> Explanation:
        return explain(code, self.content)

    def related(self, entry: CodeEntry) -> tuple[CodeEntry, ...]:
        """Other codes for the same problem: of the same family, fixed by the same people, and
        sharing distinctive words of their titles and keywords (the rarer a word, the more it
        counts). None when no code is that close: numeric neighbours are no help."""
        family = family_of(entry.code, self.content)
        if family is None:
            return ()
        words = self._cause_words[entry.code]
        scored = []
        for other in self._by_family.get(family.prefix, ()):
            if other.code == entry.code or other.fixer != entry.fixer:
                continue
            shared = sum(self._cause_weight[w] for w in words & self._cause_words[other.code])
            if shared >= RELATED_MIN_WEIGHT:
                scored.append((-shared, other.code, other))
        scored.sort(key=lambda item: item[:2])
        return tuple(other for _, _, other in scored[:RELATED_LIMIT])

    def same_family(self, code: str) -> tuple[CodeEntry, ...]:
        """A few codes of the family of a code the table lacks, the nearest numbers first."""
        family = family_of(code, self.content)
        if family is None:
            return ()
        target = code_number(code)
        others = [e for e in self._by_family.get(family.prefix, ()) if e.code != code]
        others.sort(key=lambda e: abs(code_number(e.code) - target))
        return tuple(others[:RELATED_LIMIT])

    def search(self, query: str, limit: int = 10) -> SearchResponse:
        """Answer ``query``: a known code, an unknown code explained, or ranked word results."""
        query = query.strip()
        if not query:
            return SearchResponse(query)
        resolution = self.resolve(query)
        if resolution.code is not None:
            return SearchResponse(
                query,
                resolution.code,
                resolution.entry,
                resolution.explanation,
                resolution.did_you_mean,
            )
        did_you_mean, choices = resolution.did_you_mean, resolution.choices
        words = without_identifiers(query)[:MAX_QUERY_FOR_WORDS]
        results = self.words.search(words, limit)
        spellings = results.spellings
        if not results.hits and not spellings:
            spellings = self.words.suggest_spellings(words)
        return SearchResponse(
            query,
            did_you_mean=did_you_mean,
            choices=choices,
            hits=results.hits,
            spellings=spellings,
            words_found=results.found,
        )


def _documents(content: Content) -> Iterator[tuple[Document, list[tuple[str, Field]]]]:
    """(document, weighted fields) for every code and every page section."""
    for entry in content.codes:
        text = " ".join((entry.summary_text, *entry.steps_text))
        fields = [
            (f"{entry.title} {entry.code}", TITLE),
            (" ".join((entry.name, *entry.keywords)), KEYWORDS),
            (text, BODY),
            (entry.contact_text, MINOR),
        ]
        boost = FULL_ANSWER_BOOST if len(entry.steps) >= FULL_ANSWER_STEPS else 1.0
        yield (
            Document(CODE, entry.code, "", entry.title, text, boost, language=entry.language),
            fields,
        )
    for page in content.pages:
        for section in page.sections:
            heading = section.heading or page.title
            fields = [(heading, TITLE), (section.text, BODY)]
            if not section.anchor:
                fields += [(" ".join(page.keywords), KEYWORDS), (page.description, BODY)]
            title = f"{page.title}: {heading}" if section.heading else page.title
            yield (
                Document(
                    PAGE,
                    page.slug,
                    section.anchor,
                    title,
                    section.text,
                    GUIDE_BOOST,
                    for_it=page.audience == "it",
                    language=page.language,
                ),
                fields,
            )
