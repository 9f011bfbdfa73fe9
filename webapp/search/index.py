"""A ranked, forgiving full-text index over codes and page sections, built once per process.

Ranking is BM25F: each field (title, keywords, body …) has a weight, and a word's count in a
field is set against that field's own average length before the fields are added up and
saturated. So a long, thorough answer is discounted for its long body only, not for the words
its title and keywords hold, and a short entry that merely mentions a word once does not
outrank the answer whose keywords say it is about that word. A query word finds
its stem; the last word, or one the index does not know, also finds words it is the start of
("creden" -> "credentials"); a word still unknown is matched to the nearest known words by
edit distance with RapidFuzz ("proxxy" -> "proxy"). Results that match every query word rank
above, and displace, those that match only some; a phrase or a title match ranks higher.

Those forgiving matches are for showing results; whether the search *found* what was asked is
stricter (:attr:`WordResults.found`): a result must hold every query word itself, by its stem
or written together with its neighbour, not only a longer word it starts or a word it is a
typo of.

Neighbouring words are also indexed joined ("time out" -> "timeout"), which serves twice: it
lets "timeout" find "timed out", and a document holding the joined term of each neighbouring
pair of the query holds the query as a phrase.

Postings are NumPy arrays, so scoring a query is a handful of vector operations however many
documents a word is in. The index is immutable after :meth:`WordIndex.build`: safe to share
between threads and, with Gunicorn's ``preload_app``, between forked workers.
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from markupsafe import Markup, escape
from rapidfuzz import process
from rapidfuzz.distance import OSA

from webapp.content.model import PAGE
from webapp.search.text import Analyzer

K1, B = 1.2, 0.75
MAX_QUERY_TERMS = 8
PREFIX_MIN, PREFIX_MAX_EXPANSIONS = 3, 12
FUZZY_MIN = 4
PREFIX_FACTOR = 0.8
# A whole word that is itself in the text ("password") stands first for itself: longer words
# it starts (Microsoft's names such as PasswordChangeFailure) count less than for a prefix.
WORD_PREFIX_FACTOR = 0.5
JOINED_FACTOR = 1.0  # a joined neighbour pair counts like a word
FUZZY_FACTORS = {1: 0.7, 2: 0.5}
# A query of several words found together (a phrase; part of one earns part of the bonus) in
# the text or in a title, or all of them
# in a title. Not for one word: the title's field weight already says it, and a short entry
# whose title merely holds the word ("out of date") must not outrank the answer about it.
PHRASE_BONUS, TITLE_BONUS, TITLE_PHRASE_BONUS = 1.6, 1.5, 3.0
# A query that is a whole title, word for word ("why can't I sign in"), is that document.
EXACT_TITLE_BONUS = 100.0
# Pages for IT rank below the person's own unless the query holds IT's own words: words that
# more than twice as many sections for IT hold as other pages' sections ("dsregcmd").
FOR_IT_FACTOR = 0.4
# A long sentence may hold a word the answer lacks ("won't *let* me sign in after a password
# change"): a query of LONG_QUERY words or more keeps results missing one word in three.
LONG_QUERY = 4
RERANK_DEPTH = 1000  # title bonuses are applied to this many best candidates
SNIPPET_WORDS = 30


@dataclass(frozen=True, slots=True)
class Field:
    """A kind of text a document has: its weight, and how much its length is discounted."""

    name: str
    weight: float
    length_discount: float = B  # BM25's b for this field: 0 none, 1 in full


@dataclass(frozen=True, slots=True)
class Document:
    """Something a word search can return: a code, or one heading section of a page."""

    kind: str  # CODE or PAGE (webapp.content.model)
    key: str  # the code, or the page slug
    anchor: str  # the section's heading id ("" for a code or a page's opening text)
    title: str
    text: str  # plain text the snippet is cut from
    boost: float = 1.0  # how much more this document counts than an ordinary one
    for_it: bool = False  # written for IT administrators rather than for the person
    language: str = "en"  # the language it is written in (the default one when untranslated)


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
    # Whether one of the hits holds every query word exactly (by stem or joined), so that
    # the search counts as found; prefix and typo matches are shown but do not count.
    found: bool = False


@dataclass(frozen=True, slots=True)
class Posting:
    """The documents a term is in, and how much it weighs in each (BM25)."""

    documents: np.ndarray  # int32, ascending
    weights: np.ndarray  # float32, same length


@dataclass(slots=True)
class _Expansion:
    """The index terms one query word stands for, each with how much a match counts."""

    terms: dict[str, float] = field(default_factory=dict)
    exact: list[str] = field(default_factory=list)  # the word itself, or it joined to a neighbour
    spelling: str | None = None


class _TermIds(dict[str, int]):
    """Term -> a number, numbering new terms in the order they come (a C-speed look-up)."""

    def __missing__(self, term: str) -> int:
        number = self[term] = len(self)
        return number


class WordIndex:
    """Inverted index with precomputed BM25 weights. Build with :meth:`build`."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        # Snippets re-read a result's text; the same results come up again and again.
        self._words_of = functools.lru_cache(maxsize=4096)(analyzer.words)
        self.documents: list[Document] = []
        self.boosts = np.ones(0, dtype=np.float32)
        self.for_it = np.zeros(0, dtype=bool)
        self.it_terms: frozenset[str] = frozenset()
        self.postings: dict[str, Posting] = {}
        self.title_terms: list[frozenset[str]] = []
        self.title_phrases: list[str] = []  # folded title words, stop words kept, " "-joined
        self.joined_parts: dict[str, tuple[str, str]] = {}
        self.surface_term: dict[str, str] = {}
        self.sorted_surfaces: list[str] = []
        self.surfaces_by_length: dict[int, list[str]] = {}

    @classmethod
    def build(
        cls,
        analyzer: Analyzer,
        entries: Iterable[tuple[Document, list[tuple[str, Field]]]],
    ) -> WordIndex:
        """Index documents, each given with its fields as (text, field) pairs.

        The first field is taken as the title.
        """
        index = cls(analyzer)
        # One row per word occurrence: (document, term id, field). The term frequencies, BM25F
        # weights and postings are then computed with NumPy in one go.
        vocabulary = _TermIds()
        field_ids: dict[Field, int] = {}
        rows_document: list[int] = []
        rows_term: list[int] = []
        rows_field: list[int] = []
        rows_share: list[float] = []  # a joined neighbour pair counts JOINED_FACTOR of a word
        lengths: list[tuple[int, int, int]] = []  # (document, field, words)
        for doc_id, (document, fields) in enumerate(entries):
            for position, (text, kind) in enumerate(fields):
                field_id = field_ids.setdefault(kind, len(field_ids))
                pairs = analyzer.surface_terms(text)
                terms = [t for _, t in pairs]
                index.surface_term.update(pairs)
                neighbours = list(itertools.pairwise(terms))
                joined = [a + b for a, b in neighbours]
                index.joined_parts.update(zip(joined, neighbours, strict=True))
                ids = list(map(vocabulary.__getitem__, terms + joined))
                rows_term.extend(ids)
                rows_document.extend([doc_id] * len(ids))
                rows_field.extend([field_id] * len(ids))
                rows_share.extend([1.0] * len(terms) + [JOINED_FACTOR] * len(joined))
                lengths.append((doc_id, field_id, len(terms)))
                if position == 0:
                    index.title_terms.append(frozenset(terms))
                    index.title_phrases.append(f" {' '.join(analyzer.surfaces(text))} ")
            index.documents.append(document)
        index.boosts = np.asarray([d.boost for d in index.documents], dtype=np.float32)
        index.for_it = np.asarray([d.for_it for d in index.documents], dtype=bool)
        if not index.documents or not vocabulary:
            return index

        count, size = len(index.documents), len(vocabulary)
        kinds = sorted(field_ids, key=field_ids.__getitem__)
        # Each field's length in each document, and its average over the documents that have
        # the field: a title is long or short among titles, a body among bodies.
        field_length = np.zeros((count, len(kinds)), dtype=np.float32)
        for doc_id, field_id, words in lengths:
            field_length[doc_id, field_id] += words
        has_field = field_length > 0
        average = field_length.sum(axis=0) / np.maximum(has_field.sum(axis=0), 1)
        discount = np.asarray([k.length_discount for k in kinds], dtype=np.float32)
        weight = np.asarray([k.weight for k in kinds], dtype=np.float32)
        norms = 1 - discount + discount * field_length / np.maximum(average, 1e-9)
        # Sum each (document, term) pair's occurrences over the fields, each weighed by its
        # field and set against the field's length: BM25F's pseudo-frequency.
        document_ids = np.asarray(rows_document, dtype=np.int64)
        field_index = np.asarray(rows_field, dtype=np.int64)
        share = (
            np.asarray(rows_share, dtype=np.float32)
            * weight[field_index]
            / norms[document_ids, field_index]
        )
        keys = document_ids * size + np.asarray(rows_term)
        unique_keys, inverse = np.unique(keys, return_inverse=True)
        tf = np.bincount(inverse, weights=share).astype(np.float32)
        documents = (unique_keys // size).astype(np.int32)
        term_ids = unique_keys % size
        document_frequency = np.bincount(term_ids, minlength=size)
        idf = np.log1p((count - document_frequency + 0.5) / (document_frequency + 0.5))
        weights = (idf[term_ids] * tf * (K1 + 1) / (tf + K1)).astype(np.float32)
        # Group by term; a stable sort keeps each term's documents in ascending order.
        order = np.argsort(term_ids, kind="stable")
        bounds = np.searchsorted(term_ids[order], np.arange(size + 1))
        documents, weights = documents[order], weights[order]
        for term, term_id in vocabulary.items():
            start, end = bounds[term_id], bounds[term_id + 1]
            index.postings[term] = Posting(documents[start:end], weights[start:end])
        index.it_terms = index._terms_of_it()
        index.sorted_surfaces = sorted(index.surface_term)
        by_length: dict[int, list[str]] = defaultdict(list)
        for surface in index.sorted_surfaces:
            by_length[len(surface)].append(surface)
        index.surfaces_by_length = dict(by_length)
        return index

    def _terms_of_it(self) -> frozenset[str]:
        """Words (not joined pairs) in more than twice as many sections for IT as other pages."""
        if not self.for_it.any():
            return frozenset()
        pages = np.asarray([d.kind == PAGE for d in self.documents], dtype=bool)
        own: set[str] = set()
        for term in set(self.surface_term.values()):
            posting = self.postings.get(term)
            if posting is None:
                continue
            in_it = int(self.for_it[posting.documents].sum())
            if in_it > 2 * int((pages & ~self.for_it)[posting.documents].sum()):
                own.add(term)
        return frozenset(own)

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
            expansion.exact.append(term)
        if len(surface) >= PREFIX_MIN and (is_last or not expansion.terms):
            whole_word = bool(expansion.terms)
            for found, factor in self._prefixed(surface).items():
                expansion.terms.setdefault(found, WORD_PREFIX_FACTOR if whole_word else factor)
        if not expansion.terms and len(surface) >= FUZZY_MIN:
            max_distance = 1 if len(surface) <= 5 else 2
            for word, distance in self._nearest(surface, max_distance):
                expansion.terms.setdefault(self.surface_term[word], FUZZY_FACTORS[distance])
                expansion.spelling = expansion.spelling or word
        return expansion

    def _position_scores(self, alternatives: dict[str, float]) -> np.ndarray:
        """Best weight of each document over the terms one query word stands for."""
        best = np.zeros(len(self.documents), dtype=np.float32)
        for term, factor in alternatives.items():
            posting = self.postings[term]
            ids = posting.documents
            best[ids] = np.maximum(best[ids], posting.weights * np.float32(factor))
        return best

    def search(self, query: str, limit: int = 10) -> WordResults:
        """The best ``limit`` documents for a free-text query."""
        pairs = self.analyzer.surface_terms(query)[:MAX_QUERY_TERMS]
        if not pairs or limit <= 0 or not self.documents:
            return WordResults()
        terms = [t for _, t in pairs]
        expansions = [
            self._expand(surface, term, i == len(pairs) - 1)
            for i, (surface, term) in enumerate(pairs)
        ]
        # Words written apart in the query but together in the text ("time out" / "timeout"):
        # the joined word counts, half its weight, for each of the two query words.
        joined = [a + b for a, b in itertools.pairwise(terms)]
        for i, word in enumerate(joined):
            if word in self.postings:
                for position in (i, i + 1):
                    expansions[position].terms.setdefault(word, 0.5)
                    expansions[position].exact.append(word)
        spellings = tuple(e.spelling for e in expansions if e.spelling)

        scores = np.zeros(len(self.documents), dtype=np.float32)
        covered = np.zeros(len(self.documents), dtype=np.int8)
        for expansion in expansions:
            if expansion.terms:
                best = self._position_scores(expansion.terms)
                scores += best
                covered += best > 0
        most = int(covered.max())
        if most == 0:
            return WordResults((), spellings)
        scores *= self.boosts
        if not any(term in self.it_terms for e in expansions for term in e.exact):
            scores[self.for_it] *= FOR_IT_FACTOR
        # More words narrow the results: only the documents matching the most words stay (in
        # a long query, all but one word in three).
        slack = len(expansions) // 3 if len(expansions) >= LONG_QUERY else 0
        least = max(most - slack, 1 if most == 1 else 2)
        candidates = np.flatnonzero(covered >= least)
        if joined:
            # The query's neighbouring words found next to each other: the whole query as a
            # phrase earns PHRASE_BONUS, and part of it the same share of the bonus's power.
            pairs_held = np.zeros(len(self.documents), dtype=np.float32)
            for word in joined:
                if word in self.postings:
                    pairs_held[self.postings[word].documents] += 1
            scores *= np.float32(PHRASE_BONUS) ** (pairs_held / len(joined))

        candidate_scores = scores[candidates]
        if len(candidates) > RERANK_DEPTH:
            keep = np.argpartition(-candidate_scores, RERANK_DEPTH)[:RERANK_DEPTH]
            candidates, candidate_scores = candidates[keep], candidate_scores[keep]
        query_terms = frozenset(terms)
        # The whole query, stop words too, as words of a title: "why can't I sign in".
        query_phrase = f" {' '.join(self.analyzer.surfaces(query))} "
        several = len(query_terms) > 1
        ranked = []
        for doc_id, score in zip(candidates.tolist(), candidate_scores.tolist(), strict=True):
            if query_phrase == self.title_phrases[doc_id]:
                score *= EXACT_TITLE_BONUS
            elif several and query_phrase in self.title_phrases[doc_id]:
                score *= TITLE_PHRASE_BONUS
            elif several and query_terms <= self.title_terms[doc_id]:
                score *= TITLE_BONUS
            ranked.append((score, doc_id))
        ranked.sort(key=lambda pair: (-pair[0], pair[1]))  # ties: content order

        matched: set[str] = set()
        for expansion in expansions:
            matched.update(expansion.terms)
        for term in list(matched):
            matched.update(self.joined_parts.get(term, ()))
        hits = tuple(
            Hit(self.documents[doc_id], score, self.snippet(self.documents[doc_id].text, matched))
            for score, doc_id in ranked[:limit]
        )
        found = any(self._holds_every_word(doc_id, expansions) for _, doc_id in ranked[:limit])
        return WordResults(hits, spellings, found)

    def _holds_every_word(self, doc_id: int, expansions: list[_Expansion]) -> bool:
        """Whether the document has, for each query word, the word's own term or a joined one."""
        return all(
            any(_posting_has(self.postings[term], doc_id) for term in expansion.exact)
            for expansion in expansions
        )

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
        words = self._words_of(text)
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
        # Escaped in stretches between the marked words, not word by word: the escaping is
        # most of a search's cost otherwise.
        cursor = chosen[0].start
        for word, mark in zip(chosen, marks[best_start : best_start + span], strict=True):
            if mark:
                out.append(str(escape(text[cursor : word.start])))
                out.append(f"<mark>{escape(text[word.start : word.end])}</mark>")
                cursor = word.end
        if best_start + span < len(words):
            out.append(str(escape(text[cursor : chosen[-1].end])))
            out.append(" \u2026")
        else:
            out.append(str(escape(text[cursor:])))
        return Markup("".join(out))


def _posting_has(posting: Posting, doc_id: int) -> bool:
    """Whether ``doc_id`` is in the posting (its documents are in ascending order)."""
    at = int(np.searchsorted(posting.documents, doc_id))
    return at < len(posting.documents) and int(posting.documents[at]) == doc_id
