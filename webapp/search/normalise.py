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
"""

from __future__ import annotations

import re
from functools import lru_cache

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
_SENTENCE_DECIMAL = re.compile(r"(?<![\w\-\u2212])[-\u2212]?\d{9,10}(?!\w)")
# Something that looks like an attempt at a code but has the wrong number of digits.
_NEAR = re.compile(
    rf"(?<![0-9A-Za-z])(?:{_PREFIX}|(?=[cC][aA][aA]))(?P<digits>{_HEXISH}{{5,11}})(?![0-9A-Za-z])"
)

# "AADSTS50126", "AADSTS 50126", "aadsts-50126:"; and the sign-in page's "Error Code: 50126".
_AADSTS = re.compile(r"(?<![0-9A-Za-z])AADSTS[\s\-:#]?0*([1-9][0-9]{3,6})(?![0-9])", re.IGNORECASE)
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

MAX_QUERY_FOR_CODES = 200  # longer text is not scanned for codes


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


@lru_cache(maxsize=4096)
def normalise_code(text: str) -> str | None:
    """The canonical code in ``text``, or None when it holds no status code.

    The whole text is tried first (so "CAA2 OOO3" works), then a code inside a sentence.
    """
    text = text[:MAX_QUERY_FOR_CODES].strip(_EDGE_PUNCTUATION)
    entra = _AADSTS.search(text) or _ERROR_CODE.search(text)
    if entra:
        return f"AADSTS{entra[1]}"
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
    match = _SENTENCE_DECIMAL.search(text)
    if match:
        return _from_decimal(match.group())
    return None


def bare_number(text: str) -> int | None:
    """The number, when the whole text is a bare 4- to 7-digit number (``50126``, ``#12029``),
    or the number of a Microsoft 365 app's message (``Something went wrong [1001]``,
    ``error 1001``).

    Such a number may be an Entra code typed without ``AADSTS``, a network error number
    (12029) or a Microsoft 365 app's number; the resolver decides with what the catalogue holds.
    """
    text = text[:MAX_QUERY_FOR_CODES].strip(_EDGE_PUNCTUATION)
    match = (
        _BARE_NUMBER.fullmatch(text)
        or _BRACKETED_NUMBER.fullmatch(text)
        or _NUMBER_IN_BRACKETS.search(text)
    )
    return int(match[1]) if match else None


def near_code_digits(text: str) -> str | None:
    """The hex digits of something typed as a code but with too few or too many digits.

    "0xCAA2003" gives "CAA2003", so the caller can look for known codes a digit or two away.
    """
    text = text[:MAX_QUERY_FOR_CODES]
    compact = _SEPARATORS.sub("", text.strip(_EDGE_PUNCTUATION))
    match = _NEAR.fullmatch(compact) or _NEAR.search(text)
    if match is None:
        return None
    return match["digits"].translate(_MISREAD).upper()
