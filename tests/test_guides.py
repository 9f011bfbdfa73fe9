"""The task guides: reached from the navigation's overview, found by the words people search."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

# What people type for a task, in each language, and the guide (or its section) that answers
# it: "slug" accepts any section of the guide, "slug#anchor" only that section. The German
# rows use the words Germans type, not translations of the English queries.
QUERIES = [
    ("en", "clear cache", "reset-teams"),
    ("en", "reset teams", "reset-teams"),
    ("en", "web version", "first-checks#web-version"),
    ("en", "password changed", "password-and-sign-in-loops#password-changed"),
    ("en", "keeps asking for password", "password-and-sign-in-loops#keeps-asking"),
    ("en", "sign-in loop", "password-and-sign-in-loops"),
    ("en", "new phone", "mfa#new-phone"),
    ("en", "lost phone", "mfa#lost-phone"),
    ("en", "authenticator", "mfa"),
    ("en", "android", "phone#android"),
    ("en", "iphone", "phone#iphone"),
    ("en", "licence", "messages-without-a-code#licence"),
    ("en", "license", "messages-without-a-code#licence"),
    ("en", "conditional access", "phone#conditional-access"),
    ("en", "device not compliant", "phone#not-compliant"),
    ("en", "guest account", "messages-without-a-code#guest"),
    ("de", "Cache leeren", "reset-teams"),
    ("de", "Teams zurücksetzen", "reset-teams"),
    ("de", "Webversion", "first-checks#web-version"),
    ("de", "Passwort geändert", "password-and-sign-in-loops#password-changed"),
    ("de", "fragt immer wieder nach Passwort", "password-and-sign-in-loops#keeps-asking"),
    ("de", "Anmeldeschleife", "password-and-sign-in-loops"),
    ("de", "neues Handy", "mfa#new-phone"),
    ("de", "Handy verloren", "mfa#lost-phone"),
    ("de", "Authenticator", "mfa"),
    ("de", "Android", "phone#android"),
    ("de", "iPhone", "phone#iphone"),
    ("de", "Lizenz", "messages-without-a-code#licence"),
    ("de", "bedingter Zugriff", "phone#conditional-access"),
    ("de", "Gerät nicht konform", "phone#not-compliant"),
    ("de", "Gastkonto", "messages-without-a-code#guest"),
]
QUERY_IDS = [f"{language}-{query}" for language, query, _ in QUERIES]

GUIDES = [
    "first-checks",
    "reset-teams",
    "password-and-sign-in-loops",
    "mfa",
    "phone",
    "messages-without-a-code",
    "for-it",
]
RESULT_LINK = re.compile(r'<li class="result">.*?<h3><a href="([^"]+)"', re.S)
NAV = re.compile(r'<nav aria-label="[^"]+">(.*?)</nav>', re.S)


def _prefix(language: str) -> str:
    return "" if language == "en" else f"/{language}"


def _lands(expected: str, urls: list[str], language: str) -> bool:
    """Whether one of ``urls`` is the expected guide, or the expected section of it."""
    path, _, anchor = expected.partition("#")
    wanted = f"{_prefix(language)}/{path}"
    for url in urls:
        url_path, _, url_anchor = url.partition("#")
        if url_path.removeprefix("http://localhost") == wanted and anchor in ("", url_anchor):
            return True
    return False


@pytest.mark.parametrize(("language", "query", "expected"), QUERIES, ids=QUERY_IDS)
def test_search_page_shows_the_guide_in_the_top_three(
    shipped_client: FlaskClient, language: str, query: str, expected: str
) -> None:
    response = shipped_client.get(f"{_prefix(language)}/search", query_string={"q": query})
    assert response.status_code == 200
    top = RESULT_LINK.findall(response.get_data(as_text=True))[:3]
    assert _lands(expected, top, language), f"{query!r} ({language}): {top}"


@pytest.mark.parametrize(("language", "query", "expected"), QUERIES, ids=QUERY_IDS)
def test_search_api_gives_the_guide_in_the_top_three(
    shipped_client: FlaskClient, language: str, query: str, expected: str
) -> None:
    body = shipped_client.get(
        "/api/search", query_string={"q": query, "lang": language, "limit": 3}
    ).get_json()
    top = [result["url"] for result in body["results"]]
    assert _lands(expected, top, language), f"{query!r} ({language}): {top}"


@pytest.mark.parametrize("language", ["en", "de"])
def test_guides_are_listed_on_their_overview_not_in_the_navigation(
    shipped_client: FlaskClient, language: str
) -> None:
    prefix = _prefix(language)
    home = shipped_client.get(f"{prefix}/").get_data(as_text=True)
    navigation = NAV.search(home).group(1)
    assert f'href="{prefix}/guides"' in navigation
    overview = shipped_client.get(f"{prefix}/guides").get_data(as_text=True)
    for slug in GUIDES:
        assert f'href="{prefix}/{slug}"' not in navigation, slug
        assert f'href="{prefix}/{slug}"' in overview, slug
        page = shipped_client.get(f"{prefix}/{slug}")
        assert page.status_code == 200, slug
        assert 'lang="en"' not in page.get_data(as_text=True).split("<main", 1)[1], (
            f"{slug} is not translated into {language}"
        )


def test_home_page_links_to_the_first_checks(shipped_client: FlaskClient) -> None:
    for prefix in ("", "/de"):
        home = shipped_client.get(f"{prefix}/").get_data(as_text=True)
        assert f'href="{prefix}/first-checks"' in home
        assert f'href="{prefix}/reset-teams"' in home


# Codes whose cause may be on the person's device point to the guide's steps instead of
# repeating them: (code, a guide section its page links to).
CODE_LINKS = [
    ("0xCAA10010", "reset-teams#new-teams-windows"),
    ("0xCAA1001A", "first-checks#web-version"),
    ("0xCAA90018", "password-and-sign-in-loops#keeps-asking"),
    ("AADSTS50126", "password-and-sign-in-loops#credential-manager"),
    ("AADSTS50173", "password-and-sign-in-loops#keychain"),
    ("AADSTS70000", "reset-teams#new-teams-windows"),
    ("0x8007000D", "password-and-sign-in-loops#credential-manager"),
    ("0x80090016", "password-and-sign-in-loops#access-work-or-school"),
]


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize(("code", "section"), CODE_LINKS)
def test_code_page_points_to_the_guide_section(
    shipped_client: FlaskClient, language: str, code: str, section: str
) -> None:
    prefix = _prefix(language)
    html = shipped_client.get(f"{prefix}/codes/{code}").get_data(as_text=True)
    assert f'href="{prefix}/{section}"' in html
