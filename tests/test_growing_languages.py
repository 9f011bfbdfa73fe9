"""A language that grows one entry at a time: offered once its interface strings and pages are
complete, whatever its codes; what it lacks shown in English, marked and noted; its coverage
counted by check-content."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from support.apps import make_app
from support.content import FIXTURE_TRANSLATIONS, add_translations, init_catalogue, write_content

from webapp.cli import check_content
from webapp.content import load_site

ITALIAN = {"Accept-Language": "it-IT,it;q=0.9,en;q=0.5"}


def write_growing_content(root: Path, **overrides: str | None) -> Path:
    """The fixture content with Italian just started; ``overrides`` as for ``write_content``
    (``{"it-it__pages__faq.md": None}`` takes its page away)."""
    return write_content(add_translations(root, "it-it"), **overrides)


def client_for(tmp_path: Path, **overrides: str | None) -> FlaskClient:
    root = write_growing_content(tmp_path / "content", **overrides)
    return make_app(root, tmp_path).test_client()


@pytest.fixture
def offered(tmp_path: Path) -> FlaskClient:
    return client_for(tmp_path)


@pytest.fixture
def unfinished(tmp_path: Path) -> FlaskClient:
    """Italian without its one page: served at /it, offered nowhere."""
    return client_for(tmp_path, **{"it-it__pages__faq.md": None})


def switcher(html: str) -> list[str]:
    nav = re.search(r'<nav class="languages".*?</nav>', html, re.S)
    return re.findall(r'hreflang="([\w-]+)"', nav.group()) if nav else []


def alternates(html: str) -> list[str]:
    return re.findall(r'<link rel="alternate" hreflang="([\w-]+)"', html)


def test_a_language_with_its_pages_and_interface_is_offered_with_one_code(
    offered: FlaskClient,
) -> None:
    html = offered.get("/codes").get_data(as_text=True)
    assert switcher(html) == ["en", "it-it"]
    assert alternates(html) == ["en", "it-it", "x-default"]
    first_visit = offered.get("/", headers=ITALIAN)
    assert first_visit.status_code == 302 and first_visit.location.endswith("/it-it/")
    assert 'name="robots"' not in offered.get("/it-it/codes").get_data(as_text=True)


def test_a_translated_code_is_shown_in_the_language(offered: FlaskClient) -> None:
    html = offered.get("/it-it/codes/0xCAA20003").get_data(as_text=True)
    assert "Controlli l&#39;orologio" in html or "Controlli l'orologio" in html
    assert 'notice untranslated"' not in html


def test_an_untranslated_code_is_english_marked_and_noted_in_the_readers_language(
    offered: FlaskClient,
) -> None:
    response = offered.get("/it-it/codes/0xCAA82EE2")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="it-it">' in html
    assert "The request timed out" in html
    assert re.search(r'<h1>.*<span lang="en">The request timed out</span></h1>', html)
    assert "Questa pagina non è ancora tradotta, perciò è mostrata in inglese." in html


def test_search_in_a_growing_language_finds_the_english_text(offered: FlaskClient) -> None:
    html = offered.get("/it-it/search?q=timed+out").get_data(as_text=True)
    assert re.search(r'<a href="/it-it/codes/0xCAA82EE2" lang="en">', html), html
    # And its own words find its own entry, not marked.
    html = offered.get("/it-it/search?q=orologio").get_data(as_text=True)
    assert re.search(r'<a href="/it-it/codes/0xCAA20003">', html)


def test_a_language_missing_a_page_is_served_but_not_offered(unfinished: FlaskClient) -> None:
    english = unfinished.get("/codes").get_data(as_text=True)
    assert switcher(english) == []  # English alone: no switcher at all
    assert alternates(english) == ["en", "x-default"]
    assert unfinished.get("/", headers=ITALIAN).status_code == 200  # stays in English
    preview = unfinished.get("/it-it/codes")
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert '<meta name="robots" content="noindex">' in html
    assert "it-it" not in alternates(html)
    assert switcher(html) == ["en", "it-it"]  # its writers can still switch back and forth


def test_a_language_without_interface_strings_is_not_offered(tmp_path: Path) -> None:
    client = client_for(tmp_path, **{"it-it__messages.po": None})
    assert client.get("/", headers=ITALIAN).status_code == 200
    assert alternates(client.get("/codes").get_data(as_text=True)) == ["en", "x-default"]


def test_coverage_counts_each_part(tmp_path: Path) -> None:
    site = load_site(write_growing_content(tmp_path / "content"))
    coverage = site.coverage["it-it"]
    assert (coverage.codes.translated, coverage.codes.total) == (1, 6)
    assert coverage.pages.complete and coverage.interface.complete and coverage.offered
    assert site.offered_languages == ("en", "it-it")


def test_check_content_prints_the_coverage_of_a_growing_language(tmp_path: Path) -> None:
    root = write_growing_content(tmp_path / "content", **{"it-it__pages__faq.md": None})
    strings = init_catalogue(root, "it-it")
    result = CliRunner().invoke(check_content, ["--content-dir", str(root)])
    assert result.exit_code == 0, result.output
    assert (
        "it-it: not offered yet (it needs every one of its pages and interface strings).\n"
        "  1 of 6 codes (16%), 0 of 5 families (0%), 1 of 2 pages (50%), "
        f"3 of {strings} interface strings ({3 * 100 // strings}%).\n"
        "  codes not translated yet: 0xCAA82EE2, none, AADSTS50126, AADSTS12029, 0xCAA82EFD.\n"
        "  families not translated yet: 0xCAA8, 0xCAA3, AADSTS, 0x4AA, 0xCAA.\n"
        "  pages not translated yet: faq.\n"
        f"  interface strings not translated yet: {strings - 3} (empty msgstr in messages.po).\n"
    ) in result.output


def test_check_content_names_every_missing_entry_when_asked(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("webapp.cli.LISTED", 2)
    root = write_growing_content(tmp_path / "content")
    init_catalogue(root, "it-it")
    output = CliRunner().invoke(check_content, ["--content-dir", str(root)]).output
    assert "codes not translated yet: 0xCAA82EE2, none and 3 more (--all-missing lists them)." in (
        output
    )
    output = CliRunner().invoke(check_content, ["--content-dir", str(root), "--all-missing"]).output
    assert "codes not translated yet: 0xCAA82EE2, none, AADSTS50126, AADSTS12029, 0xCAA82EFD." in (
        output
    )


def test_the_api_says_which_language_each_answer_is_in(offered: FlaskClient) -> None:
    translated = offered.get("/it-it/api/codes/0xCAA20003").get_json()
    untranslated = offered.get("/it-it/api/codes/0xCAA82EE2").get_json()
    assert (translated["language"], untranslated["language"]) == ("it-it", "en")
    hits = offered.get("/api/search?q=timed+out&lang=it-it").get_json()["results"]
    assert hits[0]["code"] == "0xCAA82EE2" and hits[0]["language"] == "en"


def test_a_language_folder_may_not_take_an_address_of_the_site(tmp_path: Path) -> None:
    root = write_content(tmp_path / "content")
    shutil.copytree(FIXTURE_TRANSLATIONS / "it-it", root / "it")
    result = CliRunner().invoke(check_content, ["--content-dir", str(root)])
    assert result.exit_code == 1
    assert (
        "a language folder may not be named 'it': /it/ is an address of the site's own; name it "
        "with a region instead, as 'it-it', served at /it-it/"
    ) in result.output


def test_a_language_folder_must_name_a_language(tmp_path: Path) -> None:
    root = write_content(tmp_path / "content")
    shutil.copytree(FIXTURE_TRANSLATIONS / "it-it", root / "xq")
    result = CliRunner().invoke(check_content, ["--content-dir", str(root)])
    assert result.exit_code == 1
    assert "'xq' is not a language code this site knows" in result.output
