"""Word analysis in French and Spanish: accents folded, elisions dropped, stop words left out,
so that what people type meets what the content says."""

from __future__ import annotations

import pytest

from webapp.search.text import Analyzer


@pytest.mark.parametrize(
    ("language", "typed", "written"),
    [
        ("fr", "l'authentification", "authentification"),
        ("fr", "d\u2019accès", "accès"),  # the typographic apostrophe of a phone keyboard
        ("fr", "acces", "accès"),
        ("fr", "Paramètres", "parametres"),
        ("fr", "mots", "mot"),
        ("es", "contrasena", "contraseña"),
        ("es", "contraseñas", "contraseña"),
        ("es", "sesion", "sesión"),
        ("es", "AUTENTICACIÓN", "autenticación"),
    ],
)
def test_what_people_type_meets_what_the_content_says(
    language: str, typed: str, written: str
) -> None:
    analyzer = Analyzer(language)
    assert analyzer.analyse(typed)[1] == analyzer.analyse(written)[1] != ""


@pytest.mark.parametrize(
    ("language", "text", "terms"),
    [
        ("fr", "je ne peux pas me connecter à Teams", ["peux", "connect", "team"]),
        ("es", "no puedo iniciar sesión en Teams", ["pued", "inici", "sesion", "teams"]),
    ],
)
def test_stop_words_are_left_out(language: str, text: str, terms: list[str]) -> None:
    assert [t for _, t in Analyzer(language).surface_terms(text)] == terms


def test_an_apostrophe_inside_an_english_word_is_not_an_elision() -> None:
    assert Analyzer("en").analyse("can't")[0] == "cant"
    assert Analyzer("es").analyse("l'authentification")[0] == "lauthentification"
