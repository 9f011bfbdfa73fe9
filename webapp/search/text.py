"""Text analysis shared by indexing and querying: words, folding, stop words, stemming.

The same :class:`Analyzer` turns content and queries into terms, so that "timed out",
"time-out" and "timeout" meet: words are stemmed (Snowball), and each pair of neighbouring
words is also indexed joined ("time" + "out" = "timeout").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import snowballstemmer

# A word may hold apostrophes ("can't"); they are dropped from its surface form ("cant").
_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")

ENGLISH_STOP_WORDS = frozenset(
    (
        "a an and are as at be but by can cant could did do does doesnt dont for from had has "
        "have how i if im in into is isnt it its me my no not of on or our so such that the "
        "their then there these they this to was we were what when where which who why will "
        "with wont would you your yours"
    ).split()
)

GERMAN_STOP_WORDS = frozenset(
    (
        "aber als am an auch auf aus bei bin bis bist da damit dann das dass dem den der des "
        "die dies diese dieser dieses dich dir du durch ein eine einem einen einer eines er es für "
        "hat hatte ich ihr im in ist ja kann kein keine man mein meine mich mir mit muss nach "
        "nicht noch nur ob "
        "oder ohne sich sie sind so um und uns von vor war warum was weil wenn wer wie wir "
        "wird wo zu zum zur"
    ).split()
)

FRENCH_STOP_WORDS = frozenset(
    (
        "a au aux avec ce ces cet cette dans de des du elle en est et eux il ils je la le les "
        "leur lui ma mais me mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se "
        "ses son sur ta te tes toi ton tu un une vos votre vous y suis ai"
    ).split()
)

SPANISH_STOP_WORDS = frozenset(
    (
        "a al algo como con de del el ella en entre era es esa ese eso esta este esto ha hay "
        "la las le les lo los me mi mis muy no nos o para pero por porque que se si sin su sus "
        "te tu un una uno unos y ya yo"
    ).split()
)

# Snowball stemmers by ISO 639-1 code: a new language's content folder gets its stemmer
# without code changes. Stop words are only a refinement, so languages without a list work.
SNOWBALL_LANGUAGES = {
    "da": "danish",
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "hu": "hungarian",
    "it": "italian",
    "nl": "dutch",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
    "tr": "turkish",
}
STOP_WORDS = {
    "en": ENGLISH_STOP_WORDS,
    "de": GERMAN_STOP_WORDS,
    "fr": FRENCH_STOP_WORDS,
    "es": SPANISH_STOP_WORDS,
}
# French and Italian join an article or pronoun to the next word with an apostrophe
# ("l'authentification", "d'accès", "dell'account"): the word is what follows it.
ELISIONS = {
    "fr": frozenset("c d j l m n qu s t jusqu lorsqu puisqu quoiqu".split()),
    "it": frozenset("l d dell nell all dall sull un quest quell c".split()),
}
# The English content is written in British spelling; American spellings people type
# ("license", "organization") stem differently, so their stems are mapped onto the British ones.
SPELLING_VARIANTS = {
    "en": {"licens": "licenc", "unlicens": "unlicenc", "organiz": "organis", "recogn": "recognis"}
}
# German readers write umlauts out when their keyboard lacks them ("zeitueberschreitung");
# folding both spellings to the written-out form makes them one word.
TRANSLITERATIONS = {"de": str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})}


@dataclass(frozen=True, slots=True)
class Word:
    """A word of a text: where it is, what it looked like, and the term it stands for."""

    start: int
    end: int
    surface: str  # folded, lower-case form as written
    term: str  # stemmed form used in the index; "" for a stop word


def fold(text: str, transliteration: dict[int, str] | None = None) -> str:
    """Lower-case, drop apostrophes and accents: "Can't" -> "cant", "café" -> "cafe"."""
    text = text.lower().replace("'", "").replace("\u2019", "")
    if transliteration and not text.isascii():
        text = text.translate(transliteration)
    text = text.casefold()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Analyzer:
    """Splits text into words and maps each to its index term, for one language."""

    def __init__(self, language: str = "en") -> None:
        self.language = language
        base = language.split("-")[0]  # "it-it", "pt-br": the language's own rules
        self.stop_words = STOP_WORDS.get(base, frozenset())
        self._transliteration = TRANSLITERATIONS.get(base)
        self._stemmer = snowballstemmer.stemmer(SNOWBALL_LANGUAGES.get(base, "english"))
        self._variants = SPELLING_VARIANTS.get(base, {})
        self._elisions = ELISIONS.get(base, frozenset())
        # word as written -> (surface, term); content has a small vocabulary, so this stays
        # small, and it turns the analysis of each word into one dictionary look-up.
        self._known: dict[str, tuple[str, str]] = {}

    def analyse(self, word: str) -> tuple[str, str]:
        """(surface, term) of one word as written; the term is "" for a stop word."""
        known = self._known.get(word)
        if known is None:
            surface = fold(self._drop_elision(word), self._transliteration)
            term = "" if surface in self.stop_words else self._stemmer.stemWord(surface)
            term = self._variants.get(term, term)
            known = (surface, term)
            if len(self._known) < 200_000:  # bounded: queries can bring any word
                self._known[word] = known
        return known

    def _drop_elision(self, word: str) -> str:
        """``l'authentification`` -> ``authentification`` in a language that elides."""
        if self._elisions:
            head, apostrophe, rest = word.replace("\u2019", "'").partition("'")
            if apostrophe and rest and head.lower() in self._elisions:
                return rest
        return word

    def words(self, text: str) -> list[Word]:
        """Every word of ``text`` with its position, surface form and term."""
        analyse = self.analyse
        return [Word(m.start(), m.end(), *analyse(m.group())) for m in _WORD.finditer(text)]

    def surfaces(self, text: str) -> list[str]:
        """Every word of ``text`` in folded form, stop words included."""
        analyse = self.analyse
        return [analyse(w)[0] for w in _WORD.findall(text)]

    def surface_terms(self, text: str) -> list[tuple[str, str]]:
        """(surface, term) pairs of ``text`` in order, stop words left out."""
        analyse = self.analyse
        return [pair for pair in map(analyse, _WORD.findall(text)) if pair[1]]
