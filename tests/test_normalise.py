"""The code normaliser: every way people type a code gives the canonical 0x + 8 hex digits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webapp.search.normalise import (
    MAX_QUERY_FOR_CODES,
    bare_number,
    near_code_digits,
    normalise_code,
    sentence_decimals,
)


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
@given(st.text(alphabet="0123456789abcdefABCDEFoOiIlLxX -.", min_size=2100, max_size=5000))
def test_only_the_first_characters_of_long_text_are_read(text: str) -> None:
    assert normalise_code(text) == normalise_code(text[:MAX_QUERY_FOR_CODES])
    assert near_code_digits(text) == near_code_digits(text[:MAX_QUERY_FOR_CODES])


def test_a_code_past_the_limit_is_not_looked_for() -> None:
    words = ("Teams says " * 300)[: MAX_QUERY_FOR_CODES - 1] + " "
    assert normalise_code(words[:1900] + " 0xCAA20003") == "0xCAA20003"
    assert normalise_code(words + "0xCAA20003") is None


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_unsigned_and_signed_decimals_agree(value: int) -> None:
    signed = value - 2**32 if value >= 2**31 else value
    if len(str(value)) >= 9 and len(str(abs(signed))) >= 9:
        assert normalise_code(str(value)) == normalise_code(str(signed)) == f"0x{value:08X}"


# --- What people really paste and type -------------------------------------------------------

GUID = "6f0e7b8c-1234-4a5b-9c0d-7e8f9a0b1c2d"


def full_width(text: str) -> str:
    """``text`` in the full-width forms an East Asian input method types."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" for c in text)


@pytest.mark.parametrize(
    "typed",
    [
        f"Request Id: {GUID}",
        "Request Id: 6f0e7b8c-1234-…",
        f"Correlation Id: {GUID.replace('6f0e7b8c', '1a2b3c4d')}",
        "App id: 1fec8e78-1234-4a5b-9c0d-7e8f9a0b1c2d",
        "Device identifier: 4c3b2a19",
        "Geräte-ID: 4c3b2a19",
        "Authenticator sends text to 0151234567 but nothing arrives",
        "Authenticator schickt keine SMS an 0151 23456789",
        "ticket 123456789 still open",
        "Ticket 12345678 ist noch offen",
        "I have 123456789 reasons",  # a long number in a sentence, with no code word
        "IP address: 203.0.113.7",
    ],
)
def test_ids_and_phone_numbers_are_not_codes(typed: str) -> None:
    assert normalise_code(typed) is None
    assert bare_number(typed) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("error 123456789 at sign-in", "0x075BCD15"),
        ("Fehler 3399614467", "0xCAA20003"),
        ("Statuscode: -895352829", "0xCAA20003"),
        ("3399614467 error", "0xCAA20003"),
    ],
)
def test_a_long_decimal_in_a_sentence_is_a_code_beside_a_code_word(
    typed: str, expected: str
) -> None:
    assert normalise_code(typed) == expected


def test_a_long_decimal_without_a_code_word_is_offered_to_the_resolver() -> None:
    assert normalise_code("Teams shows 3399614467 now") is None
    assert sentence_decimals("Teams shows 3399614467 now") == ("0xCAA20003",)
    assert sentence_decimals("call 0151234567 or ticket 123456789") == ()


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("error 50126", 50126),
        ("code 50126", 50126),
        ("50126 error", 50126),
        ("sign in error 50126", 50126),
        ("error 53003", 53003),
        ("Error: 53003", 53003),
        ("status 50126", 50126),
        ("Fehlercode: 50126", 50126),
        ("Fehlercode 50126", 50126),
        ("Fehler 53003", 53003),
        ("Anmeldung Fehler #53003 heute", 53003),
        ("50126 Fehler", 50126),
        ("error 12029 in the proxy", 12029),
    ],
)
def test_a_number_beside_a_code_word_is_read_as_a_bare_number(typed: str, number: int) -> None:
    assert bare_number(typed) == number


@pytest.mark.parametrize(
    "typed", ["I tried 50126 times", "room 50126", "error in 2026", "version 16.0.17328"]
)
def test_a_number_without_a_code_word_in_a_sentence_is_not(typed: str) -> None:
    assert bare_number(typed) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (full_width("AADSTS50126"), "AADSTS50126"),  # from an input method
        (full_width("0xCAA20003"), "0xCAA20003"),
        (full_width("Fehlercode: ") + "50126", "AADSTS50126"),
        ("aadsts5O126", "AADSTS50126"),
        ("AADSTS5oo58", "AADSTS50058"),
        ("AADSTS7OOO16", "AADSTS700016"),
    ],
)
def test_full_width_and_the_letter_o_in_codes_are_read(typed: str, expected: str) -> None:
    number = bare_number(typed)
    assert normalise_code(typed) == expected or f"AADSTS{number}" == expected


def test_a_code_after_the_ids_of_a_long_paste_is_found() -> None:
    block = (
        f"Request Id: {GUID} Correlation Id: 1a2b3c4d-5678-4e9f-8a7b-6c5d4e3f2a1b "
        "Timestamp: 2026-12-07T09:14:03Z App name: Microsoft Teams "
        "App id: 1fec8e78-1234-4a5b-9c0d-7e8f9a0b1c2d IP address: 203.0.113.7 "
        "Device identifier: 4c3b2a19 Device platform: Windows 10 Error code 530003"
    )
    assert len(block) > 300
    assert normalise_code(block) == "AADSTS530003"


_GUID_TEXT = st.uuids().map(str) | st.uuids().map(lambda u: str(u).upper())
_GUID_LABEL = st.sampled_from(
    ["", "Request Id: ", "Correlation Id: ", "App id: ", "Anforderungs-ID: ", "object "]
)


@settings(max_examples=300, deadline=None)
@given(_GUID_LABEL, _GUID_TEXT, st.integers(min_value=13, max_value=36), st.booleans())
def test_an_id_never_becomes_a_code(label: str, guid: str, cut: int, braces: bool) -> None:
    part = guid[:cut]  # the whole GUID, or what was left of it after its second group
    if braces:
        part = "{" + part + "}"
    for text in (label + part, f"Teams stopped. {label}{part} at 09:14", f"{label}{part}…"):
        assert normalise_code(text) is None, text
        assert bare_number(text) is None, text
        assert sentence_decimals(text) == (), text


_PHONE = st.one_of(
    # German mobile and landline numbers, as people write them
    st.builds(
        lambda area, rest, sep: f"0{area}{sep}{rest}",
        st.integers(min_value=15, max_value=179).map(str),
        st.integers(min_value=1_000_000, max_value=99_999_999).map(str),
        st.sampled_from(["", " ", "-", "/"]),
    ),
    # international forms
    st.builds(
        lambda country, area, rest, sep: f"+{country}{sep}{area}{sep}{rest}",
        st.integers(min_value=1, max_value=999).map(str),
        st.integers(min_value=10, max_value=999).map(str),
        st.integers(min_value=100_000, max_value=99_999_999).map(str),
        st.sampled_from([" ", "-", "."]),
    ),
)


@settings(max_examples=300, deadline=None)
@given(_PHONE, st.sampled_from(["", "Authenticator sends text to ", "SMS an ", "Tel. "]))
def test_a_phone_number_never_becomes_a_code(phone: str, before: str) -> None:
    for text in (before + phone, f"{before}{phone} but nothing arrives"):
        assert normalise_code(text) is None, text
        assert bare_number(text) is None, text
        assert sentence_decimals(text) == (), text
