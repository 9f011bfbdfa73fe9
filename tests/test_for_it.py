"""The part for IT (``for_it``): read and checked with the entry, translated like its other
text, shown closed under the employee's answer and marked for IT, and never searched."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from support.apps import make_app
from support.content import CODES_TOML, SHIPPED_CONTENT, write_content

from webapp.cli import check_content
from webapp.content import load_site

SOURCE = (
    "https://learn.microsoft.com/entra/identity/devices/troubleshoot-hybrid-join-windows-current"
)
FOR_IT = f'''
for_it = """
Also a **SAML token** from the federation server that Entra didn't accept: see \
[the broker checks](/faq#why).
"""
for_it_source = "{SOURCE}"
'''
GERMAN_CODES = '''
[[code]]
code = "0xCAA20003"
title = "Prüfen Sie Ihre Uhr"
summary = "Datum und Uhrzeit stimmen nicht."
steps = ["Uhrzeit automatisch festlegen."]
contact_it = "Wenden Sie sich an die IT."
for_it = """Auch ein **SAML-Token** des Verbundservers, das Entra nicht angenommen hat."""
'''


def with_for_it(extra: str = FOR_IT, code: str = "0xCAA20003") -> str:
    """The fixture's codes.toml with ``extra`` fields added to the entry of ``code``."""
    head, rest = CODES_TOML.split(f'code = "{code}"\n', 1)
    return f'{head}code = "{code}"\n{extra.strip()}\n{rest}'


def problems_of(tmp_path: Path, **files: str) -> str:
    root = write_content(tmp_path / "content", **files)
    result = CliRunner().invoke(check_content, ["--content-dir", str(root)])
    assert result.exit_code != 0, result.output
    return result.output


@pytest.fixture
def it_client(tmp_path: Path) -> FlaskClient:
    # The shipped German interface strings, for the German mark.
    interface = (SHIPPED_CONTENT / "de" / "messages.po").read_text(encoding="utf-8")
    root = write_content(
        tmp_path / "content",
        **{
            "codes.toml": with_for_it(),
            "de__codes.toml": GERMAN_CODES,
            "de__messages.po": interface,
        },
    )
    return make_app(root, tmp_path).test_client()


def test_part_for_it_is_read_with_its_source_and_the_translation_keeps_the_source(
    tmp_path: Path,
) -> None:
    root = write_content(
        tmp_path / "content", **{"codes.toml": with_for_it(), "de__codes.toml": GERMAN_CODES}
    )
    site = load_site(root)
    english = site.default.code_by_id["0xCAA20003"]
    assert "<strong>SAML token</strong>" in english.for_it
    assert english.for_it_source == SOURCE
    german = site.contents["de"].code_by_id["0xCAA20003"]
    assert "<strong>SAML-Token</strong>" in german.for_it
    assert german.for_it_source == SOURCE  # a fact, kept once in the English entry
    assert site.default.code_by_id["0xCAA82EE2"].for_it is None


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('for_it = "  "\nfor_it_source = "' + SOURCE + '"', "field 'for_it' must not be empty"),
        ("for_it = 3\nfor_it_source = '" + SOURCE + "'", "field 'for_it' must be text"),
        ('for_it = "Check the AD FS server."', "write 'for_it' and 'for_it_source' together"),
        (f'for_it_source = "{SOURCE}"', "write 'for_it' and 'for_it_source' together"),
        (
            'for_it = "x"\nfor_it_source = "http://learn.microsoft.com/entra"',
            "must be an https:// address on learn.microsoft.com or support.microsoft.com",
        ),
        (
            'for_it = "x"\nfor_it_source = "https://example.com/teams"',
            "must be an https:// address on learn.microsoft.com",
        ),
        ('for_it = "See [this](/faq#nowhere)."\nfor_it_source = "' + SOURCE + '"', "broken link"),
    ],
)
def test_check_content_refuses_a_broken_part_for_it(
    tmp_path: Path, extra: str, message: str
) -> None:
    output = problems_of(tmp_path, **{"codes.toml": with_for_it(extra)})
    assert "codes.toml: code #1 (0xCAA20003)" in output and message in output


def test_check_content_refuses_a_translation_without_the_originals_part_for_it(
    tmp_path: Path,
) -> None:
    german = GERMAN_CODES.split("for_it =", 1)[0]
    output = problems_of(tmp_path, **{"codes.toml": with_for_it(), "de__codes.toml": german})
    assert "de/codes.toml" in output and "translate the part for IT ('for_it')" in output


def test_check_content_refuses_a_part_for_it_the_original_lacks_or_a_translated_source(
    tmp_path: Path,
) -> None:
    output = problems_of(tmp_path, **{"de__codes.toml": GERMAN_CODES})
    assert "which the original of 0xCAA20003 lacks" in output
    sourced = GERMAN_CODES + f'for_it_source = "{SOURCE}"\n'
    output = problems_of(
        tmp_path / "again", **{"codes.toml": with_for_it(), "de__codes.toml": sourced}
    )
    assert "unknown field 'for_it_source'" in output


@pytest.mark.parametrize(
    ("path", "mark", "text"),
    [
        ("/codes/0xCAA20003", "For IT", "SAML token"),
        ("/de/codes/0xCAA20003", "Für die IT", "SAML-Token"),
    ],
)
def test_part_for_it_is_shown_closed_marked_and_below_the_steps(
    it_client: FlaskClient, path: str, mark: str, text: str
) -> None:
    html = it_client.get(path).get_data(as_text=True)
    details = html.split('<details class="for-it"', 1)[1].split("</details>", 1)[0]
    assert not details.startswith(" open") and " open" not in details.split(">", 1)[0]
    summary = details.split("<summary>", 1)[1].split("</summary>", 1)[0]
    assert f'<span class="for-it-mark">{mark}</span>' in summary
    assert text in details and f'href="{SOURCE}"' in details
    assert html.index('id="try-heading"') < html.index('<details class="for-it"')
    assert html.index('<ol class="steps">') < html.index('<details class="for-it"')


def test_entry_without_a_part_for_it_shows_none(it_client: FlaskClient) -> None:
    assert 'class="for-it"' not in it_client.get("/codes/0xCAA82EE2").get_data(as_text=True)


def test_part_for_it_is_not_searched(it_client: FlaskClient) -> None:
    """Only the part for IT says "SAML": a word search must not find the entry by it."""
    html = it_client.get("/search", query_string={"q": "SAML"}).get_data(as_text=True)
    assert 'href="/codes/0xCAA20003"' not in html


def test_shipped_content_with_its_parts_for_it_passes_check_content() -> None:
    result = CliRunner().invoke(check_content, ["--content-dir", str(SHIPPED_CONTENT)])
    assert result.exit_code == 0, result.output


def test_the_api_gives_the_part_for_it_as_text_with_its_source(it_client: FlaskClient) -> None:
    entry = it_client.get("/api/codes/0xCAA20003").get_json()
    assert entry["for_it"].startswith("Also a SAML token") and entry["for_it_source"] == SOURCE
    other = it_client.get("/api/codes/0xCAA82EE2").get_json()
    assert other["for_it"] is None and other["for_it_source"] is None
