"""Turn a status code, however it was typed, into its canonical form.

Two kinds of code reach us: Windows status codes (canonical ``0x`` + 8 hex digits) and Microsoft
Entra sign-in errors (canonical ``AADSTS`` + the number). For the Entra ones the normaliser
accepts ``AADSTS50126``, ``AADSTS 50126``, ``error AADSTS50076:`` and ``Error Code: 50126``,
also inside a pasted message. A bare number (``50126``) could be two things, so it is not a code
here: :func:`bare_number` hands it to the resolver, which knows what the catalogue holds.

People copy a hex code from a small corner of a window, often onto another device, so the
normaliser forgives:

- case, an optional ``0x``/``0X`` prefix, spaces, dashes, dots and underscores inside or around
  the code, trailing punctuation, and a code inside a sentence ("error 0xcaa90018 at sign-in");
- letters misread for digits: O/o for 0, I/i/l for 1 (also in the prefix: "Oxcaa20003");
- the decimal forms other tools print for the same 32-bit value, unsigned (3399614467) and
  signed (-895352829);
- a Windows error typed short ("error 4c7", "0x4C7"): the Win32 error that ``0x8007xxxx``
  wraps, so ``0x800704C7``. Without ``0x`` it needs a letter; "error 1001" is a number.

A bare run of eight hex-like letters (like "official") is a word, not a code: a code needs a
``0x`` prefix, a ``CAA`` start, or at least one real digit.

What people paste is messier than a code, so before it is read the text is folded to its
compatibility form (NFKC: the full-width letters and digits of an input method become
ASCII), and the IDs, phone numbers and addresses in it are masked
(:mod:`webapp.search.identifiers`): a GUID, or a part of one, is never a code. A 9- or 10-digit
number inside a sentence is a code only next to a word such as "error", "code", "status" or
"Fehler"; otherwise :func:`sentence_decimals` offers it to the resolver, which takes it only when
it is a known code's decimal form (a ticket or phone number is not). The whole of a long paste is
read, up to :data:`MAX_QUERY_FOR_CODES` characters, so a code after the IDs is found.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from webapp.search.identifiers import mask_identifiers

_MISREAD = str.maketrans("oOiIlL", "001111")
_HEXISH = "[0-9A-Fa-fOoIil]"
_SEPARATORS = re.compile(r"[\s\-._\u2010-\u2015]+")
_EDGE_PUNCTUATION = " \t\r\n.,;:!?()[]{}<>\"'`\u2018\u2019\u201c\u201d"
_PREFIX = "[0oO][xX]"

_WHOLE_HEX = re.compile(rf"(?P<prefix>{_PREFIX})?(?P<digits>{_HEXISH}{{8}})")
_WHOLE_DECIMAL = re.compile(r"[-\u2212]?\d{9,10}")
# Inside a sentence a code may carry separators only when it is clearly a code: it has the
# 0x prefix or starts with CAA. Otherwise it must be one unbroken run of eight characters.
_SENTENCE_MARKED = re.compile(
    rf"(?<![0-9A-Za-z])(?:(?P<prefix>{_PREFIX})[\s\-.]?|(?=[cC][aA][aA]))"
    rf"(?P<digits>{_HEXISH}(?:[\s\-.]?{_HEXISH}){{7}})(?![0-9A-Za-z])"
)
_SENTENCE_PLAIN = re.compile(rf"(?<![0-9A-Za-z])(?P<digits>{_HEXISH}{{8}})(?![0-9A-Za-z])")
_SENTENCE_DECIMAL = re.compile(r"(?<![\w\-\u2212])[-\u2212]?[1-9]\d{8,9}(?!\w)")
# Words that say the number next to them is a code: "error 50126", "50126 error", "Fehlercode:
# 50126", "status code -895352829".
_CODE_WORD = r"(?:(?:error|status)[\s\-]*code|error|code|status|fehler\w*|hresult)"
_LABEL_BEFORE = re.compile(rf"(?<![A-Za-z]){_CODE_WORD}\s*[:#=]?\s*#?$", re.IGNORECASE)
_LABEL_AFTER = re.compile(rf"\s*[:)]?\s*{_CODE_WORD}(?![A-Za-z])", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w\-\u2212#])#?0*([1-9][0-9]{3,6})(?![\w\-])")
# Something that looks like an attempt at a code but has the wrong number of digits.
_NEAR = re.compile(
    rf"(?<![0-9A-Za-z])(?:{_PREFIX}|(?=[cC][aA][aA]))(?P<digits>{_HEXISH}{{5,11}})(?![0-9A-Za-z])"
)

# "AADSTS50126", "AADSTS 50126", "aadsts-50126:"; and the sign-in page's "Error Code: 50126".
# The letter O inside the number is a misread 0 ("aadsts5O126").
_AADSTS = re.compile(
    r"(?<![0-9A-Za-z])AADSTS[\s\-:#]?[0Oo]*([1-9][0-9Oo]{3,6})(?![0-9])", re.IGNORECASE
)
_ERROR_CODE = re.compile(
    r"(?<![0-9A-Za-z])error\s*code\s*[:#=]?\s*0*([1-9][0-9]{3,6})(?![0-9])", re.I
)
_BARE_NUMBER = re.compile(r"#?0*([1-9][0-9]{3,6})")
# Microsoft 365 apps show a number in brackets: "Something went wrong. [1001]", in German
# "Etwas ist schiefgelaufen. [1001]". People type it as "error 1001" too, or paste the whole
# line. Which code the number is, is the resolver's question (53003 is AADSTS53003).
_BRACKETED_NUMBER = re.compile(
    r"(?:.*[\[(]|(?:.*\bwent\s+wrong|error)\W*)\s*#?0*([1-9][0-9]{3,6})\s*[\])]?", re.I | re.S
)
_NUMBER_IN_BRACKETS = re.compile(r"[\[(]\s*#?0*([1-9][0-9]{3,6})\s*[\])]")
# A Windows error typed short, as people copy it: "error 4c7", "0x4C7", "[4c7]": the Win32
# error number that 0x8007xxxx wraps. Without 0x it needs a letter (else it is a decimal
# number) and a digit (else it is a word: "face", "cafe").
_SHORT_WIN32 = re.compile(
    r"(?:error\s*(?:code\s*)?[:#]?\s*|[\[(]\s*)?(?:0x(?P<hex>[0-9a-f]{1,4})"
    r"|(?P<lettered>(?=[0-9a-f]{0,3}[a-f])(?=[a-f]{0,3}[0-9])[0-9a-f]{3,4}))\s*[\])]?",
    re.I,
)

# Longer text is not read for codes: a whole "More details" block is a few hundred characters.
MAX_QUERY_FOR_CODES = 2000


def _looks_like_code(prefix: str | None, digits: str) -> bool:
    return bool(prefix) or digits[:3].upper() == "CAA" or any(c.isdigit() for c in digits)


def _canonical(digits: str) -> str:
    return "0x" + _SEPARATORS.sub("", digits).translate(_MISREAD).upper()


def _from_decimal(text: str) -> str | None:
    value = int(text.replace("\u2212", "-"))
    if -(2**31) <= value < 0:
        value += 2**32
    if 0 <= value < 2**32:
        return f"0x{value:08X}"
    return None


@lru_cache(maxsize=1024)
def _readable(text: str) -> str:
    """``text`` as the code reader sees it: bounded, folded, its IDs masked, edges trimmed."""
    text = unicodedata.normalize("NFKC", text[:MAX_QUERY_FOR_CODES])[:MAX_QUERY_FOR_CODES]
    return mask_identifiers(text).strip(_EDGE_PUNCTUATION)


@lru_cache(maxsize=4096)
def normalise_code(text: str) -> str | None:
    """The canonical code in ``text``, or None when it holds no status code.

    The whole text is tried first (so "CAA2 OOO3" works), then a code inside a sentence.
    """
    text = _readable(text)
    entra = _AADSTS.search(text) or _ERROR_CODE.search(text)
    if entra:
        return "AADSTS" + entra[1].translate(_MISREAD)
    if _WHOLE_DECIMAL.fullmatch(text):
        return _from_decimal(text)
    short = _SHORT_WIN32.fullmatch(text)
    if short:
        return f"0x8007{int(short['hex'] or short['lettered'], 16):04X}"
    compact = _SEPARATORS.sub("", text)
    match = _WHOLE_HEX.fullmatch(compact)
    if match and _looks_like_code(match["prefix"], match["digits"]):
        return _canonical(match["digits"])
    return _find_in_sentence(text)


def _find_in_sentence(text: str) -> str | None:
    match = _SENTENCE_MARKED.search(text)
    if match:
        return _canonical(match["digits"])
    for match in _SENTENCE_PLAIN.finditer(text):
        if _looks_like_code(None, match["digits"]):
            return _canonical(match["digits"])
    for match in _SENTENCE_DECIMAL.finditer(text):
        if _labelled(text, match):
            return _from_decimal(match.group())
    return None


def _labelled(text: str, match: re.Match[str]) -> bool:
    """Is the number ``match`` found in ``text`` next to a word that says it is a code?"""
    before = text[max(0, match.start() - 20) : match.start()]
    return bool(_LABEL_BEFORE.search(before) or _LABEL_AFTER.match(text, match.end()))


def sentence_decimals(text: str) -> tuple[str, ...]:
    """The codes that the 9- or 10-digit numbers of a sentence would be, as decimal forms.

    Without a word saying so, such a number is as likely a ticket or phone number: the resolver
    takes one only when the catalogue has its code.
    """
    text = _readable(text)
    found = (_from_decimal(match.group()) for match in _SENTENCE_DECIMAL.finditer(text))
    return tuple(code for code in found if code is not None)


def bare_number(text: str) -> int | None:
    """The number, when the text is a bare 4- to 7-digit number (``50126``, ``#12029``), the
    number of a Microsoft 365 app's message (``Something went wrong [1001]``, ``error 1001``), or
    one next to a word that says it is a code (``error 50126``, ``50126 error``,
    ``Fehlercode: 50126``).

    Such a number may be an Entra code typed without ``AADSTS``, a network error number
    (12029) or a Microsoft 365 app's number; the resolver decides with what the catalogue holds.
    """
    text = _readable(text)
    match = (
        _BARE_NUMBER.fullmatch(text)
        or _BRACKETED_NUMBER.fullmatch(text)
        or _NUMBER_IN_BRACKETS.search(text)
    )
    if match:
        return int(match[1])
    for match in _NUMBER.finditer(text):
        if _labelled(text, match):
            return int(match[1])
    return None


def near_code_digits(text: str) -> str | None:
    """The hex digits of something typed as a code but with too few or too many digits.

    "0xCAA2003" gives "CAA2003", so the caller can look for known codes a digit or two away.
    """
    text = _readable(text)
    compact = _SEPARATORS.sub("", text)
    match = _NEAR.fullmatch(compact) or _NEAR.search(text)
    if match is None:
        return None
    return match["digits"].translate(_MISREAD).upper()
