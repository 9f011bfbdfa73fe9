"""Feedback through the site: the question on each answer, the form, CSRF, validation, PRG,
what is stored (and what is not), and a database that is down."""

from __future__ import annotations

import gzip
import io
import logging
import re
import threading
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from support.apps import make_app

from webapp.storage import Storage
from webapp.storage.tables import feedback, metadata

DOWN_URL = "postgresql+psycopg://nobody:secret@127.0.0.1:1/signin"
LONG = "x" * 501
THANKS = "/codes/0xCAA20003?answered=code:0xCAA20003#feedback"  # where an answer leads back


def token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match[1]


def details_token(client: FlaskClient, about: str = "code:0xCAA20003") -> str:
    """The token of the details step (after No), which starts the person's session; the
    public pages carry none."""
    return token_from(client.get(f"/feedback?about={about}").get_data(as_text=True))


def textarea(html: str, name: str) -> str:
    """The text in a textarea as the browser shows it (the first line end is markup)."""
    match = re.search(rf'<textarea[^>]* name="{name}"[^>]*>\r?\n?(.*?)</textarea>', html, re.S)
    assert match, f"no textarea {name}"
    return unescape(match[1])


def rows(app: Flask) -> list[sa.Row]:
    storage: Storage = app.extensions["storage"]
    with storage.engine.connect() as connection:
        return list(connection.execute(sa.select(feedback).order_by(feedback.c.id)))


def answer(client: FlaskClient, **fields: str):
    """Press Yes or No under an answer: a post without a token, as the public page makes it."""
    data = {"about": "code:0xCAA20003", "step": "answer"}
    data.update(fields)
    return client.post("/feedback", data=data)


def details(client: FlaskClient, token: str, **fields: str):
    data = {"csrf_token": token, "about": "code:0xCAA20003", "step": "details", "helpful": "no"}
    data.update(fields)
    return client.post("/feedback", data=data)


@pytest.fixture
def app(content_dir: Path, tmp_path: Path) -> Flask:
    """Without CSRF checks, for the tests of everything else (CSRF has its own tests)."""
    return make_app(content_dir, tmp_path, WTF_CSRF_ENABLED=False)


@pytest.fixture
def csrf_app(content_dir: Path, tmp_path: Path) -> Flask:
    return make_app(content_dir, tmp_path, WTF_CSRF_ENABLED=True)


@pytest.fixture
def csrf_client(csrf_app: Flask) -> FlaskClient:
    return csrf_app.test_client()


@pytest.fixture
def db_app(database_url: str, content_dir: Path, tmp_path: Path) -> Iterator[Flask]:
    """The app on each database (SQLite, PostgreSQL)."""
    # Fifty posts in a second from one address: over the rate limit, which is not tested here.
    app = make_app(
        content_dir,
        tmp_path,
        DATABASE_URL=database_url,
        WTF_CSRF_ENABLED=True,
        RATELIMIT_ENABLED=False,
    )
    yield app
    app.extensions["storage"].dispose()


# --- The question on each answer -------------------------------------------------------------


def test_code_page_asks_whether_it_solved_the_problem(csrf_client: FlaskClient) -> None:
    html = csrf_client.get("/codes/0xCAA20003").get_data(as_text=True)
    block = html[html.index('id="feedback"') :]
    block = block[: block.index("</form>")]
    assert '<form class="feedback-ask" method="post" action="/feedback">' in block
    assert "<fieldset>" in block and "<legend>Did this solve your problem?</legend>" in block
    assert '<button type="submit" name="helpful" value="yes">Yes</button>' in block
    assert '<button type="submit" name="helpful" value="no">No</button>' in block
    assert '<input type="hidden" name="about" value="code:0xCAA20003">' in block
    assert 'name="csrf_token"' not in block  # a public page: the same bytes for everyone
    assert "<script>" not in html and " style=" not in html


def test_the_answer_from_a_cached_compressed_page_is_stored(csrf_app) -> None:
    for visit in range(2):  # rendered and stored, then from the cache
        client = csrf_app.test_client()
        response = client.get("/codes/0xCAA20003", headers={"Accept-Encoding": "gzip"})
        assert response.headers.get("Content-Encoding") == "gzip", visit
        assert "Set-Cookie" not in response.headers
        assert 'name="helpful"' in gzip.decompress(response.get_data()).decode()
        assert answer(client, helpful="yes").status_code == 303, visit
    assert len(rows(csrf_app)) == 2


def test_unknown_code_page_asks_too(client: FlaskClient) -> None:
    response = client.get("/codes/0xCAA2FFFF")
    assert response.status_code == 404
    assert 'value="code:0xCAA2FFFF"' in response.get_data(as_text=True)


def test_every_answer_on_a_page_asks_with_its_own_anchor(client: FlaskClient) -> None:
    html = client.get("/faq").get_data(as_text=True)
    for anchor, heading in (("why", "Why can't I sign in?"), ("mfa", "What is multi-factor")):
        assert f'id="feedback-{anchor}"' in html
        assert f'value="page:faq#{anchor}"' in html
        assert heading in unescape(html.split(f'id="feedback-{anchor}"')[1].split("</legend>")[0])
    assert html.count("Did this solve your problem?") == 2  # not on the untitled intro


def test_shipped_pages_ask_under_every_answer(shipped_client: FlaskClient, shipped_app) -> None:
    from webapp.content import current_content

    with shipped_app.app_context():
        pages = current_content().pages
    for page in pages:
        html = shipped_client.get(f"/{page.slug}").get_data(as_text=True)
        for section in page.sections:
            # A definition ("What is SSO?") solves no problem: nothing to ask after it.
            asked = f'value="page:{page.slug}#{section.anchor}"' in html
            assert asked == bool(section.anchor and section.anchor not in page.definitions)


# --- Yes: stored, then back to the page with a thank-you -------------------------------------


def test_yes_is_stored_then_redirects_back_with_thanks(csrf_app, csrf_client) -> None:
    response = answer(csrf_client, helpful="yes")
    assert response.status_code == 303
    assert response.headers["Location"] == THANKS
    assert "Set-Cookie" not in response.headers  # Yes needs no session
    (row,) = rows(csrf_app)  # committed before the redirect
    assert (row.kind, row.target, row.section, row.helpful) == ("code", "0xCAA20003", "", True)

    thanked = csrf_client.get(THANKS)
    html = thanked.get_data(as_text=True)
    assert '<div class="feedback no-print" id="feedback" tabindex="-1">' in html
    assert '<p class="feedback-thanks" role="status">Thank you' in html
    assert 'class="feedback-ask"' not in html  # the thanks replaces the question
    assert thanked.headers["Cache-Control"].startswith("public")  # the same for everyone
    # The page itself still asks, and reloading the thanks sends nothing again.
    html = csrf_client.get("/codes/0xCAA20003").get_data(as_text=True)
    assert "feedback-thanks" not in html and 'class="feedback-ask"' in html
    assert len(rows(csrf_app)) == 1


def test_thanks_shows_under_the_answer_that_was_rated(csrf_app, csrf_client) -> None:
    response = answer(csrf_client, about="page:faq#mfa", helpful="yes")
    location = response.headers["Location"]
    assert location == "/faq?answered=page:faq%23mfa#feedback-mfa"
    html = csrf_client.get(location).get_data(as_text=True)
    mfa = html.split('id="feedback-mfa"')[1].split("</div>")[0]
    why = html.split('id="feedback-why"')[1].split("</div>")[0]
    assert "Thank you" in mfa and "Thank you" not in why
    (row,) = rows(csrf_app)
    assert (row.kind, row.target, row.section) == ("page", "faq", "mfa")


# --- No: stored, then the optional details complete the same answer --------------------------


def test_no_is_stored_and_asks_what_went_wrong(csrf_app, csrf_client) -> None:
    response = answer(csrf_client, helpful="no")
    assert response.status_code == 303
    assert response.headers["Location"] == "/feedback?about=code:0xCAA20003"
    assert "Set-Cookie" in response.headers  # from here on the answer is someone's own
    (row,) = rows(csrf_app)
    assert row.helpful is False and row.comment is None

    page = csrf_client.get(response.headers["Location"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1>Tell us what went wrong</h1>" in html
    assert "we have noted that this did not solve your problem" in html
    assert '<input checked id="helpful-1" name="helpful"' in html  # No, already chosen
    assert '<label for="comment">What went wrong? (optional)</label>' in html
    assert '<label for="tried">What did you try? (optional)</label>' in html
    assert 'aria-describedby="comment-hint"' in html and 'maxlength="500"' in html
    assert 'href="/codes/0xCAA20003#feedback"' in html

    response = csrf_client.post(
        "/feedback",
        data={
            "csrf_token": token_from(html),
            "about": "code:0xCAA20003",
            "step": "details",
            "helpful": "no",
            "comment": "  The clock is right but it still fails.  ",
            "tried": "Restarted Teams",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"] == THANKS
    (row,) = rows(csrf_app)  # the same answer, completed
    assert (row.helpful, row.comment, row.tried) == (
        False,
        "The clock is right but it still fails.",
        "Restarted Teams",
    )
    assert "Thank you" in csrf_client.get(THANKS).get_data(as_text=True)


def test_details_without_a_first_answer_are_stored_as_one(client: FlaskClient, app) -> None:
    response = client.post(
        "/feedback",
        data={"about": "page:faq#why", "step": "details", "helpful": "no", "comment": "Hm"},
    )
    assert response.status_code == 303
    (row,) = rows(app)
    assert (row.target, row.section, row.helpful, row.comment) == ("faq", "why", False, "Hm")


def test_no_with_a_comment_in_one_go_needs_no_second_step(client: FlaskClient, app) -> None:
    response = client.post(
        "/feedback",
        data={"about": "code:none", "helpful": "no", "comment": "PIN refused"},
    )
    assert response.headers["Location"] == "/codes/none?answered=code:none#feedback"
    assert [r.comment for r in rows(app)] == ["PIN refused"]


def test_details_page_for_something_we_do_not_serve_is_404(client: FlaskClient) -> None:
    for query in ("", "?about=", "?about=page:faq%23nope", "?about=page:nope%23why", "?about=x"):
        assert client.get(f"/feedback{query}").status_code == 404


# --- CSRF ------------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "", "forged.token.value"])
def test_details_without_a_valid_token_are_400_and_store_nothing(
    csrf_app, csrf_client, token
) -> None:
    details_token(csrf_client)  # a session exists, so only the token is wrong
    data = {"about": "code:0xCAA20003", "step": "details", "helpful": "no", "comment": "Mine"}
    if token is not None:
        data["csrf_token"] = token
    response = csrf_client.post("/feedback", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<h1>Please send your answer again</h1>" in html and "nothing was saved" in html
    assert textarea(html, "comment") == "Mine"  # their words come back, with a fresh token
    assert token_from(html) != token
    assert rows(csrf_app) == []


def test_a_token_from_another_session_is_refused(csrf_app, csrf_client) -> None:
    other = csrf_app.test_client()
    response = details(csrf_client, details_token(other))
    assert response.status_code == 400
    assert rows(csrf_app) == []


def test_the_fresh_token_of_an_expired_form_works(csrf_app, csrf_client) -> None:
    details_token(csrf_client)
    html = details(csrf_client, "expired").get_data(as_text=True)
    response = details(csrf_client, token_from(html))
    assert response.status_code == 303
    assert len(rows(csrf_app)) == 1


# --- Validation: 400, the form again, nothing lost -------------------------------------------


def test_a_comment_too_long_comes_back_with_every_word(csrf_app, csrf_client) -> None:
    response = details(
        csrf_client,
        details_token(csrf_client),
        comment=LONG,
        tried="Rebooted <b>twice</b>",
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<h1>Please check your answer</h1>" in html
    assert '<a href="#comment">Please shorten this to 500 characters or fewer; it has 501.' in html
    assert 'id="comment-error"' in html
    assert 'aria-describedby="comment-hint comment-error"' in html
    assert 'aria-invalid="true"' in html
    assert textarea(html, "comment") == LONG
    assert textarea(html, "tried") == "Rebooted <b>twice</b>"
    assert "Rebooted &lt;b&gt;twice&lt;/b&gt;" in html  # kept, and escaped
    assert '<input checked id="helpful-1"' in html
    assert response.headers["Cache-Control"] == "no-store"
    assert rows(csrf_app) == []


def test_a_missing_or_strange_answer_is_400(client: FlaskClient, app) -> None:
    for helpful in (None, "", "maybe"):
        data = {"about": "code:0xCAA20003", "step": "details", "comment": "Kept"}
        if helpful is not None:
            data["helpful"] = helpful
        response = client.post("/feedback", data=data)
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert '<a href="#helpful-0">Please choose Yes or No.</a>' in html
        assert 'aria-describedby="helpful-error"' in html
        assert textarea(html, "comment") == "Kept"
    assert rows(app) == []


@pytest.mark.parametrize(
    "about",
    ["", "code:", "code:0xcaa20003", "code:hello", "page:faq", "page:faq#nope", "page:x#why", "x"],
)
def test_feedback_about_something_we_do_not_serve_is_400(client, app, about) -> None:
    response = client.post("/feedback", data={"about": about, "helpful": "yes", "comment": "K"})
    assert response.status_code == 400
    assert "We could not tell which page this was about" in response.get_data(as_text=True)
    assert rows(app) == []


def test_a_bad_step_is_400(client: FlaskClient, app) -> None:
    response = client.post(
        "/feedback", data={"about": "code:0xCAA20003", "helpful": "yes", "step": "other"}
    )
    assert response.status_code == 400
    assert rows(app) == []


def test_line_ends_count_once_as_in_the_browser(client: FlaskClient, app) -> None:
    text = "line\r\n" * 83 + "ab"  # 500 characters in the textarea, 583 as sent
    response = client.post(
        "/feedback", data={"about": "code:0xCAA20003", "helpful": "no", "comment": text}
    )
    assert response.status_code == 303
    (row,) = rows(app)
    assert row.comment == ("line\n" * 83 + "ab") and len(row.comment) == 417


def test_control_characters_are_dropped(client: FlaskClient, app) -> None:
    client.post(
        "/feedback",
        data={"about": "code:0xCAA20003", "helpful": "no", "comment": "a\x00b\x1b[31mc\td"},
    )
    assert rows(app)[0].comment == "ab[31mc\td"


def test_a_file_posted_as_a_field_is_ignored(client: FlaskClient, app) -> None:
    response = client.post(
        "/feedback",
        data={
            "about": "code:0xCAA20003",
            "helpful": "no",
            "comment": (io.BytesIO(b"not text"), "notes.txt"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    assert [(r.helpful, r.comment) for r in rows(app)] == [(False, None)]


def test_other_methods_are_refused(client: FlaskClient) -> None:
    for method in ("put", "delete", "patch"):
        assert getattr(client, method)("/feedback").status_code == 405


# --- No personal data ------------------------------------------------------------------------


def test_nothing_about_the_person_is_stored(csrf_app, csrf_client) -> None:
    headers = {
        "User-Agent": "Mozilla/5.0 UniqueAgent/9.9",
        "X-Forwarded-For": "203.0.113.77",
        "Referer": "https://intranet.example/people/jane.doe",
        "Accept-Language": "de-CH",
    }
    csrf_client.post(
        "/feedback",
        data={
            "about": "code:0xCAA20003",
            "helpful": "no",
            "comment": "Still broken",
        },
        headers=headers,
        environ_base={"REMOTE_ADDR": "198.51.100.23"},
    )
    # Only these columns exist ...
    assert [c.name for c in feedback.columns] == [
        "id",
        "kind",
        "target",
        "section",
        "language",
        "helpful",
        "comment",
        "tried",
        "created_at",
    ]
    # ... and nothing the browser sent is anywhere in the database.
    storage: Storage = csrf_app.extensions["storage"]
    with storage.engine.connect() as connection:
        dumped = repr([list(connection.execute(sa.select(t))) for t in metadata.sorted_tables])
    for value in ("UniqueAgent", "203.0.113.77", "198.51.100.23", "jane.doe", "de-CH"):
        assert value not in dumped
    assert "Still broken" in dumped


# --- A database that is down -----------------------------------------------------------------


@pytest.fixture
def down_app(content_dir: Path, tmp_path: Path) -> Flask:
    return make_app(content_dir, tmp_path, DATABASE_URL=DOWN_URL, WTF_CSRF_ENABLED=False)


def test_pages_work_when_the_database_is_down(down_app: Flask) -> None:
    client = down_app.test_client()
    for path in ("/", "/faq", "/codes", "/codes/0xCAA20003", "/search?q=clock"):
        assert client.get(path).status_code == 200, path
    with client.get("/search?q=nothing+like+this") as response:
        assert response.status_code == 200
    with client.get("/codes/0xCAA2FFFF") as response:
        assert response.status_code == 404
    assert client.get("/feedback?about=code:0xCAA20003").status_code == 200


def test_the_form_says_it_could_not_save_and_keeps_the_text(down_app, caplog) -> None:
    client = down_app.test_client()
    with caplog.at_level(logging.ERROR):
        response = client.post(
            "/feedback",
            data={
                "about": "page:faq#why",
                "step": "details",
                "helpful": "no",
                "comment": "My words",
                "tried": "Everything",
            },
        )
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "<h1>We could not save your answer</h1>" in html
    assert "please try again in a moment" in html
    assert textarea(html, "comment") == "My words" and textarea(html, "tried") == "Everything"
    assert '<input checked id="helpful-1"' in html
    assert "Feedback on page:faq#why not saved" in caplog.text
    assert "secret" not in caplog.text


def test_feedback_is_saved_once_the_database_is_back(content_dir, tmp_path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the database folder should be")
    url = f"sqlite:///{blocker}/help.sqlite3"
    app = make_app(content_dir, tmp_path, DATABASE_URL=url, WTF_CSRF_ENABLED=False)
    client = app.test_client()
    data = {"about": "code:0xCAA20003", "helpful": "yes"}
    assert client.post("/feedback", data=data).status_code == 503
    blocker.unlink()
    blocker.mkdir()
    assert client.post("/feedback", data=data).status_code == 303  # tables made on demand
    assert len(rows(app)) == 1


# --- Many people at once, on both databases --------------------------------------------------


def test_fifty_concurrent_submissions_store_fifty_rows(db_app: Flask) -> None:
    """Fifty people, each with their own session and token, press Send at the same moment."""
    clients = [db_app.test_client() for _ in range(50)]
    tokens = [details_token(c) for c in clients]
    barrier = threading.Barrier(50)
    statuses: list[int] = [0] * 50

    def submit(i: int) -> None:
        barrier.wait(timeout=30)
        response = clients[i].post(
            "/feedback",
            data={
                "csrf_token": tokens[i],
                "about": "code:0xCAA20003",
                "step": "details",
                "helpful": "no",
                "comment": f"person {i}",
            },
        )
        statuses[i] = response.status_code

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses == [303] * 50
    stored = rows(db_app)
    assert len(stored) == 50
    assert sorted(r.comment for r in stored) == sorted(f"person {i}" for i in range(50))


# --- Languages -------------------------------------------------------------------------------


def test_answers_on_a_translated_page_are_stored_with_its_language(shipped_app) -> None:
    client = shipped_app.test_client()
    html = client.get("/de/faq").get_data(as_text=True)
    assert 'action="/de/feedback"' in html
    response = client.post(
        "/de/feedback",
        data={
            "about": "page:faq#why-cant-i-sign-in",
            "helpful": "no",
            "comment": "Zu kompliziert",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"] == (
        "/de/faq?answered=page:faq%23why-cant-i-sign-in#feedback-why-cant-i-sign-in"
    )
    stored = [r for r in rows(shipped_app) if r.comment == "Zu kompliziert"]
    assert [(r.language, r.target, r.section) for r in stored] == [
        ("de", "faq", "why-cant-i-sign-in")
    ]
    report = shipped_app.test_cli_runner().invoke(args=["report"]).output
    assert "/de/faq#why-cant-i-sign-in  Fragen zur Anmeldung bei Teams: Warum" in report
    assert "“Zu kompliziert”" in report
