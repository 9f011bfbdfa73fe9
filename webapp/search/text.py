"""Text analysis shared by indexing and querying: words, folding, stop words, stemming.

The same :class:`Analyzer` turns content and queries into terms, so that "timed out",
"time-out" and "timeout" meet: words are stemmed (Snowball), and each pair of neighbouring
words is also indexed joined ("time" + "out" = "timeout").
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

# A word may hold apostrophes ("can't"); they are dropped from its surface form ("cant").
_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")

ENGLISH_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "cant",
        "could",
        "did",
        "do",
        "does",
        "doesnt",
        "dont",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "im",
        "in",
        "into",
        "is",
        "isnt",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "so",
        "such",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "wont",
        "would",
        "you",
        "your",
        "yours",
    ]
)


@dataclass(frozen=True, slots=True)
class Word:
    """A word of a text: where it is, what it looked like, and the term it stands for."""

    start: int
    end: int
    surface: str  # folded, lower-case form as written
    term: str  # stemmed form used in the index; "" for a stop word


class Analyzer:
    """Splits text into words and maps each to its index term."""

    def __init__(self, language: str = "english", stop_words: frozenset[str] = ENGLISH_STOP_WORDS):
        self.language = language
        self.stop_words = stop_words
        self._stemmer = snowballstemmer.stemmer(language)
        self.term = lru_cache(maxsize=65536)(self._term)

    @staticmethod
    def fold(text: str) -> str:
        """Lower-case, drop apostrophes and accents: "Can't" -> "cant", "café" -> "cafe"."""
        text = text.casefold().replace("'", "").replace("\u2019", "")
        if text.isascii():
            return text
        decomposed = unicodedata.normalize("NFKD", text)
        return "".join(c for c in decomposed if not unicodedata.combining(c))

    def _term(self, surface: str) -> str:
        if surface in self.stop_words:
            return ""
        return self._stemmer.stemWord(surface)

    def words(self, text: str) -> list[Word]:
        """Every word of ``text`` with its position, surface form and term."""
        out = []
        for match in _WORD.finditer(text):
            surface = self.fold(match.group())
            out.append(Word(match.start(), match.end(), surface, self.term(surface)))
        return out

    def surfaces(self, text: str) -> list[str]:
        """Every word of ``text`` in folded form, stop words included."""
        return [self.fold(w) for w in _WORD.findall(text)]

    def terms(self, text: str) -> list[str]:
        """The index terms of ``text`` in order, stop words left out."""
        return [t for t in (self.term(s) for s in self.surfaces(text)) if t]

    def surface_terms(self, text: str) -> list[tuple[str, str]]:
        """(surface, term) pairs of ``text`` in order, stop words left out."""
        pairs = ((s, self.term(s)) for s in self.surfaces(text))
        return [(s, t) for s, t in pairs if t]


def joined_pairs(terms: list[str]) -> list[str]:
    """Neighbouring terms written together: ["time", "out"] -> ["timeout"]."""
    return [a + b for a, b in itertools.pairwise(terms)]
