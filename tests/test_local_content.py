"""The organisation's own content (LOCAL_CONTENT_DIR) over the shipped content, with the real
local folder tests/fixtures/local (Contoso's): overrides, new codes and pages, hidden ones,
contacts by topic, its look, and upgrades of the shipped content under it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient

from tests.support.apps import make_app
from tests.support.content import CODES_TOML, FIXTURE_CONTENT, SHIPPED_CONTENT, write_content
from webapp import publishing
from webapp.cli import check_content, content
from webapp.config import shipped
from webapp.content import ContentError, load_site
from webapp.content.look import check_look, contrast

LOCAL_FIXTURE = FIXTURE_CONTENT.parent / "local"
NETWORK_TOML = (FIXTURE_CONTENT / "catalogue" / "network.toml").read_text(encoding="utf-8")
AADSTS_TOML = (FIXTURE_CONTENT / "catalogue" / "aadsts.toml").read_text(encoding="utf-8")


@pytest.fixture
def local_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(LOCAL_FIXTURE, tmp_path / "local"))


@pytest.fixture
def local_app(content_dir: Path, local_dir: Path, tmp_path: Path) -> Flask:
    return make_app(content_dir, tmp_path, LOCAL_CONTENT_DIR=str(local_dir))


@pytest.fixture
def local_client(local_app: Flask) -> FlaskClient:
    return local_app.test_client()


def text(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def search_titles(client: FlaskClient, query: str) -> list[str]:
    """The titles of what the API's search finds for ``query``."""
    body = client.get("/api/search", query_string={"q": query}).get_json()
    return [result["title"] for result in body["results"]]


# --- what a local folder changes -------------------------------------------------------------


def test_an_override_changes_only_the_fields_it_sets(local_client: FlaskClient) -> None:
    html = text(local_client, "/codes/0xCAA20003")
    assert "Check your clock (Contoso laptops)" in html
    assert "date and time" in html  # the shipped summary
    assert "Set the time automatically." in html  # the shipped steps


def test_a_new_local_code_is_a_page_a_table_row_and_an_api_answer(
    local_client: FlaskClient,
) -> None:
    assert "The Contoso VPN tunnel is down" in text(local_client, "/codes/ContosoTunnelDown")
    assert "ContosoTunnelDown" in text(local_client, "/codes")
    body = local_client.get("/api/search", query_string={"q": "ContosoTunnelDown"}).get_json()
    assert body["code"] == "ContosoTunnelDown"


def test_search_finds_the_local_words(local_client: FlaskClient, client: FlaskClient) -> None:
    assert "The Contoso VPN tunnel is down" in search_titles(local_client, "Fortinet")
    assert any("sign-in rules" in t for t in search_titles(local_client, "geofence"))
    assert search_titles(client, "geofence") == []  # only the local folder has the word


def test_a_hidden_page_is_neither_shown_nor_found(
    local_client: FlaskClient, client: FlaskClient
) -> None:
    assert search_titles(client, "usually") == ["Questions: Why can't I sign in?"]
    assert local_client.get("/faq").status_code == 404
    assert search_titles(local_client, "usually") == []
    assert nav_links(text(local_client, "/")) == ["/codes", "/conditional-access"]


def test_a_hidden_code_is_gone_from_page_table_and_search(local_client: FlaskClient) -> None:
    assert "Re-enter your smart card PIN" not in text(local_client, "/codes")
    assert "Re-enter your smart card PIN" not in search_titles(local_client, "smart card PIN")


def nav_links(html: str) -> list[str]:
    nav = re.search(r'<ul class="nav-list">(.*?)</ul>', html, re.DOTALL)
    assert nav is not None
    return re.findall(r'href="([^"]+)"', nav[1])


def test_the_home_text_is_local(local_client: FlaskClient) -> None:
    html = text(local_client, "/")
    assert "Welcome to <strong>Contoso" in html
    assert "<h1>Contoso sign-in help</h1>" in html


def test_front_matter_alone_moves_and_renames_a_shipped_page_keeping_its_text(
    content_dir: Path, local_dir: Path, tmp_path: Path
) -> None:
    (local_dir / "pages" / "faq.md").write_text('+++\norder = -1\nnav_title = "FAQ"\n+++\n')
    client = make_app(content_dir, tmp_path, LOCAL_CONTENT_DIR=str(local_dir)).test_client()
    html = text(client, "/")
    assert nav_links(html) == ["/codes", "/faq", "/conditional-access"]
    assert '<a href="/faq">FAQ</a>' in html
    assert "Usually the clock" in text(client, "/faq")


def test_a_code_with_its_own_contact_shows_it_and_mails_it(local_client: FlaskClient) -> None:
    html = text(local_client, "/codes/0xCAA20003")
    assert "mailto:identity@contoso.example?subject=" in html
    assert "Email the Contoso identity team" in html
    assert 'href="tel:+49 30 1234 5678"' in html
    assert "help@example.org" not in html.split('id="contact"')[1].split("</section>")[0]


def test_a_family_contact_answers_for_its_codes_without_an_entry(
    local_client: FlaskClient,
) -> None:
    html = local_client.get("/codes/0xCAA82E99").get_data(as_text=True)
    assert "https://network.contoso.example/ticket" in html
    # Codes of no contact of their own still go to the site's IT contact.
    assert "mailto:help@example.org?subject=" in text(local_client, "/codes/AADSTS50126")


def test_the_local_look_is_served_like_the_shipped_assets(local_client: FlaskClient) -> None:
    html = text(local_client, "/")
    style = re.search(r'href="(/static/local/style\.[0-9a-f]{12}\.css)"', html)
    logo = re.search(r'src="(/static/local/logo\.[0-9a-f]{12}\.svg)"', html)
    assert style and logo
    shipped_css = local_client.get(re.search(r'href="(/static/site\.[^"]+)"', html)[1])
    for address in (style[1], logo[1]):
        response = local_client.get(address)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == shipped_css.headers["Cache-Control"]
        csp = response.headers["Content-Security-Policy"]
        assert csp == shipped_css.headers["Content-Security-Policy"]
    assert b"--accent: #005a70" in local_client.get(style[1]).data


def test_without_a_local_folder_the_site_links_no_local_look(client: FlaskClient) -> None:
    assert "/static/local/" not in text(client, "/")


def test_a_local_edit_publishes_like_any_other(
    content_dir: Path, local_dir: Path, tmp_path: Path
) -> None:
    settings = {"LOCAL_CONTENT_DIR": str(local_dir)}
    app = make_app(content_dir, tmp_path, **settings)
    watched = publishing.ContentWatcher(app, lambda: make_app(content_dir, tmp_path, **settings))
    app.wsgi_app = watched  # type: ignore[method-assign]
    client = app.test_client()
    assert "Contoso laptops" in text(client, "/codes/0xCAA20003")
    codes = local_dir / "codes.toml"
    codes.write_text(codes.read_text().replace("Contoso laptops", "Contoso desktops"))
    assert "Contoso desktops" in text(client, "/codes/0xCAA20003")


def test_a_field_the_merge_never_names_is_overridden_like_any_other(
    content_dir: Path, local_dir: Path, tmp_path: Path
) -> None:
    """The merge knows no field by name: the part for IT, added after it, needs no code."""
    codes = local_dir / "codes.toml"
    codes.write_text(
        codes.read_text().replace(
            'contact_name = "the Contoso identity team"',
            'for_it = "Check the **NTP** server our laptops use."\n'
            'for_it_source = "https://learn.microsoft.com/windows-server/networking/windows-time-service"\n'
            'contact_name = "the Contoso identity team"',
        )
    )
    client = make_app(content_dir, tmp_path, LOCAL_CONTENT_DIR=str(local_dir)).test_client()
    html = text(client, "/codes/0xCAA20003")
    assert "<strong>NTP</strong>" in html and "Contoso laptops" in html


# --- what the local folder must get right ----------------------------------------------------


def problems_of(content: Path, local: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_site(content, local=local)
    return [str(p) for p in caught.value.problems]


def test_hiding_an_entry_the_shipped_content_lacks_is_a_problem(
    content_dir: Path, local_dir: Path
) -> None:
    (local_dir / "pages" / "nothing.md").write_text("+++\nhidden = true\n+++\n")
    assert any(
        "hides page nothing, which the shipped content lacks" in p
        for p in problems_of(content_dir, local_dir)
    )


def test_a_new_local_code_must_be_complete(content_dir: Path, local_dir: Path) -> None:
    (local_dir / "catalogue").mkdir(exist_ok=True)
    (local_dir / "catalogue" / "vpn.toml").write_text(
        '[[code]]\ncode = "ContosoProxyRefused"\ntitle = "Proxy refused"\n'
    )
    found = problems_of(content_dir, local_dir)
    assert any("local/catalogue/vpn.toml" in p and "missing field 'summary'" in p for p in found)


def test_a_contact_needs_a_way_to_reach_it(content_dir: Path, local_dir: Path) -> None:
    families = local_dir / "families.toml"
    families.write_text('[[family]]\nprefix = "0xCAA8"\ncontact_name = "the network team"\n')
    assert any("a contact needs" in p for p in problems_of(content_dir, local_dir))


# --- upgrades --------------------------------------------------------------------------------


def run(command: click.Command, args: list[str], content_dir: Path, local_dir: Path) -> Result:
    """Run a ``flask`` command of ours with these two folders as its settings."""
    env = {"CONTENT_DIR": str(content_dir), "LOCAL_CONTENT_DIR": str(local_dir)}
    return CliRunner().invoke(command, args, env=env)


def test_an_upgrade_under_an_override_is_named_field_by_field_until_reviewed(
    content_dir: Path, local_dir: Path
) -> None:
    result = run(content, ["override", "0xcaa82efd"], content_dir, local_dir)
    assert result.exit_code == 0, result.output
    override = local_dir / "catalogue" / "override-0xcaa82efd.toml"
    written = override.read_text()
    assert "based_on = {" in written and '# title = "Teams could not connect"' in written
    override.write_text(written.replace("# title = ", "title = ", 1).replace("could not", "can't"))
    assert "no local change needs a review" in run(check_content, [], content_dir, local_dir).output

    # The new release corrects the title (overridden) and the steps (not overridden).
    upgraded = NETWORK_TOML.replace("Teams could not connect", "Teams cannot connect").replace(
        "Check that you are online.", "Check that you are online and not on guest Wi-Fi."
    )
    (content_dir / "catalogue" / "network.toml").write_text(upgraded)
    result = run(check_content, [], content_dir, local_dir)
    assert result.exit_code == 0, result.output
    review = [line for line in result.output.splitlines() if "0xCAA82EFD" in line]
    assert len(review) == 1
    assert "local/catalogue/override-0xcaa82efd.toml" in review[0]
    assert "steps changed (the site shows the new shipped text)" in review[0]
    assert "title changed (yours is shown)" in review[0]
    assert "summary" not in review[0]

    result = run(content, ["override", "0xCAA82EFD"], content_dir, local_dir)
    assert "marked reviewed" in result.output
    assert "no local change needs a review" in run(check_content, [], content_dir, local_dir).output


def test_a_shipped_correction_where_nothing_is_overridden_shows_on_the_site(
    content_dir: Path, local_dir: Path, tmp_path: Path
) -> None:
    (content_dir / "catalogue" / "aadsts.toml").write_text(
        AADSTS_TOML.replace("was not accepted", "was refused by the sign-in service")
    )
    (content_dir / "codes.toml").write_text(CODES_TOML.replace("Restart Teams.", "Quit Teams."))
    client = make_app(content_dir, tmp_path, LOCAL_CONTENT_DIR=str(local_dir)).test_client()
    assert "was refused by the sign-in service" in text(client, "/codes/AADSTS50126")
    # Under an override of the title alone, a correction of the steps shows too.
    html = text(client, "/codes/0xCAA20003")
    assert "Quit Teams." in html and "Contoso laptops" in html


def test_an_override_of_a_code_the_upgrade_removed_must_be_decided(
    content_dir: Path, local_dir: Path
) -> None:
    run(content, ["override", "0xCAA82EFD"], content_dir, local_dir)
    (content_dir / "catalogue" / "network.toml").unlink()
    result = run(check_content, [], content_dir, local_dir)
    assert result.exit_code == 1
    assert "overrides code 0xCAA82EFD, which the shipped content no longer has" in result.output


def test_a_page_override_is_a_copy_with_its_fingerprint(tmp_path: Path) -> None:
    content_dir = write_content(tmp_path / "content")
    local_dir = tmp_path / "mine"
    local_dir.mkdir()
    assert run(content, ["override", "faq"], content_dir, local_dir).exit_code == 0
    copy = (local_dir / "pages" / "faq.md").read_text()
    assert copy.startswith("+++\n") and "Usually the clock" in copy and "based_on" in copy
    (content_dir / "pages" / "faq.md").write_text(
        (content_dir / "pages" / "faq.md").read_text().replace("Usually", "Most often")
    )
    output = run(check_content, [], content_dir, local_dir).output
    assert "body changed (yours is shown)" in output


def test_an_unknown_key_cannot_be_overridden(content_dir: Path, local_dir: Path) -> None:
    result = run(content, ["override", "0xCAA99999"], content_dir, local_dir)
    assert result.exit_code != 0 and "has no code, family or page" in result.output


# --- the look --------------------------------------------------------------------------------


SITE_CSS = shipped("static") / "site.css"


def test_the_fixture_colours_pass_the_contrast_check(local_dir: Path) -> None:
    assert check_look(local_dir, SITE_CSS) == []


def test_colours_whose_contrast_fails_are_refused_in_each_scheme(local_dir: Path) -> None:
    (local_dir / "style.css").write_text(
        ":root { --accent: #7fd3e6; }\n"
        "@media (prefers-color-scheme: dark) { :root { --accent: #005a70; } }\n"
    )
    problems = [str(p) for p in check_look(local_dir, SITE_CSS)]
    assert any("light scheme" in p and "--accent (#7fd3e6) on --bg" in p for p in problems)
    assert any("dark scheme" in p and "--accent (#005a70) on --bg" in p for p in problems)


def test_check_content_refuses_a_low_contrast_local_look(
    content_dir: Path, local_dir: Path
) -> None:
    (local_dir / "style.css").write_text(":root { --muted: #bbbbbb; }\n")
    result = run(check_content, [], content_dir, local_dir)
    assert result.exit_code == 1 and "--muted (#bbbbbb) on --bg (#ffffff)" in result.output


def test_contrast_is_wcags_ratio() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777", "#fff") == pytest.approx(4.48, abs=0.01)


def test_a_local_translation_overrides_the_german_and_hiding_hides_in_every_language(
    tmp_path: Path,
) -> None:
    local = tmp_path / "local"
    (local / "de").mkdir(parents=True)
    (local / "codes.toml").write_text(
        '[[code]]\ncode = "AADSTS50011"\nhidden = true\n\n'
        '[[code]]\ncode = "0xCAA20003"\ntitle = "Check the clock on your Contoso laptop"\n'
    )
    (local / "de" / "codes.toml").write_text(
        '[[code]]\ncode = "0xCAA20003"\ntitle = "Die Uhr Ihres Contoso-Laptops prüfen"\n'
    )
    site = load_site(SHIPPED_CONTENT, local=local)
    german = site.contents["de"]
    assert "AADSTS50011" not in german.code_by_id and "AADSTS50011" not in site.default.code_by_id
    entry = german.code_by_id["0xCAA20003"]
    assert entry.title == "Die Uhr Ihres Contoso-Laptops prüfen"
    assert entry.language == "de" and entry.summary_text.startswith("Der Anmeldedienst")
