"""Codes the catalogue lacks are explained by their family, and the families that carry a
number read it: a network error number in 0xCAA8xxxx, an HTTP status in 0xCAA3xxxx."""

from __future__ import annotations

import pytest
from support.content import SHIPPED_CONTENT

from webapp.content import load_site
from webapp.search.families import explain, family_of

CONTENT = load_site(SHIPPED_CONTENT).default


@pytest.mark.parametrize(
    ("code", "number"),
    [
        ("0xCAA82EE2", 12002),
        ("0xCAA82EFD", 12029),
        ("0xCAA82F8F", 12175),
        ("0xCAA82F13", 12051),  # in no table: still decoded
    ],
)
def test_network_family_reads_the_network_error_number(code: str, number: int) -> None:
    explanation = explain(code, CONTENT)
    assert explanation.family.prefix == "0xCAA8"
    assert explanation.number == number


@pytest.mark.parametrize(
    ("code", "status", "name"),
    [
        ("0xCAA30194", 404, "Not Found"),
        ("0xCAA301F4", 500, "Internal Server Error"),
        ("0xCAA301F7", 503, "Service Unavailable"),
    ],
)
def test_http_family_reads_the_servers_http_status(code: str, status: int, name: str) -> None:
    explanation = explain(code, CONTENT)
    assert explanation.family.prefix == "0xCAA3"
    assert (explanation.number, explanation.number_name) == (status, name)


def test_federation_family_is_about_the_sign_in_server_not_the_password() -> None:
    family = family_of("0xCAA90099", CONTENT)
    assert "AD FS" in family.summary
    assert "password" not in family.name.lower()


def test_network_family_does_not_call_itself_wininet() -> None:
    family = family_of("0xCAA80000", CONTENT)
    assert "WinINet" not in family.summary and "WinINet" not in family.name


@pytest.mark.parametrize(
    ("code", "prefix", "word"),
    [
        ("0x4AA90001", "0x4AA", "not an error"),
        ("0x8AA50001", "0x8AA", "not errors"),
        ("0x0AA300C8", "0x0AA", "not errors"),
    ],
)
def test_information_warning_and_success_codes_say_they_are_not_errors(
    code: str, prefix: str, word: str
) -> None:
    family = family_of(code, CONTENT)
    assert family.prefix == prefix
    assert word in (family.name + family.summary).lower()


def test_unknown_aadsts_code_is_explained_and_links_to_microsofts_lookup() -> None:
    explanation = explain("AADSTS9999999", CONTENT)
    assert explanation.family.prefix == "AADSTS"
    assert explanation.lookup_url == "https://login.microsoftonline.com/error?code=9999999"
    assert explanation.number is None


def test_most_specific_family_wins() -> None:
    assert family_of("0xCAA20099", CONTENT).prefix == "0xCAA2"
    assert family_of("0xCAAF0099", CONTENT).prefix == "0xCAA"
    assert family_of("0x80070005", CONTENT) is None


def test_code_outside_every_family_has_no_explanation() -> None:
    explanation = explain("0x80070005", CONTENT)
    assert explanation.family is None and explanation.number is None


def test_0xcaa80000_carries_no_network_error_number() -> None:
    explanation = explain("0xCAA80000", CONTENT)
    assert explanation.family.prefix == "0xCAA8" and explanation.number is None
