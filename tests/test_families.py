"""Codes nobody wrote down are still explained by their family, and the 0xCAA8 family decodes
the WinINet error number in its low 16 bits."""

from __future__ import annotations

import csv
import os

import pytest
from conftest import SHIPPED_CONTENT

from webapp.config import PROJECT_ROOT
from webapp.content import load_content
from webapp.search.families import explain, family_of

REFERENCE = PROJECT_ROOT.parent / "shared" / "reference" / "wininet-errors.tsv"
CONTENT = load_content(SHIPPED_CONTENT)


def reference_names() -> dict[int, set[str]]:
    if not REFERENCE.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the WinINet reference {REFERENCE} is missing in CI")
        pytest.skip(f"the WinINet reference {REFERENCE} is not beside this checkout")
    names: dict[int, set[str]] = {}
    with REFERENCE.open(encoding="utf-8") as handle:
        rows = csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")
        next(rows)  # header
        for decimal, _hex16, _caa, name in rows:
            names.setdefault(int(decimal), set()).add(name)
    return names


@pytest.mark.parametrize("error", CONTENT.wininet, ids=lambda e: str(e.number))
def test_every_shipped_wininet_error_matches_the_windows_sdk(error) -> None:
    assert error.name in reference_names().get(error.number, set())


@pytest.mark.parametrize("error", CONTENT.wininet, ids=lambda e: str(e.number))
def test_family_decoder_explains_each_shipped_wininet_error(error) -> None:
    code = f"0xCAA8{error.number:04X}"
    explanation = explain(code, CONTENT)
    assert explanation.family is not None and explanation.family.prefix == "0xCAA8"
    assert explanation.wininet_number == error.number
    assert explanation.wininet is error


@pytest.mark.parametrize(
    ("code", "number", "name"),
    [
        ("0xCAA82EE2", 12002, "ERROR_INTERNET_TIMEOUT"),
        ("0xCAA82EE7", 12007, "ERROR_INTERNET_NAME_NOT_RESOLVED"),
        ("0xCAA82EFD", 12029, "ERROR_INTERNET_CANNOT_CONNECT"),
        ("0xCAA82EFE", 12030, "ERROR_INTERNET_CONNECTION_ABORTED"),
        ("0xCAA82EFF", 12031, "ERROR_INTERNET_CONNECTION_RESET"),
        ("0xCAA82F7D", 12157, "ERROR_INTERNET_SECURITY_CHANNEL_ERROR"),
        ("0xCAA82F85", 12165, "ERROR_INTERNET_PROXY_SERVER_UNREACHABLE"),
    ],
)
def test_known_wininet_numbers_decode(code: str, number: int, name: str) -> None:
    explanation = explain(code, CONTENT)
    assert explanation.wininet_number == number
    assert explanation.wininet is not None and explanation.wininet.name == name


def test_wininet_number_without_a_description_still_decodes() -> None:
    explanation = explain("0xCAA82F4E", CONTENT)  # 12110, an FTP error we do not describe
    assert explanation.wininet_number == 12110
    assert explanation.wininet is None


def test_most_specific_family_wins() -> None:
    assert family_of("0xCAA20099", CONTENT).prefix == "0xCAA2"
    assert family_of("0xCAA50099", CONTENT).prefix == "0xCAA"
    assert family_of("0x80070005", CONTENT) is None


def test_code_outside_every_family_has_no_explanation() -> None:
    explanation = explain("0x80070005", CONTENT)
    assert explanation.family is None and explanation.wininet_number is None
