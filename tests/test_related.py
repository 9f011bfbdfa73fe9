"""Related codes under a code's page are the same problem (same family, the same people fix it,
distinctive words in common), or none: never codes whose only link is a nearby number."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from support.content import SHIPPED_CONTENT

from webapp.content import load_site
from webapp.search.engine import SearchEngine
from webapp.search.families import family_of

SITE = load_site(SHIPPED_CONTENT)
ENGINES = {language: SearchEngine(content) for language, content in SITE.contents.items()}


def related(language: str, code: str) -> list[str]:
    engine = ENGINES[language]
    return [entry.code for entry in engine.related(engine.content.code_by_id[code])]


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_wrong_password_is_related_to_the_other_password_problems(language: str) -> None:
    codes = related(language, "AADSTS50126")
    assert "AADSTS50055" in codes  # the password has expired
    # Its numeric neighbours about an app's claim settings and device registration are not.
    assert "AADSTS50124" not in codes and "AADSTS50129" not in codes


@pytest.mark.parametrize("language", ["en", "de"])
def test_related_codes_share_the_family_and_who_fixes_them(language: str) -> None:
    content = SITE.contents[language]
    engine = ENGINES[language]
    for entry in content.codes[::7]:
        family = family_of(entry.code, content)
        for other in engine.related(entry):
            assert family_of(other.code, content) == family
            assert other.fixer == entry.fixer and other.code != entry.code


def test_a_code_with_no_close_problem_lists_none(shipped_client: FlaskClient) -> None:
    engine = ENGINES["en"]
    # "A unique ID for the sign-in could not be created"
    assert engine.related(engine.content.code_by_id["0xCAA1002C"]) == ()
    html = shipped_client.get("/codes/0xCAA1002C").get_data(as_text=True)
    assert "Related codes" not in html
    html = shipped_client.get("/codes/AADSTS50126").get_data(as_text=True)
    assert "Related codes" in html and 'href="/codes/AADSTS50055"' in html
