"""The catalogue: every error code of Microsoft's two tables has a page, in English and German,
reached in one step from any spelling people use."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from support.content import SHIPPED_CONTENT

from webapp.content import load_site
from webapp.content.model import FIXERS
from webapp.search.engine import FULL_ANSWER_STEPS, SearchEngine

REFERENCE_CODES = Path(__file__).parent / "data" / "reference-codes.tsv"


def reference_rows() -> list[dict[str, str]]:
    with REFERENCE_CODES.open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        return list(csv.DictReader(lines, delimiter="\t"))


ROWS = reference_rows()
ERRORS = {row["code"]: row["name"] for row in ROWS if row["severity"] == "error"}
NOT_ERRORS = [row["code"] for row in ROWS if row["severity"] != "error"]
SITE = load_site(SHIPPED_CONTENT)
ENGLISH, GERMAN = SITE.contents["en"], SITE.contents["de"]
ENGINE = SearchEngine(ENGLISH)

# The codes people hit most: each has a full answer (several steps and keywords).
FULL_ANSWERS = (
    "0xCAA20002 0xCAA2000B 0xCAA2000C 0xCAA20003 0xCAA20004 0xCAA20005 0xCAA10001 0xCAA5004B "
    "0xCAA50021 0xCAA70010 0xCAA7000A 0xCAA80000 0xCAA82EFD 0xCAA82EFE 0xCAA82F8F 0xCAA30194 "
    "0xCAA90014 AADSTS50076 AADSTS50079 AADSTS50126 AADSTS50053 AADSTS50055 AADSTS50057 "
    "AADSTS53003 AADSTS53000 AADSTS530003 AADSTS50020 AADSTS90072 AADSTS50173 AADSTS70043 "
    "AADSTS65001"
).split()


def test_reference_facts_hold_every_error_code_of_both_tables() -> None:
    assert sum(code.startswith("AADSTS") for code in ERRORS) == 345
    assert sum(code.startswith("0xCAA") for code in ERRORS) == 267


@pytest.mark.parametrize("code", sorted(ERRORS))
def test_every_error_code_has_an_entry_with_microsofts_name(code: str) -> None:
    entry = ENGLISH.code_by_id.get(code)
    assert entry is not None, f"{code} is missing from the catalogue"
    assert entry.name == ERRORS[code]
    assert entry.fixer in FIXERS
    assert entry.title and entry.summary_text and entry.steps and entry.contact_text


def test_every_english_entry_is_translated_into_german() -> None:
    untranslated = [e.code for e in GERMAN.codes if e.language != "de"]
    assert untranslated == []
    assert not [f.prefix for f in GERMAN.families if f.language != "de"]


@pytest.mark.parametrize("code", FULL_ANSWERS)
def test_codes_people_hit_most_have_full_answers(code: str) -> None:
    for content in (ENGLISH, GERMAN):
        entry = content.code_by_id[code]
        assert len(entry.steps) >= FULL_ANSWER_STEPS, f"{code} ({content.language})"
        assert entry.keywords


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("AADSTS50126", "AADSTS50126"),
        ("aadsts50126", "AADSTS50126"),
        ("AADSTS 50126", "AADSTS50126"),
        ("error AADSTS50076:", "AADSTS50076"),
        ("Error Code: 50126", "AADSTS50126"),
        ("50126", "AADSTS50126"),
        ("160021", "AADSTS160021"),
        (
            "Sign-in failed. AADSTS53003: Access has been blocked by Conditional Access "
            "policies. Trace ID: 5e1a2b3c-0000-4d2e-9f00-123456789abc",
            "AADSTS53003",
        ),
        ("0xcaa82f8f", "0xCAA82F8F"),
        ("CAA2 0005", "0xCAA20005"),
        ("12029", "0xCAA82EFD"),
    ],
)
def test_every_spelling_resolves_to_the_code(typed: str, code: str) -> None:
    found = ENGINE.resolve(typed)
    assert found.code == code and found.entry is not None
    assert found.did_you_mean == ()


def test_a_real_number_is_never_corrected_into_another_code() -> None:
    # 160021 is an Entra code; it once became the 12002 time-out page.
    assert ENGINE.resolve("160021").code == "AADSTS160021"


@pytest.mark.parametrize("code", ["AADSTS50126", "0xCAA82F8F", "0xCAA30194"])
def test_search_for_a_known_code_lands_on_its_page(shipped_client: FlaskClient, code) -> None:
    response = shipped_client.get("/search", query_string={"q": code.lower()})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/codes/{code}"


def test_search_for_a_code_only_its_family_knows_lands_on_its_page(
    shipped_client: FlaskClient,
) -> None:
    response = shipped_client.get("/search", query_string={"q": "0xCAA82F13"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/codes/0xCAA82F13"


def test_aadsts_page_names_the_code_and_links_to_microsofts_lookup(
    shipped_client: FlaskClient,
) -> None:
    html = shipped_client.get("/codes/AADSTS50126").get_data(as_text=True)
    assert "InvalidUserNameOrPassword" in html
    assert 'href="https://login.microsoftonline.com/error?code=50126"' in html
    assert "You can usually fix this yourself." in html


def test_german_aadsts_page_is_german(shipped_client: FlaskClient) -> None:
    html = shipped_client.get("/de/codes/AADSTS50126").get_data(as_text=True)
    assert "Kennwort" in html and "Sie können das meist selbst beheben." in html


def test_page_says_who_can_fix_a_code_only_it_can(shipped_client: FlaskClient) -> None:
    code = next(e.code for e in ENGLISH.codes if e.fixer == "it")
    html = shipped_client.get(f"/codes/{code}").get_data(as_text=True)
    assert "Only IT can fix this" in html


@pytest.mark.parametrize("code", NOT_ERRORS[:4] + NOT_ERRORS[-2:])
def test_information_and_warning_codes_say_they_are_not_errors(
    shipped_client: FlaskClient, code: str
) -> None:
    html = shipped_client.get(f"/codes/{code}").get_data(as_text=True)
    assert "not an error" in html or "not errors" in html


def test_0xcaa30194_is_explained_as_http_404(shipped_client: FlaskClient) -> None:
    html = shipped_client.get("/codes/0xCAA30194").get_data(as_text=True)
    assert "HTTP status <strong>404</strong>" in html


def test_0xcaa80000_is_not_windows_internet_error_zero(shipped_client: FlaskClient) -> None:
    html = shipped_client.get("/codes/0xCAA80000").get_data(as_text=True)
    assert "internet error 0" not in html.lower() and "error number <strong>0</strong>" not in html


def test_unknown_aadsts_code_links_to_microsofts_lookup(shipped_client: FlaskClient) -> None:
    response = shipped_client.get("/codes/AADSTS9999999")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert 'href="https://login.microsoftonline.com/error?code=9999999"' in html


# --- A bare number that is two codes (fixture content: AADSTS12029 and 0xCAA82EFD) --------------


def test_bare_number_that_is_two_codes_offers_both(client: FlaskClient) -> None:
    response = client.get("/search", query_string={"q": "12029"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "This number could be more than one code" in html
    assert 'href="/codes/AADSTS12029"' in html and 'href="/codes/0xCAA82EFD"' in html


def test_bare_number_in_a_code_address_offers_both(client: FlaskClient) -> None:
    html = client.get("/codes/12029").get_data(as_text=True)
    assert 'href="/codes/AADSTS12029"' in html and 'href="/codes/0xCAA82EFD"' in html


def test_api_answers_a_bare_number_that_is_two_codes_with_the_choices(
    client: FlaskClient,
) -> None:
    response = client.get("/api/codes/12029")
    assert response.status_code == 300
    assert [c["code"] for c in response.get_json()["choices"]] == ["AADSTS12029", "0xCAA82EFD"]


def test_bare_number_that_is_one_code_redirects(client: FlaskClient) -> None:
    response = client.get("/codes/50126")
    assert response.status_code == 301 and response.headers["Location"] == "/codes/AADSTS50126"


def test_api_gives_microsofts_name_fixer_and_lookup(client: FlaskClient) -> None:
    body = client.get("/api/codes/aadsts 50126").get_json()
    assert body["code"] == "AADSTS50126" and body["name"] == "InvalidUserNameOrPassword"
    assert body["fixer"] == "you"
    assert body["lookup_url"] == "https://login.microsoftonline.com/error?code=50126"


def test_did_you_mean_is_offered_only_for_codes_in_no_table(client: FlaskClient) -> None:
    assert client.get("/codes/AADSTS50126").status_code == 200
    html = client.get("/codes/AADSTS50162").get_data(as_text=True)
    assert "Did you mean" in html and 'href="/codes/AADSTS50126"' in html


@pytest.mark.parametrize(
    "code", ["0xCAA5004B", "0xCAA50021", "0xCAA80000", "AADSTS530003", "AADSTS500121", "0x80090016"]
)
def test_codes_people_report_outside_microsofts_tables_have_entries(code: str) -> None:
    for content in (ENGLISH, GERMAN):
        assert content.code_by_id[code].language == content.language
