"""The message for IT in IT's language (``IT_LANGUAGE``, English unless set): when the page is
in another language, the subject and the first lines are in IT's, with the code's title as IT's
language has it, so a German employee's message reaches an English-speaking desk readable; when
the page is in IT's language the message is the page's alone, as it always was."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from support.apps import make_app
from support.content import SHIPPED_CONTENT, add_translations, write_content
from support.messages import mailto_of, message_for_it, subject_and_body

from webapp.config import SettingError
from webapp.content import current_site

TODAYS_MESSAGE = """\
Hello,

Teams won't let me sign in. It shows status code 0xCAA20003 (“Check your clock”).

When it started: [date and time]
Correlation ID, request ID, timestamp: [under “More details” on the sign-in page, if shown]
Which Teams: [desktop app, web browser, phone app]
Device: [for example, Windows laptop, Mac, phone]
Network: [office, home, VPN, mobile data, hotel or guest Wi-Fi]
What I have tried: [for example, restarting Teams, checking the clock]

Help page: http://localhost/codes/0xCAA20003

Thank you"""

OPENING_LINES = 4  # the code and its title, what the lines below are, the help page, a blank


@pytest.fixture(scope="module")
def english_desk(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The shipped content, IT_LANGUAGE unset (English), with an IT address to e-mail."""
    return make_app(SHIPPED_CONTENT, tmp_path_factory.mktemp("desk"))


@pytest.fixture(scope="module")
def german_desk(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The shipped content for an organisation whose service desk reads German."""
    return make_app(SHIPPED_CONTENT, tmp_path_factory.mktemp("desk"), IT_LANGUAGE="de")


def title(app: Flask, language: str, code: str) -> str:
    with app.app_context():
        return current_site().contents[language].code_by_id[code].title


@pytest.mark.parametrize(
    ("code", "label"),
    [("0xCAA20003", "Status code 0xCAA20003"), ("AccountNotSetUp", "Error AccountNotSetUp")],
)
def test_a_german_page_tells_an_english_desk_the_code_and_its_title_in_english(
    english_desk: Flask, code: str, label: str
) -> None:
    english, german = title(english_desk, "en", code), title(english_desk, "de", code)
    assert english != german
    page = english_desk.test_client().get(f"/de/codes/{code}").get_data(as_text=True)
    message = message_for_it(page)
    assert message.split("\n")[:OPENING_LINES] == [
        f"{label}: {english}",
        "Below in German: start time, sign-in IDs, which Teams, device, network, what I tried.",
        f"Help page in English: http://localhost/codes/{code}",
        "",
    ]
    # The person's own message follows, in German, with the German title and page.
    assert message.split("\n")[OPENING_LINES] == "Hallo,"
    assert german in message and f"Hilfeseite: http://localhost/de/codes/{code}" in message
    subject, body = subject_and_body(mailto_of(page))
    assert subject.startswith("Teams sign-in problem: ")
    assert subject.endswith(f"{code} (“{english}”)")
    assert body == message
    assert "Die ersten Zeilen sind für die IT auf Englisch." in page


def test_the_no_code_page_and_an_unknown_code_tell_an_english_desk_too(
    english_desk: Flask,
) -> None:
    client = english_desk.test_client()
    none = message_for_it(client.get("/de/codes/none").get_data(as_text=True))
    assert none.startswith(f"No status code: {title(english_desk, 'en', 'none')}\nBelow in German")
    unknown = message_for_it(client.get("/de/codes/0xCAA82F13").get_data(as_text=True))
    assert unknown.startswith("Status code 0xCAA82F13\nBelow in German")  # no entry, no title


def test_an_english_page_tells_a_german_desk_the_title_in_german(german_desk: Flask) -> None:
    german = title(german_desk, "de", "0xCAA20003")
    page = german_desk.test_client().get("/codes/0xCAA20003").get_data(as_text=True)
    message = message_for_it(page)
    assert message.split("\n")[:OPENING_LINES] == [
        f"Statuscode 0xCAA20003: {german}",
        "Unten auf Englisch: seit wann, Anmelde-IDs, welches Teams, Gerät, Netzwerk, was ich "
        "versucht habe.",
        "Hilfeseite auf Deutsch: http://localhost/de/codes/0xCAA20003",
        "",
    ]
    assert title(german_desk, "en", "0xCAA20003") in message  # the person's own, in English
    subject, body = subject_and_body(mailto_of(page))
    assert subject == f"Problem bei der Teams-Anmeldung: Statuscode 0xCAA20003 („{german}“)"
    assert body == message
    assert "Its first lines are in German, for IT." in page


def test_when_it_reads_the_pages_language_the_message_is_as_it_always_was(
    client: FlaskClient,
) -> None:
    page = client.get("/codes/0xCAA20003").get_data(as_text=True)
    assert message_for_it(page) == TODAYS_MESSAGE
    assert subject_and_body(mailto_of(page)) == (
        "Teams sign-in problem: status code 0xCAA20003",
        TODAYS_MESSAGE,
    )
    assert "for IT." not in page


def test_a_german_desk_gets_a_german_pages_message_alone_with_nothing_before_it(
    german_desk: Flask, english_desk: Flask
) -> None:
    alone = german_desk.test_client().get("/de/codes/0xCAA20003").get_data(as_text=True)
    with_opening = english_desk.test_client().get("/de/codes/0xCAA20003").get_data(as_text=True)
    message = message_for_it(alone)
    assert message.startswith("Hallo,\n")
    assert message == "\n".join(message_for_it(with_opening).split("\n")[OPENING_LINES:])
    subject, _ = subject_and_body(mailto_of(alone))
    assert subject == "Problem bei der Teams-Anmeldung: Statuscode 0xCAA20003"
    assert "für die IT auf" not in alone


def test_an_entry_its_language_lacks_is_titled_for_it_in_english(tmp_path: Path) -> None:
    root = write_content(
        add_translations(tmp_path / "content", "de"),
        **{"de__messages.po": (SHIPPED_CONTENT / "de" / "messages.po").read_text("utf-8")},
    )
    client = make_app(root, tmp_path, IT_LANGUAGE="de").test_client()
    untranslated = message_for_it(client.get("/codes/0xCAA82EE2").get_data(as_text=True))
    assert untranslated.startswith("Statuscode 0xCAA82EE2: The request timed out\n")
    translated = message_for_it(client.get("/codes/0xCAA20003").get_data(as_text=True))
    assert translated.startswith("Statuscode 0xCAA20003: Prüfen Sie Ihre Uhr\n")


def test_an_it_language_the_content_lacks_stops_the_start_up(
    content_dir: Path, tmp_path: Path
) -> None:
    with pytest.raises(SettingError) as raised:
        make_app(content_dir, tmp_path, IT_LANGUAGE="de")  # the test content is English only
    assert str(raised.value) == "IT_LANGUAGE must be one of the content's languages (en), not 'de'."
    assert raised.value.variable == "IT_LANGUAGE"


@pytest.mark.parametrize(("code", "status"), [("0xCAA20003", 200), ("0xCAA82F13", 404)])
def test_the_api_carries_the_pages_message(english_desk: Flask, code: str, status: int) -> None:
    client = english_desk.test_client()
    page = client.get(f"/de/codes/{code}")
    answer = client.get(f"/api/codes/{code}", query_string={"lang": "de"})
    assert page.status_code == answer.status_code == status
    html = page.get_data(as_text=True)
    sent = answer.get_json()["message_for_it"]
    assert sent["body"] == message_for_it(html) and sent["mailto"] == mailto_of(html)
    assert sent["subject"] == subject_and_body(mailto_of(html))[0]
    assert sent["body"].startswith("Status code ")  # IT's part first


def test_every_message_in_two_languages_fits_a_mailto_link(
    english_desk: Flask, german_desk: Flask
) -> None:
    """Mail programs and browsers cut or refuse longer mailto: links (2,000 is the old
    browsers' limit, and what Outlook takes)."""
    english, german = english_desk.test_client(), german_desk.test_client()
    codes = [entry["code"] for entry in english.get("/api/codes").get_json()["codes"]]
    for client, prefix in ((english, "/de"), (german, "")):
        for code in codes:
            message = client.get(f"{prefix}/api/codes/{code}").get_json()["message_for_it"]
            assert message["body"].count("\n") > 15, code  # with the lines for IT
            assert len(message["mailto"]) <= 2000, code
