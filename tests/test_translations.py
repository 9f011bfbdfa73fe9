"""Translations in the content folder: merged over the default language, checked strictly,
with what is missing counted but never fatal."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.content import write_content

from webapp.cli import check_content
from webapp.content import ContentError, load_site

GERMAN_CODES = """
[[code]]
code = "0xCAA20003"
title = "Prüfen Sie Ihre Uhr"
summary = "Datum und Uhrzeit Ihres Geräts stimmen nicht."
steps = ["Uhrzeit automatisch festlegen.", "Siehe [Fragen](/faq#why)."]
contact_it = "Wenden Sie sich an die IT."
keywords = ["Uhr"]
"""

GERMAN_FAQ = """+++
title = "Fragen"
order = 1
+++
Antworten.

## Warum kann ich mich nicht anmelden? {#why}

Meist die Uhr.

## Was ist MFA? {#mfa}

Eine zweite Prüfung.
"""


def site_with(tmp_path: Path, **german: str):
    files = {f"de__{name}": text for name, text in german.items()}
    return write_content(tmp_path / "content", **files)


def test_translation_replaces_entries_and_falls_back_for_the_rest(tmp_path: Path) -> None:
    root = site_with(tmp_path, **{"codes.toml": GERMAN_CODES, "pages__faq.md": GERMAN_FAQ})
    site = load_site(root)
    assert site.languages == ("en", "de")
    german = site.contents["de"]
    clock = german.code_by_id["0xCAA20003"]
    assert clock.title == "Prüfen Sie Ihre Uhr" and clock.language == "de"
    timeout = german.code_by_id["0xCAA82EE2"]
    assert timeout.language == "en" and timeout.title == "The request timed out"
    assert german.page_by_slug["faq"].language == "de"
    assert german.home.language == "en"
    assert "0xCAA82EE2" in site.coverage["de"].codes.missing
    assert "home" in site.coverage["de"].pages.missing


def test_translated_links_stay_in_their_language(tmp_path: Path) -> None:
    root = site_with(tmp_path, **{"codes.toml": GERMAN_CODES, "pages__faq.md": GERMAN_FAQ})
    clock = load_site(root).contents["de"].code_by_id["0xCAA20003"]
    assert 'href="/de/faq#why"' in clock.steps[1]


def test_translation_of_a_code_that_does_not_exist_fails(tmp_path: Path) -> None:
    root = site_with(tmp_path, **{"codes.toml": GERMAN_CODES.replace("0xCAA20003", "0xCAA99999")})
    with pytest.raises(ContentError) as caught:
        load_site(root)
    assert any(
        "content/de/codes.toml: code #1 (0xCAA99999): translates code 0xCAA99999" in str(p)
        for p in caught.value.problems
    )


def test_translated_page_with_other_anchors_fails(tmp_path: Path) -> None:
    root = site_with(tmp_path, **{"pages__faq.md": GERMAN_FAQ.replace("{#mfa}", "{#zwei}")})
    with pytest.raises(ContentError) as caught:
        load_site(root)
    messages = [str(p) for p in caught.value.problems]
    assert any(
        m.startswith("content/de/pages/faq.md: headings: heading ids differ")
        and "missing mfa" in m
        and "not in the original: zwei" in m
        for m in messages
    ), messages


def test_translated_page_with_anchors_in_another_order_fails(tmp_path: Path) -> None:
    swapped = GERMAN_FAQ.replace("{#why}", "{#tmp}").replace("{#mfa}", "{#why}")
    swapped = swapped.replace("{#tmp}", "{#mfa}")
    root = site_with(tmp_path, **{"pages__faq.md": swapped})
    with pytest.raises(ContentError, match="in another order"):
        load_site(root)


def test_translation_of_a_page_that_does_not_exist_fails(tmp_path: Path) -> None:
    root = site_with(tmp_path, **{"pages__extra.md": '+++\ntitle = "Extra"\n+++\n'})
    with pytest.raises(ContentError, match="translates page 'extra'"):
        load_site(root)


def test_a_page_may_not_take_the_name_of_a_language(tmp_path: Path) -> None:
    """/de is the German site: a page there would never be reached."""
    root = site_with(tmp_path, **{"pages__faq.md": GERMAN_FAQ})
    (root / "pages" / "de.md").write_text('+++\ntitle = "D"\n+++\n', encoding="utf-8")
    with pytest.raises(ContentError, match=r"pages/de\.md: 'de' is a reserved address of the site"):
        load_site(root)


def test_translation_may_not_change_the_decoder_or_sdk_name(tmp_path: Path) -> None:
    families = (
        '[[family]]\nprefix = "0xCAA8"\nname = "Netzwerk"\nsummary = "x"\nsteps = ["x"]\n'
        'contact_it = "x"\ndecoder = "network"\n'
    )
    root = site_with(tmp_path, **{"families.toml": families})
    with pytest.raises(ContentError, match="unknown field 'decoder'"):
        load_site(root)


def test_broken_link_in_a_translation_fails(tmp_path: Path) -> None:
    root = site_with(tmp_path, **{"codes.toml": GERMAN_CODES.replace("/faq#why", "/faq#nix")})
    with pytest.raises(ContentError, match="broken link '/faq#nix'"):
        load_site(root)


def test_check_content_counts_missing_translations_without_failing(tmp_path: Path) -> None:
    root = site_with(tmp_path, **{"codes.toml": GERMAN_CODES})
    result = CliRunner().invoke(check_content, ["--content-dir", str(root)])
    assert result.exit_code == 0, result.output
    assert (
        "de: not offered yet (it needs every one of its pages and a messages.po)." in result.output
    )
    assert "1 of 6 codes (16%), 0 of 5 families (0%), 0 of 2 pages (0%), no messages.po." in (
        result.output
    )
    assert "codes not translated yet: 0xCAA82EE2, " in result.output
    assert "pages not translated yet: faq, home." in result.output


CATALOGUE = """
msgid ""
msgstr ""
"Language: de\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Search"
msgstr "Suchen"

#, python-format
msgid "We don't have a page for %(code)s yet"
msgstr "{translation}"

msgid "Copy code"
msgstr ""
"""


def test_interface_catalogue_is_checked_and_counted(tmp_path: Path) -> None:
    po = CATALOGUE.replace("{translation}", "Für %(code)s haben wir noch keine Seite")
    root = site_with(tmp_path, **{"messages.po": po})
    interface = load_site(root).coverage["de"].interface
    assert (interface.translated, interface.complete) == (2, False)


def test_catalogue_with_a_broken_placeholder_fails(tmp_path: Path) -> None:
    po = CATALOGUE.replace("{translation}", "Für %(kode)s haben wir noch keine Seite")
    root = site_with(tmp_path, **{"messages.po": po})
    with pytest.raises(ContentError) as caught:
        load_site(root)
    assert any(
        str(p).startswith("content/de/messages.po: msgid") and "kode" in str(p)
        for p in caught.value.problems
    )


def test_unreadable_catalogue_fails(tmp_path: Path) -> None:
    root = site_with(tmp_path, **{"messages.po": "garbage line\n"})
    with pytest.raises(ContentError, match="not a valid gettext catalogue"):
        load_site(root)


def test_translation_without_a_catalogue_is_listed(tmp_path: Path) -> None:
    root = site_with(tmp_path, **{"codes.toml": GERMAN_CODES})
    coverage = load_site(root).coverage["de"]
    assert not coverage.catalogue and not coverage.offered


def test_shipped_german_is_complete() -> None:
    from support.content import SHIPPED_CONTENT

    site = load_site(SHIPPED_CONTENT)
    assert site.languages == ("en", "de")
    assert site.coverage["de"].complete


def test_interface_template_holds_every_string_the_code_marks(tmp_path: Path) -> None:
    """The README's refresh command finds every marked string, and messages.pot is current."""
    import subprocess
    import sys

    from babel.messages.pofile import read_po

    from webapp.config import PROJECT_ROOT

    fresh = tmp_path / "messages.pot"
    command = [sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
               "webapp/babel.cfg", "-k", "_l", "-k", "lazy_gettext", "--no-location",
               "--omit-header", "-o", str(fresh), "."]  # fmt: skip
    subprocess.run(command, cwd=PROJECT_ROOT, check=True, capture_output=True)
    with fresh.open("rb") as handle:
        marked = {m.id for m in read_po(handle) if m.id}
    with (PROJECT_ROOT / "content" / "messages.pot").open("rb") as handle:
        listed = {m.id for m in read_po(handle) if m.id}
    assert "Please choose Yes or No." in marked  # a lazy_gettext string
    assert marked == listed, "content/messages.pot is stale: run the README's refresh command"
    with (PROJECT_ROOT / "content" / "de" / "messages.po").open("rb") as handle:
        german = {m.id: m.string for m in read_po(handle, locale="de") if m.id}
    missing = sorted(str(i) for i in marked if not german.get(i))
    assert missing == [], f"German lacks {len(missing)} interface strings"


# --- The interface catalogues cannot drift from the code (flask check-content) ----------------


def shipped_copy(tmp_path: Path) -> Path:
    from support.content import SHIPPED_CONTENT

    return Path(shutil.copytree(SHIPPED_CONTENT, tmp_path / "content"))


def without(catalogue: Path, msgid: str, locale: str | None = None) -> None:
    """Remove one entry from a real catalogue, as a refresh that was never run leaves it."""
    from babel.messages.pofile import read_po, write_po

    with catalogue.open("rb") as handle:
        messages = read_po(handle, locale=locale)
    assert msgid in messages
    del messages[msgid]
    with catalogue.open("wb") as handle:
        write_po(handle, messages, omit_header=locale is None)


def check(root: Path):
    return CliRunner().invoke(check_content, ["--content-dir", str(root)])


LAZY = "Please choose Yes or No."  # marked with lazy_gettext, in the feedback form


def test_check_content_passes_the_shipped_catalogues() -> None:
    from support.content import SHIPPED_CONTENT

    result = check(SHIPPED_CONTENT)
    assert result.exit_code == 0, result.output
    assert "de: complete, offered." in result.output


def test_check_content_fails_when_a_catalogue_lacks_a_string_the_code_uses(
    tmp_path: Path,
) -> None:
    root = shipped_copy(tmp_path)
    without(root / "de" / "messages.po", LAZY, "de")
    result = check(root)
    assert result.exit_code == 1
    assert (
        "content/de/messages.po: lacks 1 interface string(s) the code uses "
        f"({LAZY!r}); run the README's 'pybabel update' and translate them"
    ) in result.output.splitlines()


def test_check_content_fails_when_the_template_is_stale(tmp_path: Path) -> None:
    root = shipped_copy(tmp_path)
    without(root / "messages.pot", LAZY)
    result = check(root)
    assert result.exit_code == 1
    assert (
        f"content/messages.pot: stale: it lacks strings the code marks ({LAZY!r}); "
        "run the README's refresh command"
    ) in result.output.splitlines()
