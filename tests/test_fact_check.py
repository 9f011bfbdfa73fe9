"""The fixes of the December 2026 fact-check of the shipped content, in English and German.

The facts the tests need are copied here from the fact-check and the Microsoft pages it cites,
so the tests read only the repository."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from support.content import SHIPPED_CONTENT

from webapp.content import load_site
from webapp.content.model import CodeEntry, Content, Site
from webapp.search.engine import FULL_ANSWER_STEPS

LANGUAGES = ("en", "de")
# Codes for which Microsoft documents a cause on IT's side that the fact-check names: the SAML
# token of 0xCAA20003, the blocked broker plug-in of 0xCAA70004/0xCAA70007 and 0xCAA50021, the
# network tools of 0xCAA82EE2/0xCAA82EE7, the federation server of 0xCAA90014, realm discovery
# (0xCAA90018), the device certificate of 0xCAA5004B, the proxy of 0xCAA82EED, TLS of 0xCAA82F7D,
# the reused app ID of AADSTS65002 and the personal-PC choice of 0xCAA10001.
NAMED_BY_THE_FACT_CHECK = (
    "0xCAA10001",
    "0xCAA20003",
    "0xCAA5004B",
    "0xCAA50021",
    "0xCAA70004",
    "0xCAA70007",
    "0xCAA82EE2",
    "0xCAA82EE7",
    "0xCAA82EED",
    "0xCAA82F7D",
    "0xCAA90014",
    "0xCAA90018",
    "AADSTS65002",
)
MICROSOFT_PAGE = re.compile(r"https://(learn|support)\.microsoft\.com/\S+")


@pytest.fixture(scope="module")
def site() -> Site:
    return load_site(SHIPPED_CONTENT)


def entry(site: Site, lang: str, code: str) -> CodeEntry:
    return site.contents[lang].code_by_id[code]


def text_of(found: CodeEntry) -> str:
    return " ".join((found.title, found.summary_text, *found.steps_text, found.contact_text))


def section(content: Content, slug: str, anchor: str) -> str:
    return next(s.text for s in content.page_by_slug[slug].sections if s.anchor == anchor)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_full_answer_and_every_named_code_has_a_part_for_it_with_a_microsoft_page(
    site: Site, lang: str
) -> None:
    content = site.contents[lang]
    full = {e.code for e in content.codes if len(e.steps) >= FULL_ANSWER_STEPS}
    assert len(full) >= 39
    for code in sorted(full | set(NAMED_BY_THE_FACT_CHECK)):
        found = content.code_by_id[code]
        assert found.language == lang and found.for_it, f"{code} ({lang}) has no part for IT"
        assert MICROSOFT_PAGE.fullmatch(found.for_it_source), code


@pytest.mark.parametrize(
    ("path", "mark"),
    [
        *((f"/codes/{c}", "For IT") for c in NAMED_BY_THE_FACT_CHECK),
        *((f"/de/codes/{c}", "Für die IT") for c in NAMED_BY_THE_FACT_CHECK),
    ],
)
def test_the_part_for_it_shows_closed_and_marked_below_the_steps(
    shipped_client: FlaskClient, path: str, mark: str
) -> None:
    html = shipped_client.get(path).get_data(as_text=True)
    start = html.index('<details class="for-it"')
    assert html[start:].split(">", 1)[0] == '<details class="for-it" id="for-it"'  # not open
    assert f'<span class="for-it-mark">{mark}</span>' in html[start:].split("</summary>", 1)[0]
    assert html.index('<ol class="steps">') < start


@pytest.mark.parametrize(
    ("lang", "ended", "sign_in"),
    [("en", "1 July 2025", "sign in"), ("de", "1. Juli 2025", "melden Sie sich an")],
)
def test_the_reset_guide_no_longer_treats_classic_teams_as_a_way_to_sign_in(
    site: Site, lang: str, ended: str, sign_in: str
) -> None:
    content = site.contents[lang]
    assert ended in section(content, "reset-teams", "before-you-start")
    for anchor in ("classic-teams-windows", "classic-teams-mac"):
        classic = section(content, "reset-teams", anchor)
        assert ended in classic
        assert not re.search(rf"(Open Teams and|Öffnen Sie Teams und) {sign_in}", classic)


@pytest.mark.parametrize(
    ("lang", "own", "no_choice", "box"),
    [
        (
            "en",
            "own",
            "No, sign in to this app only",
            "Allow my organization to manage my device",
        ),
        (
            "de",
            "eigenen",
            "Nein, nur bei dieser App anmelden",
            "Verwaltung meines Geräts durch meine Organisation zulassen",
        ),
    ],
)
def test_0xcaa10001_keeps_a_personal_pc_out_of_the_organisations_management(
    site: Site, lang: str, own: str, no_choice: str, box: str
) -> None:
    step = next(s for s in entry(site, lang, "0xCAA10001").steps_text if no_choice in s)
    assert own in step and box in step


@pytest.mark.parametrize("lang", LANGUAGES)
def test_0xcaa90018_is_realm_discovery_not_a_wrong_password(site: Site, lang: str) -> None:
    found = entry(site, lang, "0xCAA90018")
    assert re.search("organisation|Organisation", found.summary_text)
    assert not any(re.search("Caps Lock|Feststelltaste", s) for s in found.steps_text)
    assert "USERREALM" in found.for_it


@pytest.mark.parametrize("lang", LANGUAGES)
def test_0xcaa20003_names_the_refused_saml_token_and_resets_no_working_password(
    site: Site, lang: str
) -> None:
    found = entry(site, lang, "0xCAA20003")
    assert "SAML" in found.for_it and "AD FS" in found.for_it
    reset = next(s for s in found.steps_text if "aka.ms/sspr" in s)
    assert re.search("don't know your current password|aktuelles Kennwort nicht kennen", reset)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("code", ["0xCAA70004", "0xCAA70007", "0xCAA50021"])
def test_it_learns_the_broker_plug_in_may_be_blocked(site: Site, lang: str, code: str) -> None:
    assert "Microsoft.AAD.BrokerPlugin" in entry(site, lang, code).for_it


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_families_say_what_0xcaa1_and_0xcaa9_really_cover(site: Site, lang: str) -> None:
    families = {f.prefix: f for f in site.contents[lang].families}
    caa1 = families["0xCAA1"].summary
    assert "0xCAA10001" in caa1 and "0xCAA10002" in caa1
    caa9 = families["0xCAA9"].summary
    assert "AD FS" in caa9 and "Proxy" in caa9.replace("proxy", "Proxy")
    assert re.search("renews a sign-in|Anmeldung erneuert", caa9)
    faq = section(site.contents[lang], "faq", "my-code-isnt-listed")
    assert re.search("renewing a saved sign-in|Erneuern einer gespeicherten Anmeldung", faq)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_unsupported_claims_are_left(site: Site, lang: str) -> None:
    content = site.contents[lang]
    for code in ("0xCAA10003", "0xCAA10012", "0xCAA1001D"):
        assert "WebView2" not in text_of(content.code_by_id[code])
    assert not re.search(
        "Wait a while|Warten Sie eine Weile", text_of(entry(site, lang, "AADSTS65002"))
    )
    assert not any(
        re.search("password|Kennwort", s) for s in entry(site, lang, "0xCAA82EED").steps_text
    )
    assert "TLS 1.2" in entry(site, lang, "0xCAA82F7D").summary_text
    assert '"' not in entry(site, lang, "0xCAA80000").summary_text  # no invented "general"
    mfa = content.page_by_slug["mfa"].html
    assert not re.search("one-time\\s+code|Einmalcode", mfa)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_for_it_names_the_sign_in_diagnostic_link_and_its_role(site: Site, lang: str) -> None:
    logs = section(site.contents[lang], "for-it", "sign-in-logs")
    assert "Launch the Sign-in" in logs and "Billing Administrator" in logs


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_mac_quits_teams_one_way(site: Site, lang: str) -> None:
    for found in site.contents[lang].codes:
        steps = " ".join(found.steps_text)
        assert not re.search(
            r"Cmd\+Q|> (Quit (Microsoft )?Teams|(Microsoft )?Teams beenden)", steps
        ), found.code


def test_german_uses_one_word_for_password(site: Site) -> None:
    german = site.contents["de"]
    shown = [text_of(e) + (e.for_it or "") for e in german.codes if e.language == "de"]
    shown += [f.summary + " ".join(f.steps) for f in german.families if f.language == "de"]
    shown += [p.html + p.title for p in german.pages if p.language == "de"]
    # The password guide's headings say once that Kennwort is what people also call Passwort,
    # so a search for "Passwort" finds them; everywhere else it is Kennwort.
    assert all("Passwort" not in text.replace("Kennwort (Passwort)", "") for text in shown)
    assert sum("Kennwort" in text for text in shown) > 50
