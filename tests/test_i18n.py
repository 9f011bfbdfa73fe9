"""Languages: every route in every language, the first-visit choice, the switcher, hreflang,
fallbacks to English, and German searches over the shipped content."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from support.apps import make_app
from support.content import SHIPPED_CONTENT, add_translations, write_content

from webapp.content import load_site
from webapp.search.engine import SearchEngine

GERMAN = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.6"}

ROUTES = [
    "/",
    "/codes",
    "/codes/0xCAA20003",
    "/codes/none",
    "/faq",
    "/references",
    "/search?q=proxy",
]


@pytest.mark.parametrize("route", ROUTES)
def test_every_page_exists_in_every_language(shipped_client: FlaskClient, route: str) -> None:
    english = shipped_client.get(route + ("&" if "?" in route else "?") + "lang=en")
    assert english.status_code == 200
    assert '<html lang="en">' in english.get_data(as_text=True)
    for language in ("de", "fr", "es"):
        translated = shipped_client.get(f"/{language}" + route)
        assert translated.status_code == 200, (language, route)
        assert f'<html lang="{language}">' in translated.get_data(as_text=True)


def test_german_code_page_is_written_in_german(shipped_client: FlaskClient) -> None:
    html = shipped_client.get("/de/codes/0xCAA20003").get_data(as_text=True)
    assert "Uhrzeit" in html
    assert 'href="/de/codes"' in html  # navigation stays in German
    assert "Zeitüberschreitung" in shipped_client.get("/de/codes/0xCAA82EE2").get_data(as_text=True)


def test_german_unknown_code_is_explained_in_german(shipped_client: FlaskClient) -> None:
    response = shipped_client.get("/de/codes/0xCAA82F13")  # in no table
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "12051" in html and "Verbindung" in html


def test_other_spellings_redirect_within_the_language(shipped_client: FlaskClient) -> None:
    response = shipped_client.get("/de/codes/caa20003")
    assert response.status_code == 301
    assert response.headers["Location"] == "/de/codes/0xCAA20003"
    search = shipped_client.get("/de/search?q=Oxcaa2OOO3")
    assert search.headers["Location"] == "/de/codes/0xCAA20003"


def test_first_visit_follows_the_browser_language(shipped_client: FlaskClient) -> None:
    response = shipped_client.get("/", headers=GERMAN)
    assert response.status_code == 302
    assert response.headers["Location"] == "/de/"
    assert "Accept-Language" in response.headers["Vary"]


def test_first_visit_in_english_stays_and_says_it_varies(shipped_client: FlaskClient) -> None:
    response = shipped_client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert response.status_code == 200
    assert "Accept-Language" in response.headers["Vary"]
    assert shipped_client.get("/", headers={"Accept-Language": "it"}).status_code == 200


@pytest.mark.parametrize(
    ("header", "home"),
    [("fr-CA,fr;q=0.9,en;q=0.5", "/fr/"), ("es-MX,es;q=0.9", "/es/"), ("es-419", "/es/")],
)
def test_first_visit_follows_a_regional_browser_language(
    shipped_client: FlaskClient, header: str, home: str
) -> None:
    response = shipped_client.get("/", headers={"Accept-Language": header})
    assert response.status_code == 302 and response.location.endswith(home)


@pytest.mark.parametrize("prefix", ["/fr", "/es"])
def test_every_page_type_answers_in_the_language(shipped_client: FlaskClient, prefix: str) -> None:
    for path in ("/", "/codes", "/codes/0xCAA20003", "/codes/none", "/faq", "/search?q=proxy"):
        response = shipped_client.get(prefix + path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert f'<html lang="{prefix[1:]}">' in html
        assert 'notice untranslated"' not in html, path


def test_explicit_english_home_is_never_redirected(shipped_client: FlaskClient) -> None:
    response = shipped_client.get("/?lang=en", headers=GERMAN)
    assert response.status_code == 200
    assert '<html lang="en">' in response.get_data(as_text=True)


def test_only_the_home_page_negotiates(shipped_client: FlaskClient) -> None:
    response = shipped_client.get("/codes/0xCAA20003", headers=GERMAN)
    assert response.status_code == 200
    assert '<html lang="en">' in response.get_data(as_text=True)


def switcher_links(html: str) -> dict[str, str]:
    nav = html[html.index('class="languages"') :]
    nav = nav[: nav.index("</nav>")]
    return dict(
        (code, href) for href, code in re.findall(r'<a href="([^"]+)" hreflang="([^"]+)"', nav)
    )


def test_switcher_keeps_the_person_on_the_same_page(shipped_client: FlaskClient) -> None:
    english = switcher_links(shipped_client.get("/codes/0xCAA20003").get_data(as_text=True))
    assert english == {
        "en": "http://localhost/codes/0xCAA20003",
        "de": "http://localhost/de/codes/0xCAA20003",
        "es": "http://localhost/es/codes/0xCAA20003",
        "fr": "http://localhost/fr/codes/0xCAA20003",
    }
    german = switcher_links(shipped_client.get("/de/search?q=Uhr").get_data(as_text=True))
    assert german["en"] == "http://localhost/search?q=Uhr"


def test_switcher_to_english_home_avoids_the_redirect(shipped_client: FlaskClient) -> None:
    links = switcher_links(shipped_client.get("/de/").get_data(as_text=True))
    assert links["en"] == "http://localhost/?lang=en"


def test_hreflang_alternates_name_every_language(shipped_client: FlaskClient) -> None:
    html = shipped_client.get("/de/faq").get_data(as_text=True)
    assert '<link rel="alternate" hreflang="en" href="http://localhost/faq">' in html
    assert '<link rel="alternate" hreflang="de" href="http://localhost/de/faq">' in html
    assert '<link rel="alternate" hreflang="fr" href="http://localhost/fr/faq">' in html
    assert '<link rel="alternate" hreflang="es" href="http://localhost/es/faq">' in html
    assert '<link rel="alternate" hreflang="x-default" href="http://localhost/faq">' in html


def test_api_takes_the_language(shipped_client: FlaskClient) -> None:
    body = shipped_client.get("/api/search?q=Chipkarte&lang=de").get_json()
    assert body["results"][0]["code"] == "none"
    assert body["results"][0]["url"] == "http://localhost/de/codes/none"
    assert shipped_client.get("/de/api/search?q=Chipkarte").get_json()["results"][0]["code"] == (
        "none"
    )


def test_api_refuses_an_unknown_language(shipped_client: FlaskClient) -> None:
    response = shipped_client.get("/api/search?q=proxy&lang=xx")
    assert response.status_code == 400
    assert "lang" in response.get_json()["message"]


def test_codes_are_found_in_any_language(shipped_client: FlaskClient) -> None:
    body = shipped_client.get("/api/search?q=caa2-0003&lang=de").get_json()
    assert body["code"] == "0xCAA20003"


GERMAN_ENGINE = SearchEngine(load_site(Path(__file__).parents[1] / "content").contents["de"])


def test_german_prefix_ranks_like_the_word_it_starts() -> None:
    # "Anmeldeda" held only while 0xCAA90018 wrongly said "falsche Anmeldedaten" (fact-check D6).
    first = GERMAN_ENGINE.search("Anmeldeinf").hits[0].document.key
    assert first in [h.document.key for h in GERMAN_ENGINE.search("Anmeldeinformationen").hits[:5]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Zeitüberschreitung", "0xCAA82EE2"),
        ("zeitueberschreitung", "0xCAA82EE2"),
        ("Zeitueberschreitung", "0xCAA82EE2"),
        ("zeitüberschreitnug", "0xCAA82EE2"),  # a typo
        ("Kennwort falsch", "AADSTS50126"),
        ("Uhrzeit", "0xCAA20003"),
        ("Chipkarte", "none"),
        ("Proxy", "0xCAA70004"),
        ("Namensauflösung", "0xCAA82EE7"),
        ("Verbindung unterbrochen", "0xCAA70007"),
        ("Administratorgenehmigung", "AADSTS65001"),
        ("bedingter Zugriff", "0xCAA20004"),
        ("warum kann ich mich nicht anmelden", "faq#why-cant-i-sign-in"),
        ("mehrstufige Authentifizierung", "faq#what-is-mfa"),
        ("einmaliges Anmelden", "faq#what-is-sso"),
        ("moderne Authentifizierung", "faq#what-is-modern-authentication"),
    ],
)
def test_german_word_query_finds_the_expected_answer(query: str, expected: str) -> None:
    hits = GERMAN_ENGINE.search(query).hits[:3]
    assert hits, query
    found = [
        d.key if d.kind == "code" else f"{d.key}#{d.anchor}" for d in (h.document for h in hits)
    ]
    assert expected in found


# -- fallbacks over a partly translated small content folder -----------------------------------


@pytest.fixture
def partial_client(tmp_path: Path) -> FlaskClient:
    root = add_translations(write_content(tmp_path / "content"), "de")
    return make_app(root, tmp_path).test_client()


def test_translated_entry_is_shown_in_german(partial_client: FlaskClient) -> None:
    html = partial_client.get("/de/codes/0xCAA20003").get_data(as_text=True)
    assert "Prüfen Sie Ihre Uhr" in html
    assert 'untranslated"' not in html


def test_untranslated_entry_falls_back_to_english_and_says_so(
    partial_client: FlaskClient,
) -> None:
    response = partial_client.get("/de/codes/0xCAA82EE2")
    assert response.status_code == 200  # never a 404 for a missing translation
    html = response.get_data(as_text=True)
    assert "The request timed out" in html
    assert 'notice untranslated"' in html
    assert 'href="http://localhost/codes/0xCAA82EE2"' in html  # the English original
    assert 'lang="en"' in html  # the English text is marked as English for screen readers


def test_untranslated_page_falls_back_to_english(partial_client: FlaskClient) -> None:
    response = partial_client.get("/de/faq")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'notice untranslated"' in html and "Why can't I sign in?" in html


def test_interface_is_in_german_on_german_pages(shipped_client: FlaskClient) -> None:
    html = shipped_client.get("/de/codes/0xCAA20003").get_data(as_text=True)
    assert "Was Sie versuchen können" in html
    assert "What you can try" not in html
    assert "Statuscode 0xCAA20003" in html  # the prepared message for IT, in German
    assert "Hilfe zur Teams-Anmeldung" in html  # the site's translated default name


def test_results_count_uses_german_plurals(shipped_client: FlaskClient) -> None:
    html = shipped_client.get("/de/search?q=Proxy").get_data(as_text=True)
    assert re.search(r"\d+ Ergebnisse?<", html)


def test_german_error_pages(shipped_client: FlaskClient) -> None:
    response = shipped_client.get("/de/nirgendwo")
    assert response.status_code == 404
    assert '<html lang="de">' in response.get_data(as_text=True)
    too_long = shipped_client.get("/de/search", query_string={"q": "x" * 2001})
    assert too_long.status_code == 400
    assert "bitte bleiben Sie unter 2000" in too_long.get_data(as_text=True)


GERMAN_PAGES = [
    "/de/",
    "/de/codes",
    "/de/codes/0xCAA20003",
    "/de/codes/0xCAA82EFD",
    "/de/faq",
    "/de/search?q=Uhr",
    "/de/api/search?q=Uhr",
    "/de/nirgendwo",
]


@pytest.mark.parametrize("path", GERMAN_PAGES)
def test_german_pages_carry_the_security_headers(shipped_client: FlaskClient, path: str) -> None:
    from test_security import EXPECTED

    response = shipped_client.get(path)
    for header, value in EXPECTED.items():
        assert response.headers.get(header) == value, header


@pytest.mark.parametrize("path", ["/de/", "/de/codes"])
def test_german_pages_are_cached_and_revalidated(shipped_client: FlaskClient, path: str) -> None:
    first = shipped_client.get(path)
    assert first.status_code == 200 and first.headers["ETag"]
    assert "public" in first.headers["Cache-Control"]
    again = shipped_client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("path", ["/codes/0xCAA20003", "/faq", "/search?q=proxy", "/nope"])
def test_german_pages_are_cached_like_english_ones(shipped_client: FlaskClient, path: str) -> None:
    english = shipped_client.get(path)
    german = shipped_client.get("/de" + path)
    assert german.headers["Cache-Control"] == english.headers["Cache-Control"]


def test_the_page_cache_keeps_languages_apart(shipped_client: FlaskClient) -> None:
    for _ in range(2):  # the second round is answered from memory
        english = shipped_client.get("/codes/0xCAA20003").get_data(as_text=True)
        german = shipped_client.get("/de/codes/0xCAA20003").get_data(as_text=True)
        assert '<html lang="en">' in english and "What you can try" in english
        assert '<html lang="de">' in german and "Was Sie versuchen können" in german


def test_static_files_have_one_address_in_every_language(shipped_client: FlaskClient) -> None:
    english = re.search(r'href="([^"]+\.css)"', shipped_client.get("/faq").get_data(as_text=True))
    german = re.search(r'href="([^"]+\.css)"', shipped_client.get("/de/faq").get_data(as_text=True))
    assert english[1] == german[1] and english[1].startswith("/static/")


def test_translations_need_no_folder_to_write_to(monkeypatch, tmp_path: Path) -> None:
    """The service user may own no folder at all: the catalogues are compiled in memory."""
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError("read-only")

    monkeypatch.setattr(Path, "mkdir", refuse)
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refuse)
    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    app = make_app(SHIPPED_CONTENT, tmp_path)
    assert "Statuscodes" in app.test_client().get("/de/codes").get_data(as_text=True)
