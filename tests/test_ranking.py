"""Word search ranks what helps most first: what people type for the common causes, in every
language, finds the full answer or guide; natural sentences find the obvious page; pages for
IT stand behind the person's own unless the words are IT's."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from support.content import SHIPPED_CONTENT, write_content

from webapp.content import ContentError, load_site
from webapp.content.model import CODE
from webapp.search.engine import BODY, FULL_ANSWER_STEPS, TITLE, SearchEngine
from webapp.search.index import Document, WordIndex
from webapp.search.text import Analyzer

WORD_QUERIES = Path(__file__).parent / "data" / "word-queries.tsv"
SITE = load_site(SHIPPED_CONTENT)
ENGINES = {language: SearchEngine(content) for language, content in SITE.contents.items()}


def _read_queries() -> list[tuple[str, str, tuple[str, ...]]]:
    with WORD_QUERIES.open(encoding="utf-8") as lines:
        rows = csv.DictReader((line for line in lines if not line.startswith("#")), delimiter="\t")
        return [(row["language"], row["query"], tuple(row["first"].split())) for row in rows]


QUERIES = _read_queries()


def first_result(language: str, query: str) -> Document:
    hits = ENGINES[language].search(query).hits
    assert hits, f"no results for {query!r}"
    return hits[0].document


def name(document: Document) -> str:
    """A result as the query list writes it: a code, "slug" or "slug#anchor"."""
    if document.kind == CODE:
        return document.key
    return f"{document.key}#{document.anchor}" if document.anchor else document.key


def is_expected(document: Document, expected: tuple[str, ...]) -> bool:
    # A page without an anchor in the list accepts any of its sections.
    return name(document) in expected or (document.kind != CODE and document.key in expected)


def test_the_query_list_covers_every_language_and_the_common_causes() -> None:
    languages = {language for language, _, _ in QUERIES}
    assert languages == set(SITE.languages)
    typed = {query.lower() for _, query, _ in QUERIES}
    for word in ("clock", "password", "proxy", "certificate", "licence", "license", "vpn"):
        assert word in typed
    for word in ("uhr", "kennwort", "passwort", "zertifikat", "lizenz", "handy", "gesperrt"):
        assert word in typed
    for word in ("horloge", "mot de passe", "certificat", "licence", "téléphone", "bloqué"):
        assert word in typed
    for word in ("reloj", "contraseña", "certificado", "licencia", "teléfono", "bloqueado"):
        assert word in typed


@pytest.mark.parametrize(("language", "query", "expected"), QUERIES)
def test_what_people_type_puts_the_answer_that_helps_most_first(
    language: str, query: str, expected: tuple[str, ...]
) -> None:
    first = first_result(language, query)
    assert is_expected(first, expected), f"{query!r} led with {name(first)}, not {expected}"


@pytest.mark.parametrize(("language", "query", "expected"), QUERIES)
def test_the_first_result_is_a_guide_or_a_full_answer_not_a_short_entry(
    language: str, query: str, expected: tuple[str, ...]
) -> None:
    first = first_result(language, query)
    if first.kind == CODE:
        entry = SITE.contents[language].code_by_id[first.key]
        assert len(entry.steps) >= FULL_ANSWER_STEPS, f"{query!r} led with {first.key}"


def small_index(*documents: tuple[str, str, bool]) -> WordIndex:
    """Pages (key, text, for IT) with their key as title."""
    return WordIndex.build(
        Analyzer(),
        [
            (Document("page", key, "", key, text, for_it=for_it), [(key, TITLE), (text, BODY)])
            for key, text, for_it in documents
        ],
    )


def test_a_page_for_it_ranks_below_the_persons_page_holding_the_same_words() -> None:
    index = small_index(
        ("admins", "Ask whether Teams works in the browser and in the desktop app.", True),
        ("person", "Try Teams in the browser; if it works there, reset the app.", False),
        ("other", "Something else entirely.", False),
    )
    assert [h.document.key for h in index.search("teams works in browser").hits][:2] == [
        "person",
        "admins",
    ]


def test_a_page_for_it_ranks_first_for_its_own_words() -> None:
    index = small_index(
        ("admins", "Run dsregcmd /status and read the browser's sign-in log.", True),
        ("person", "Try Teams in the browser. IT may run dsregcmd for you.", False),
        ("other", "Use the browser.", False),
    )
    # "dsregcmd" is in the page for IT and one other: not IT's own alone…
    assert index.search("browser").hits[0].document.key != "admins"
    # …but a word only the page for IT holds is.
    assert index.search("sign-in log browser").hits[0].document.key == "admins"


def test_shipped_pages_for_it_stand_behind_the_guides_unless_the_words_are_its_own() -> None:
    assert first_result("en", "teams works in browser but not desktop app").key != "for-it"
    assert first_result("de", "Teams geht im Browser, aber nicht in der App").key != "for-it"
    assert first_result("en", "dsregcmd").key == "for-it"
    assert first_result("de", "dsregcmd").key == "for-it"


def test_a_long_sentence_keeps_the_answer_missing_one_of_its_words() -> None:
    index = small_index(
        ("guide", "After a password change, sign in to Teams again.", False),
        ("entry", "Teams won't let you sign in: the password changed.", False),
    )
    keys = [
        h.document.key
        for h in index.search("teams won't let me sign in after password change").hits
    ]
    assert "guide" in keys  # it lacks only "let"


def test_a_short_query_still_narrows_to_the_documents_holding_every_word() -> None:
    index = small_index(("both", "proxy and firewall", False), ("one", "proxy only", False))
    assert [h.document.key for h in index.search("proxy firewall").hits] == ["both"]


def test_a_word_in_a_short_title_does_not_outrank_the_answer_about_it() -> None:
    # One word is no phrase: the title "out of date" must not win over the clock answer.
    assert first_result("en", "date").key != "0xCAA82F05"


@pytest.mark.parametrize(
    ("american", "british"),
    [("license", "licence"), ("licensed", "licence"), ("organization", "organisation")],
)
def test_american_spellings_find_the_british_ones_the_content_uses(
    american: str, british: str
) -> None:
    english = Analyzer("en")
    assert english.surface_terms(american)[0][1] == english.surface_terms(british)[0][1]


def test_part_of_a_phrase_ranks_above_the_same_words_scattered() -> None:
    index = small_index(
        ("scattered", "the app and the browser; it works", False),
        ("together", "it works in the browser, not the app", False),
    )
    assert index.search("teams works in browser but not in app").hits[0].document.key == (
        "together"
    )


def test_a_page_may_be_written_for_it(tmp_path: Path) -> None:
    page = '+++\ntitle = "For IT"\naudience = "it"\n+++\n## Logs {#logs}\n\nRead them.\n'
    content = load_site(write_content(tmp_path / "content", **{"pages/admins.md": page})).default
    assert content.page_by_slug["admins"].audience == "it"
    assert content.page_by_slug["faq"].audience == "everyone"


def test_an_unknown_audience_is_refused(tmp_path: Path) -> None:
    page = '+++\ntitle = "For IT"\naudience = "admins"\n+++\nRead them.\n'
    root = write_content(tmp_path / "content", **{"pages/admins.md": page})
    with pytest.raises(ContentError) as caught:
        load_site(root)
    assert [str(p) for p in caught.value.problems] == [
        "content/pages/admins.md: front matter: audience 'admins' is unknown: write one of "
        "everyone, it"
    ]
