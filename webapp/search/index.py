"""A ranked, forgiving full-text index over codes and page sections, built once per process.

Ranking is BM25 over weighted fields (a title counts more than body text). A query word finds
its stem; the last word, or one the index does not know, also finds words it is the start of
("creden" -> "credentials"); a word still unknown is matched to the nearest known words by
edit distance with RapidFuzz ("proxxy" -> "proxy"). Results that match every query word rank
above, and displace, those that match only some; a phrase or a title match ranks higher.

The index is plain immutable dicts: safe to share between threads and, with Gunicorn's
``preload_app``, between forked workers.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from markupsafe import Markup, escape
from rapidfuzz import process
from rapidfuzz.distance import OSA

from webapp.search.text import Analyzer, joined_pairs

K1, B = 1.2, 0.75
MAX_QUERY_TERMS = 8
PREFIX_MIN, PREFIX_MAX_EXPANSIONS = 3, 12
FUZZY_MIN = 4
PREFIX_FACTOR, JOINED_FACTOR = 0.8, 1.0
FUZZY_FACTORS = {1: 0.7, 2: 0.5}
PHRASE_BONUS, TITLE_BONUS, TITLE_PHRASE_BONUS = 1.6, 1.5, 3.0
SNIPPET_WORDS = 30


@dataclass(frozen=True, slots=True)
class Document:
    """Something a word search can return: a code, or one heading section of a page."""

    kind: str  # "code" or "page"
    key: str  # the code, or the page slug
    anchor: str  # the section's heading id ("" for a code or a page's opening text)
    title: str
    text: str  # plain text the snippet is cut from


@dataclass(frozen=True, slots=True)
class Hit:
    document: Document
    score: float
    snippet: Markup


@dataclass(frozen=True, slots=True)
class WordResults:
    hits: tuple[Hit, ...] = ()
    # Known words close to the query words that matched nothing, for "did you mean".
    spellings: tuple[str, ...] = ()


@dataclass(slots=True)
class _Expansion:
    """The index terms one query word stands for, each with how much a match counts."""

    terms: dict[str, float] = field(default_factory=dict)
    spelling: str | None = None


class WordIndex:
    """Inverted index with precomputed BM25 weights. Build with :meth:`build`."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.documents: list[Document] = []
        self.postings: dict[str, dict[int, float]] = {}
        self.title_terms: list[frozenset[str]] = []
        self.title_phrases: list[str] = []  # folded title words, stop words kept, " "-joined
        self.bigrams: list[frozenset[tuple[str, str]]] = []
        self.joined_parts: dict[str, frozenset[str]] = {}
        self.surface_term: dict[str, str] = {}
        self.sorted_surfaces: list[str] = []
        self.surfaces_by_length: dict[int, list[str]] = {}

    @classmethod
    def build(
        cls,
        analyzer: Analyzer,
        entries: Iterable[tuple[Document, list[tuple[str, float]]]],
    ) -> WordIndex:
        """Index documents, each given with its fields as (text, weight) pairs.

        The first field is taken as the title.
        """
        index = cls(analyzer)
        frequencies: list[dict[str, float]] = []
        lengths: list[float] = []
        joined_parts: dict[str, set[str]] = defaultdict(set)
        for document, fields in entries:
            tf: dict[str, float] = defaultdict(float)
            length = 0.0
            bigrams: set[tuple[str, str]] = set()
            for position, (text, weight) in enumerate(fields):
                pairs = analyzer.surface_terms(text)
                terms = [t for _, t in pairs]
                for surface, term in pairs:
                    index.surface_term.setdefault(surface, term)
                    tf[term] += weight
                for a, b in itertools.pairwise(terms):
                    bigrams.add((a, b))
                    joined_parts[a + b].update((a, b))
                for joined in joined_pairs(terms):
                    tf[joined] += weight * JOINED_FACTOR
                length += weight * len(terms)
                if position == 0:
                    index.title_terms.append(frozenset(terms))
                    index.title_phrases.append(f" {' '.join(analyzer.surfaces(text))} ")
            index.documents.append(document)
            frequencies.append(tf)
            lengths.append(length)
            index.bigrams.append(frozenset(bigrams))

        count = len(index.documents)
        average = (sum(lengths) / count) if count else 1.0
        document_frequency: dict[str, int] = defaultdict(int)
        for tf in frequencies:
            for term in tf:
                document_frequency[term] += 1
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        for doc_id, tf in enumerate(frequencies):
            norm = K1 * (1 - B + B * lengths[doc_id] / (average or 1.0))
            for term, freq in tf.items():
                df = document_frequency[term]
                idf = math.log(1 + (count - df + 0.5) / (df + 0.5))
                postings[term][doc_id] = idf * freq * (K1 + 1) / (freq + norm)
        index.postings = dict(postings)
        index.joined_parts = {k: frozenset(v) for k, v in joined_parts.items()}
        index.sorted_surfaces = sorted(index.surface_term)
        by_length: dict[int, list[str]] = defaultdict(list)
        for surface in index.sorted_surfaces:
            by_length[len(surface)].append(surface)
        index.surfaces_by_length = dict(by_length)
        return index

    # -- querying -------------------------------------------------------------------------

    def _prefixed(self, surface: str) -> dict[str, float]:
        """Terms of the known words that start with ``surface``."""
        found: dict[str, float] = {}
        start = bisect.bisect_left(self.sorted_surfaces, surface)
        for candidate in self.sorted_surfaces[start:]:
            if not candidate.startswith(surface) or len(found) >= PREFIX_MAX_EXPANSIONS:
                break
            term = self.surface_term[candidate]
            if term in self.postings:
                found.setdefault(term, PREFIX_FACTOR)
        return found

    def _nearest(self, surface: str, max_distance: int) -> list[tuple[str, int]]:
        """Known words within ``max_distance`` edits (a swap of two letters is one edit)."""
        candidates: list[str] = []
        for length in range(len(surface) - max_distance, len(surface) + max_distance + 1):
            candidates.extend(self.surfaces_by_length.get(length, ()))
        matches = process.extract(
            surface, candidates, scorer=OSA.distance, score_cutoff=max_distance, limit=5
        )
        return [(word, int(distance)) for word, distance, _ in matches]

    def _expand(self, surface: str, term: str, is_last: bool) -> _Expansion:
        expansion = _Expansion()
        if term in self.postings:
            expansion.terms[term] = 1.0
        if len(surface) >= PREFIX_MIN and (is_last or not expansion.terms):
            for found, factor in self._prefixed(surface).items():
                expansion.terms.setdefault(found, factor)
        if not expansion.terms and len(surface) >= FUZZY_MIN:
            max_distance = 1 if len(surface) <= 5 else 2
            for word, distance in self._nearest(surface, max_distance):
                expansion.terms.setdefault(self.surface_term[word], FUZZY_FACTORS[distance])
                expansion.spelling = expansion.spelling or word
        return expansion

    def search(self, query: str, limit: int = 10) -> WordResults:
        """The best ``limit`` documents for a free-text query."""
        pairs = self.analyzer.surface_terms(query)[:MAX_QUERY_TERMS]
        if not pairs or limit <= 0:
            return WordResults()
        terms = [t for _, t in pairs]
        expansions = [
            self._expand(surface, term, i == len(pairs) - 1)
            for i, (surface, term) in enumerate(pairs)
        ]
        # Words written apart in the query but together in the text ("time out" / "timeout").
        joined = {
            i: a + b for i, (a, b) in enumerate(itertools.pairwise(terms)) if a + b in self.postings
        }

        wanted = [i for i, e in enumerate(expansions) if e.terms or i in joined or i - 1 in joined]
        spellings = tuple(e.spelling for e in expansions if e.spelling)
        if not wanted:
            return WordResults((), spellings)

        scores: dict[int, float] = defaultdict(float)
        covered: dict[int, int] = defaultdict(int)
        for i in wanted:
            best: dict[int, float] = {}
            for term, factor in expansions[i].terms.items():
                for doc_id, weight in self.postings[term].items():
                    value = weight * factor
                    if value > best.get(doc_id, 0.0):
                        best[doc_id] = value
            for pair_start in (i, i - 1):
                if pair_start in joined:
                    for doc_id, weight in self.postings[joined[pair_start]].items():
                        # half the joined word's weight to each of the two query words
                        value = weight / 2
                        if value > best.get(doc_id, 0.0):
                            best[doc_id] = value
            for doc_id, value in best.items():
                scores[doc_id] += value
                covered[doc_id] += 1

        most = max(covered.values(), default=0)
        candidates = [d for d, c in covered.items() if c == most] if most > 1 else list(scores)
        query_terms = frozenset(terms)
        query_bigrams = list(itertools.pairwise(terms))
        # The whole query, stop words too, as words of a title: "why can't I sign in".
        query_phrase = f" {' '.join(self.analyzer.surfaces(query))} "

        def final_score(doc_id: int) -> float:
            score = scores[doc_id]
            if query_bigrams and all(bg in self.bigrams[doc_id] for bg in query_bigrams):
                score *= PHRASE_BONUS
            if query_phrase in self.title_phrases[doc_id]:
                score *= TITLE_PHRASE_BONUS
            elif query_terms <= self.title_terms[doc_id]:
                score *= TITLE_BONUS
            return score

        ranked = heapq.nlargest(limit, ((final_score(d), d) for d in candidates))
        matched = set(joined.values())
        for expansion in expansions:
            matched.update(expansion.terms)
        for term in list(matched):
            matched.update(self.joined_parts.get(term, ()))
        hits = tuple(
            Hit(self.documents[d], score, self.snippet(self.documents[d].text, matched))
            for score, d in ranked
        )
        return WordResults(hits, spellings)

    def suggest_spellings(self, query: str) -> tuple[str, ...]:
        """Known words near each query word, for a "did you mean" when nothing matched."""
        suggestions: list[str] = []
        for surface, _ in self.analyzer.surface_terms(query)[:MAX_QUERY_TERMS]:
            if surface in self.surface_term or len(surface) < FUZZY_MIN:
                continue
            suggestions.extend(word for word, _ in self._nearest(surface, 2)[:2])
        return tuple(dict.fromkeys(suggestions))

    def snippet(self, text: str, matched_terms: set[str] | frozenset[str]) -> Markup:
        """A short, escaped extract of ``text`` around the matched words, which are marked."""
        words = self.analyzer.words(text)
        if not words:
            return Markup("")
        marks = [1 if w.term in matched_terms else 0 for w in words]
        span = min(SNIPPET_WORDS, len(words))
        window = sum(marks[:span])
        best_start, best = 0, window
        for start in range(1, len(words) - span + 1):
            window += marks[start + span - 1] - marks[start - 1]
            if window > best:
                best_start, best = start, window
        chosen = words[best_start : best_start + span]
        out: list[str] = ["\u2026 "] if best_start > 0 else []
        cursor = chosen[0].start
        for word, mark in zip(chosen, marks[best_start : best_start + span], strict=True):
            out.append(str(escape(text[cursor : word.start])))
            piece = str(escape(text[word.start : word.end]))
            out.append(f"<mark>{piece}</mark>" if mark else piece)
            cursor = word.end
        if best_start + span < len(words):
            out.append(" \u2026")
        else:
            out.append(str(escape(text[cursor:])))
        return Markup("".join(out))
