"""French and Spanish over the shipped content: found in the words people there type (with or
without accents), the right answer in the top three; chosen on a first visit from a regional
browser language; every kind of page in the language, nothing in English."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from support.content import SHIPPED_CONTENT

from webapp.content import load_site
from webapp.search.engine import SearchEngine

SITE = load_site(SHIPPED_CONTENT)
ENGINES = {language: SearchEngine(SITE.contents[language]) for language in ("fr", "es")}


def top_three(language: str, query: str) -> list[str]:
    hits = ENGINES[language].search(query).hits[:3]
    return [
        d.key if d.kind == "code" else f"{d.key}#{d.anchor}" for d in (h.document for h in hits)
    ]


# What people type, and the answer it must land in the top three.
FRENCH = [
    ("mot de passe incorrect", "AADSTS50126"),
    ("mot de passe expiré", "AADSTS50055"),
    ("délai d'attente dépassé", "0xCAA82EE2"),
    ("delai d'attente depasse", "0xCAA82EE2"),
    ("horloge", "0xCAA20003"),
    ("carte à puce", "none"),
    ("proxy", "0xCAA70004"),
    ("serveur introuvable", "0xCAA82EE7"),
    ("connexion interrompue", "0xCAA70007"),
    ("consentement administrateur", "AADSTS65001"),
    ("accès conditionnel", "0xCAA20004"),
    ("pourquoi je ne peux pas me connecter", "faq#why-cant-i-sign-in"),
    ("authentification multifacteur", "faq#what-is-mfa"),
    ("l'authentification moderne", "faq#what-is-modern-authentication"),
    ("authentification unique", "faq#what-is-sso"),
    ("nouveau téléphone", "mfa#new-phone"),
]
SPANISH = [
    ("contraseña incorrecta", "AADSTS50126"),
    ("contrasena incorrecta", "AADSTS50126"),
    ("contraseña caducada", "AADSTS50055"),
    ("tiempo de espera agotado", "0xCAA82EE2"),
    ("reloj", "0xCAA20003"),
    ("hora incorrecta", "0xCAA20003"),
    ("tarjeta inteligente", "none"),
    ("proxy", "0xCAA70004"),
    ("servidor no encontrado", "0xCAA82EE7"),
    ("conexión interrumpida", "0xCAA70007"),
    ("consentimiento del administrador", "AADSTS65001"),
    ("acceso condicional", "0xCAA20004"),
    ("por qué no puedo iniciar sesión", "faq#why-cant-i-sign-in"),
    ("autenticacion multifactor", "faq#what-is-mfa"),
    ("autenticación moderna", "faq#what-is-modern-authentication"),
    ("inicio de sesión único", "faq#what-is-sso"),
    ("teléfono nuevo", "mfa#new-phone"),
]


@pytest.mark.parametrize(
    ("language", "query", "expected"),
    [("fr", *pair) for pair in FRENCH] + [("es", *pair) for pair in SPANISH],
)
def test_words_people_type_find_the_expected_answer(
    language: str, query: str, expected: str
) -> None:
    assert expected in top_three(language, query), top_three(language, query)


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
