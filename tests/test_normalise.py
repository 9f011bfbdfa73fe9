"""The code normaliser: every way people type a code gives the canonical 0x + 8 hex digits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webapp.search.normalise import MAX_QUERY_FOR_CODES, near_code_digits, normalise_code


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0xCAA20003", "0xCAA20003"),
        ("0xcaa20003", "0xCAA20003"),
        ("0XCAA20003", "0xCAA20003"),
        ("CAA20003", "0xCAA20003"),
        ("caa20003", "0xCAA20003"),
        ("  0xCAA20003  ", "0xCAA20003"),
        ("0xCAA20003.", "0xCAA20003"),
        ("0xCAA20003!?", "0xCAA20003"),
        ('"0xCAA20003"', "0xCAA20003"),
        ("(0xCAA20003)", "0xCAA20003"),
        ("0x CAA2 0003", "0xCAA20003"),
        ("CAA2-0003", "0xCAA20003"),
        ("caa2.0003", "0xCAA20003"),
        ("C A A 2 0 0 0 3", "0xCAA20003"),
        ("0xCAA2\u20130003", "0xCAA20003"),  # en dash from a phone keyboard
        # letters misread for digits
        ("Oxcaa20003", "0xCAA20003"),
        ("oXCAA20003", "0xCAA20003"),
        ("CAA2OOO3", "0xCAA20003"),
        ("0xCAA2oo03", "0xCAA20003"),
        ("0xCAA9OOI8", "0xCAA90018"),
        ("0xCAA9OOl8", "0xCAA90018"),
        # decimal forms of the same 32-bit value
        ("3399614467", "0xCAA20003"),
        ("-895352829", "0xCAA20003"),
        ("\u2212895352829", "0xCAA20003"),
        ("3400019682", "0xCAA82EE2"),
        # a code inside a sentence
        ("error 0xcaa90018 when signing in", "0xCAA90018"),
        ("Teams says CAA82EE2 again", "0xCAA82EE2"),
        ("I got 0x CAA7 0004 this morning", "0xCAA70004"),
        ("code: caa20004, help", "0xCAA20004"),
        ("status code -895352829 in the log", "0xCAA20003"),
        ("error 4294967295 everywhere", "0xFFFFFFFF"),
        # codes outside the CAA range are still codes
        ("0x80070005", "0x80070005"),
        ("80070005", "0x80070005"),
    ],
)
def test_typed_forms_normalise_to_the_canonical_code(typed: str, expected: str) -> None:
    assert normalise_code(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "proxy",
        "official",  # eight letters that all look like hex or misread digits
        "deadbeef",
        "timed out",
        "0xCAA2003",  # seven digits
        "0xCAA200033",  # nine digits
        "4294967296",  # one past the 32-bit range
        "-2147483649",
        "12002",
        "smart card PIN",
        "my official feedback",
    ],
)
def test_text_without_a_code_is_not_a_code(typed: str) -> None:
    assert normalise_code(typed) is None


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("0xCAA2003", "CAA2003"),
        ("caa820ee22", "CAA820EE22"),
        ("Oxcaa2OO3", "CAA2003"),
        ("error 0xCAA2003 today", "CAA2003"),
    ],
)
def test_near_codes_keep_their_digits_for_did_you_mean(typed: str, digits: str) -> None:
    assert near_code_digits(typed) == digits


@pytest.mark.parametrize("word", ["facade", "office", "decade", "Office", "credentials"])
def test_words_spelt_in_hex_letters_are_not_near_codes(word: str) -> None:
    """Only a code's own start (0x, or CAA) makes a run of hex-like letters a near code:
    "facade" is all hex digits, "office" all hex once O and I are read as 0 and 1."""
    assert near_code_digits(word) is None


# The normaliser runs on every search and code URL: it must never raise, whatever arrives.
# The deadline is generous (it takes microseconds); it only catches runaway backtracking.
@settings(max_examples=500, deadline=timedelta(milliseconds=500))
@given(st.text())
def test_normaliser_never_raises_on_any_text(text: str) -> None:
    result = normalise_code(text)
    assert result is None or (len(result) == 10 and result.startswith("0x"))
    near_code_digits(text)


@settings(max_examples=200, deadline=timedelta(milliseconds=500))
@given(st.text(alphabet="0123456789abcdefABCDEFoOiIlLxX -.", min_size=500, max_size=5000))
def test_only_the_first_200_characters_of_long_text_are_read(text: str) -> None:
    assert normalise_code(text) == normalise_code(text[:MAX_QUERY_FOR_CODES])
    assert near_code_digits(text) == near_code_digits(text[:MAX_QUERY_FOR_CODES])


def test_a_code_past_the_first_200_characters_is_not_looked_for() -> None:
    words = ("Teams says " * 30)[: MAX_QUERY_FOR_CODES - 1] + " "
    assert normalise_code(words[:150] + " 0xCAA20003") == "0xCAA20003"
    assert normalise_code(words + "0xCAA20003") is None


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_unsigned_and_signed_decimals_agree(value: int) -> None:
    signed = value - 2**32 if value >= 2**31 else value
    if len(str(value)) >= 9 and len(str(abs(signed))) >= 9:
        assert normalise_code(str(value)) == normalise_code(str(signed)) == f"0x{value:08X}"
