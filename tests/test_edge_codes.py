"""Errors outside Microsoft's two code tables: Windows error numbers, a Microsoft 365 app's
bracketed number, named errors and messages without a code. What people type (the list in
tests/data/edge-codes.tsv) lands in one step on its entry, in English and German."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from support.content import SHIPPED_CONTENT, write_content

from webapp.content import ContentError, load_site
from webapp.feedback.topics import Topic
from webapp.search.normalise import bare_number, normalise_code

TYPED = Path(__file__).parent / "data" / "edge-codes.tsv"
# The catalogue files of these errors: every entry in them must be on the list.
EDGE_FILES = ("windows.toml", "m365.toml", "phone.toml")


def typed_rows() -> list[tuple[str, str]]:
    with TYPED.open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        return [(row["typed"], row["lands"]) for row in csv.DictReader(lines, delimiter="\t")]


ROWS = typed_rows()
# A code address is one path segment: the pasted addresses and fragments go through search only.
ADDRESS_ROWS = [(typed, code) for typed, code in ROWS if "/" not in typed and "#" not in typed]
SITE = load_site(SHIPPED_CONTENT)


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize(("typed", "code"), ROWS)
def test_what_people_type_lands_on_the_entry(
    shipped_client: FlaskClient, language: str, typed: str, code: str
) -> None:
    prefix = "" if language == "en" else f"/{language}"
    found = shipped_client.get(f"{prefix}/search", query_string={"q": typed})
    assert found.status_code == 303
    assert found.headers["Location"] == f"{prefix}/codes/{quote(code)}"
    page = shipped_client.get(found.headers["Location"])
    entry = SITE.contents[language].code_by_id[code]
    assert page.status_code == 200
    assert str(escape(entry.title)) in page.get_data(as_text=True)


@pytest.mark.parametrize(("typed", "code"), ADDRESS_ROWS)
def test_a_code_address_typed_the_same_way_leads_to_the_entry(
    shipped_client: FlaskClient, typed: str, code: str
) -> None:
    response = shipped_client.get(f"/codes/{quote(typed)}", follow_redirects=True)
    assert response.status_code == 200
    assert response.request.path == f"/codes/{code}"


def test_every_entry_outside_the_tables_is_on_the_list_of_what_people_type() -> None:
    english = SITE.contents["en"]
    listed = {code for _, code in ROWS}
    for name in EDGE_FILES:
        text = (SHIPPED_CONTENT / "catalogue" / name).read_text(encoding="utf-8")
        codes = [line.split('"')[1] for line in text.splitlines() if line.startswith("code = ")]
        assert codes and set(codes) <= listed, name
        assert all(code in english.code_by_id for code in codes)
        assert all(SITE.contents["de"].code_by_id[code].language == "de" for code in codes)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("error 4c7", "0x800704C7"),
        ("Error code: 4C7", "0x800704C7"),
        ("0x520", "0x80070520"),
        ("[4cf]", "0x800704CF"),
        ("0x5", "0x80070005"),
    ],
)
def test_a_windows_error_typed_short_is_the_code_it_wraps(typed: str, code: str) -> None:
    assert normalise_code(typed) == code


@pytest.mark.parametrize("typed", ["face", "cafe", "ace", "bad", "add", "error 1001", "4c", "1001"])
def test_a_short_word_or_a_decimal_number_is_not_a_windows_error(typed: str) -> None:
    assert normalise_code(typed) is None


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("Something went wrong [1001]", 1001),
        ("Something went wrong. [1001] An unexpected error has occurred.", 1001),
        ("Etwas ist schiefgelaufen. [53003]", 53003),
        ("error 1001", 1001),
        ("Something went wrong 135011", 135011),
        ("went wrong", None),
        ("windows 2024", None),
    ],
)
def test_a_microsoft_365_apps_number_is_read_from_its_message(
    typed: str, number: int | None
) -> None:
    assert bare_number(typed) == number


def test_a_name_no_entry_has_is_not_a_code(shipped_client: FlaskClient) -> None:
    response = shipped_client.get("/codes/TeamsEnabledEverywhere")
    assert response.status_code == 404


def test_feedback_about_a_named_error_needs_its_entry() -> None:
    english = SITE.contents["en"]
    named = Topic.parse("code:TeamsDisabledForTenantForbidden")
    unknown = Topic.parse("code:TeamsEnabledEverywhere")
    assert named is not None and named.exists(english)
    assert unknown is not None and not unknown.exists(english)
    assert Topic.parse("code:0x800704C7") is not None


ENTRY = """
[[code]]
code = "{code}"
fixer = "it"
title = "t"
summary = "s"
steps = ["x"]
contact_it = "c"
aliases = [{aliases}]
"""


def problems_for(tmp_path: Path, text: str) -> list[str]:
    root = write_content(tmp_path / "content", **{"catalogue__named.toml": text})
    with pytest.raises(ContentError) as caught:
        load_site(root)
    return [str(p) for p in caught.value.problems]


def test_a_named_error_and_its_aliases_load(tmp_path: Path) -> None:
    text = ENTRY.format(code="M365-2400", aliases='"Something broke in a special way"')
    root = write_content(tmp_path / "content", **{"catalogue__named.toml": text})
    entry = load_site(root).default.code_by_id["M365-2400"]
    assert entry.aliases == ("Something broke in a special way",)


def test_an_alias_too_short_to_name_one_error_is_refused(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, ENTRY.format(code="TeamsIsOff", aliases='"Teams off"'))
    assert any("alias 'Teams off' is too short" in p for p in problems)


def test_an_alias_of_two_entries_is_refused(tmp_path: Path) -> None:
    alias = '"Your organization has turned Teams off"'
    text = ENTRY.format(code="TeamsIsOff", aliases=alias) + ENTRY.format(
        code="TeamsIsGone", aliases=alias.replace("organization", "organisation")
    )
    problems = problems_for(tmp_path, text)
    assert any("already names code #1 (TeamsIsOff)" in p for p in problems)


def test_a_translation_adds_the_message_in_its_language(tmp_path: Path) -> None:
    english = ENTRY.format(code="TeamsIsOff", aliases='"Your organization has turned Teams off"')
    german = (
        '[[code]]\ncode = "TeamsIsOff"\ntitle = "t"\nsummary = "s"\nsteps = ["x"]\n'
        'contact_it = "c"\naliases = ["Ihre Organisation hat Teams ausgeschaltet"]\n'
    )
    root = write_content(
        tmp_path / "content",
        **{"catalogue__named.toml": english, "de__catalogue__named.toml": german},
    )
    site = load_site(root)
    assert site.contents["en"].code_by_id["TeamsIsOff"].aliases == (
        "Your organization has turned Teams off",
    )
    assert site.contents["de"].code_by_id["TeamsIsOff"].aliases == (
        "Your organization has turned Teams off",
        "Ihre Organisation hat Teams ausgeschaltet",
    )


@pytest.mark.parametrize(
    ("path", "heading", "message"),
    [
        ("/codes/RestartRequired", "Error RestartRequired", "It shows the error RestartRequired"),
        ("/de/codes/M365-1001", "Fehler M365-1001", "Angezeigt wird der Fehler M365-1001"),
    ],
)
def test_a_named_error_is_called_an_error_not_a_status_code(
    shipped_client: FlaskClient, path: str, heading: str, message: str
) -> None:
    page = shipped_client.get(path).get_data(as_text=True)
    h1 = " ".join(re.sub(r"<[^>]+>", " ", page[page.index("<h1>") : page.index("</h1>")]).split())
    assert h1.startswith(heading)
    assert "Status" not in h1
    assert message in page
