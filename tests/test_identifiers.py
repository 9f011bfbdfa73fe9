"""What people paste that identifies them: masked for the misses report and the code reader,
and the IDs of a pasted sign-in error read for their own message to IT."""

from __future__ import annotations

import pytest

from webapp.search.identifiers import (
    PastedDetails,
    holds_identifiers,
    mask_identifiers,
    pasted_details,
    without_identifiers,
)

REQUEST_ID = "6f0e7b8c-1234-4a5b-9c0d-7e8f9a0b1c2d"
CORRELATION_ID = "1a2b3c4d-5678-4e9f-8a7b-6c5d4e3f2a1b"


@pytest.mark.parametrize(
    ("typed", "masked"),
    [
        (f"Request Id: {REQUEST_ID}", "Request Id: [id]"),
        (f"Correlation Id: {{{CORRELATION_ID}}}", "Correlation Id: [id]"),
        ("Request Id: 6f0e7b8c-1234-…", "Request Id: [id]-…"),  # cut short when copied
        ("App id: 1fec8e78-9abc", "App id: [id]"),
        ("Device identifier: 4c3b2a19", "Device identifier: [id]"),
        ("Geräte-ID: 4c3b2a19", "Geräte-ID: [id]"),
        ("tail 1234-4a5b-9c0d-7e8f9a0b1c2d", "tail [id]"),
        ("object 6f0e7b8c12344a5b9c0d7e8f9a0b1c2d", "object [id]"),
        ("ticket 123456789 still open", "ticket [id] still open"),
        ("Ticketnummer #4711 offen", "Ticketnummer #[id] offen"),
        ("mac 00:1A:2B:3C:4D:5E", "mac [id]"),
        (
            "Authenticator sends text to 0151234567 but nothing arrives",
            "Authenticator sends text to [phone] but nothing arrives",
        ),
        ("SMS an 0151 2345 6789 kommt nicht an", "SMS an [phone] kommt nicht an"),
        ("call +49 (0)151 23456789", "call [phone]"),
        ("call 0049 30 1234567", "call [phone]"),
        ("+1 425-555-0100", "[phone]"),
        ("(030) 12345678", "[phone]"),
        ("ip address: 203.0.113.7", "ip address: [ip]"),
        ("IP-Adresse 10.0.0.1.", "IP-Adresse [ip]."),
        ("from 2001:db8::8a2e:370:7334 and fe80::1", "from [ip] and [ip]"),
        ("Jane.Doe@Example.org can't sign in", "[email] can't sign in"),
    ],
)
def test_ids_phone_numbers_and_addresses_are_masked(typed: str, masked: str) -> None:
    assert mask_identifiers(typed) == masked
    assert holds_identifiers(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "0xCAA20003",
        "0x CAA5 0021",
        "CAA2-0003",  # a code typed with a hyphen is not a GUID's part
        "Oxcaa2OOO3",
        "80090016",
        "3399614467",
        "-895352829",
        "error 50126",
        "Fehlercode: 50126",
        "AADSTS50126",
        "ticket about 0xCAA20003",
        "id 0xCAA20003",
        "my id is 12345",  # the label needs a number after it
        "Timestamp: 2026-12-07T09:14:03Z",
        "at 09:14:03 on 07.12.2026",  # a time and a German date are not addresses or phones
        "teams won't let me sign in after password change",
    ],
)
def test_codes_times_and_words_are_not_masked(typed: str) -> None:
    assert mask_identifiers(typed) == typed
    assert not holds_identifiers(typed)


def test_words_are_kept_without_the_ids_for_word_search() -> None:
    assert without_identifiers(f"proxy Request Id: {REQUEST_ID} 10.0.0.1").split() == [
        "proxy",
        "Request",
        "Id:",
    ]


ENGLISH_BLOCK = (
    "Sign in\nSorry, but we're having trouble signing you in.\n"
    "AADSTS50126: Error validating credentials due to invalid username or password.\n"
    f"Troubleshooting details\nError Code: 50126\nRequest Id: {REQUEST_ID}\n"
    f"Correlation Id: {CORRELATION_ID}\nTimestamp: 2026-12-07T09:14:03.123Z\n"
    "App name: Microsoft Teams\nIP address: 203.0.113.7\n"
)
GERMAN_BLOCK = (
    f"Fehlercode: 50126 Anforderungs-ID: {REQUEST_ID} Korrelations-ID: {CORRELATION_ID} "
    "Zeitstempel: 2026-12-07T09:14:03Z"
)


@pytest.mark.parametrize("block", [ENGLISH_BLOCK, GERMAN_BLOCK, " ".join(ENGLISH_BLOCK.split())])
def test_a_pasted_details_block_gives_its_ids(block: str) -> None:
    details = pasted_details(block)
    assert details is not None
    assert details.request_id == REQUEST_ID
    assert details.correlation_id == CORRELATION_ID
    assert details.timestamp is not None and details.timestamp.startswith("2026-12-07T09:14:03")


def test_a_details_block_with_one_id_gives_what_it_has() -> None:
    assert pasted_details(f"Correlation Id: {CORRELATION_ID}") == PastedDetails(
        correlation_id=CORRELATION_ID
    )


@pytest.mark.parametrize(
    "typed",
    [
        "Error Code: 50126",
        "Timestamp: 2026-12-07T09:14:03Z",  # a time alone identifies no attempt
        "Request Id: 6f0e7b8c-1234-…",  # a cut ID is no use to IT
        "Request Id: <script>alert(1)</script>",
    ],
)
def test_no_details_without_a_whole_id(typed: str) -> None:
    assert pasted_details(typed) is None
