"""Notices: posted, changed and ended by the CLI and the API through one service, checked field
by field with nothing half-saved, kept with every change, and shown on every page (a banner for
everyone, a box on a code's page, tags in lists, the API), in each language."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from support.apps import make_app
from support.content import SHIPPED_CONTENT, add_translations, write_content
from support.it_desk import make_token, sign_in_with_token
from support.servers import free_port

from webapp.caching import CachedPage
from webapp.notices import Notice, NoticeError, active_notices, service
from webapp.notices.board import Active, Board
from webapp.notices.model import check
from webapp.publishing import republish
from webapp.storage import StorageError, current_storage
from webapp.storage.tables import notice, notice_change

CODE = "0xCAA20003"  # in the fixture content
NOW = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
LANGUAGES = ("en", "de", "fr")  # a site's languages, as the content has them


def refresh(app: Flask) -> None:
    """What the worker's polling thread does within NOTICE_POLL_SECONDS, done now."""
    app.extensions["notices"].refresh()


@pytest.fixture
def secret(runner: FlaskCliRunner) -> str:
    result = runner.invoke(args=["token", "create", "runbook"])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


@pytest.fixture
def auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def rows(app: Flask, table: sa.Table) -> list[sa.Row]:
    with app.app_context(), current_storage().engine.connect() as connection:
        return list(connection.execute(sa.select(table).order_by(table.c.id)))


# --- The model: what may be posted ------------------------------------------------------------


def test_a_notice_gets_its_defaults_and_normalised_codes() -> None:
    sent = {"title": "Sign-in is down", "codes": ["caa70004", "AADSTS 50126"]}
    fields = check(sent, NOW, LANGUAGES)
    assert fields["level"] == "outage" and fields["report"] is True
    assert fields["codes"] == ["0xCAA70004", "AADSTS50126"]
    assert fields["starts_at"] == NOW and fields["ends_at"] == NOW + timedelta(hours=4)


@pytest.mark.parametrize(
    ("sent", "field", "why"),
    [
        ({"text": "no title"}, "title", "required"),
        ({"title": "x", "level": "panic"}, "level", "must be one of"),
        ({"title": "x", "ends": "2020-01-01T00:00"}, "ends", "in the past"),
        ({"title": "x", "ends": "15d"}, "ends", "14 days"),
        ({"title": "x", "ends": "soon"}, "ends", "not a duration"),
        ({"title": "x", "text": "[a](javascript:alert(1))"}, "text", "javascript:"),
        ({"title": "x", "text": "<a href='JavaScript:x'>"}, "text", "JavaScript:"),
        ({"title": "x", "text": "a" * 100_000}, "text", "at most"),
        ({"title": "x", "codes": ["not a code"]}, "codes", "not a status code"),
        ({"title": "x", "report": "no"}, "report", "true or false"),
        ({"title": "x", "colour": "red"}, "colour", "not a field"),
        ({"title": "x", "text": "y", "title_de": "Titel"}, "text_de", "required"),
        ({"title": "x", "text": "y", "title_fr": "Panne"}, "text_fr", "required"),
        ({"title": "x", "text_fr": "Panne"}, "title_fr", "required"),
        ({"title": "x", "title_it": "Guasto"}, "title_it", "'it' is not a language of this site"),
        ({"title": "x", "text_it": "Guasto"}, "text_it", "its languages are en, de, fr"),
        ({"title": "x", "title_en": "y"}, "title_en", "not a field"),
    ],
)
def test_bad_fields_are_refused_naming_the_field(sent: dict, field: str, why: str) -> None:
    with pytest.raises(NoticeError) as refused:
        check(sent, NOW, LANGUAGES)
    assert refused.value.field == field and why in refused.value.message


def test_a_notice_takes_a_title_and_text_in_each_of_the_sites_languages() -> None:
    sent = {"title": "Down", "title_de": "Gestört", "title_fr": "Panne", "text_fr": "C'est su."}
    fields = check(sent, NOW, LANGUAGES)
    assert fields["texts"] == {
        "en": {"title": "Down", "text": ""},
        "de": {"title": "Gestört", "text": ""},
        "fr": {"title": "Panne", "text": "C'est su."},
    }
    assert Notice.of(1, {**fields, "posted_by": "j", "posted_at": NOW}).text("fr").title == "Panne"


def test_a_stored_text_in_a_language_the_site_dropped_is_kept_through_a_change() -> None:
    stored = check({"title": "Down", "title_it": "Guasto"}, NOW, ("en", "it"))
    changed = check({"title": "Still down", "title_fr": "Panne"}, NOW, ("en", "fr"), stored)
    assert changed["texts"]["it"] == {"title": "Guasto", "text": ""}
    assert changed["texts"]["en"]["title"] == "Still down"


def test_markdown_is_rendered_once_without_raw_html() -> None:
    sent = {"title": "t", "text": "*Known*. <script>alert(1)</script>\n\n- a\n- b"}
    fields = check(sent, NOW, LANGUAGES)
    shown = Notice.of(1, {**fields, "posted_by": "jane", "posted_at": NOW})
    html = str(shown.text("en").html)
    assert "<em>Known</em>" in html and "<li>a</li>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_notice_without_german_shows_the_english_text_marked_english() -> None:
    fields = check({"title": "Down"}, NOW, LANGUAGES)
    shown = Notice.of(1, {**fields, "posted_by": "jane", "posted_at": NOW})
    assert shown.text("de").title == "Down" and shown.text("de").language == "en"


# --- The service: one place, with its audit trail ---------------------------------------------


def test_post_change_and_end_are_each_kept_with_who_and_when(app: Flask) -> None:
    with app.app_context():
        posted = service.post({"title": "Down", "codes": [CODE]}, "jane", now=NOW)
        service.change(posted.id, {"report": False}, "ali", now=NOW + timedelta(minutes=5))
        ended = service.end(posted.id, "jane", now=NOW + timedelta(minutes=9))
        history = service.history(posted.id)
    assert ended.ends_at == NOW + timedelta(minutes=9)
    assert [(c["action"], c["changed_by"]) for c in history] == [
        ("posted", "jane"),
        ("changed", "ali"),
        ("ended", "jane"),
    ]
    assert history[1]["fields"]["report"] is False


def test_every_change_is_logged_on_one_line(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    with app.app_context(), caplog.at_level("INFO", logger="webapp.notices.service"):
        posted = service.post({"title": "Down\nreally", "text": "a\nb"}, "jane")
    line = next(r.getMessage() for r in caplog.records if r.name == "webapp.notices.service")
    assert line.startswith(f"Notice {posted.id} posted by jane: ") and "\n" not in line


def test_an_ended_notice_cannot_be_changed_or_ended_again(app: Flask) -> None:
    with app.app_context():
        posted = service.post({"title": "Down"}, "jane")
        service.end(posted.id, "jane")
        with pytest.raises(service.NoticeEnded):
            service.change(posted.id, {"title": "Up"}, "jane")
        with pytest.raises(service.NoticeEnded):
            service.end(posted.id, "jane")


def test_a_refused_change_stores_nothing(app: Flask) -> None:
    with app.app_context():
        posted = service.post({"title": "Down"}, "jane")
        with pytest.raises(NoticeError):
            service.change(posted.id, {"title": "Up", "level": "panic"}, "jane")
    assert [r.texts["en"]["title"] for r in rows(app, notice)] == ["Down"]
    assert len(rows(app, notice_change)) == 1


# --- The command line ---------------------------------------------------------------------------


def test_the_commands_post_list_change_and_end(runner: FlaskCliRunner) -> None:
    posted = runner.invoke(
        args=["notice", "post", "--title", "Down", "--code", "caa20003", "--until", "2h",
              "--no-report", "--by", "jane"]
    )  # fmt: skip
    assert posted.exit_code == 0 and "#1 [outage] 'Down' for 0xCAA20003" in posted.output
    assert "no need to report" in posted.output
    changed = runner.invoke(args=["notice", "change", "1", "--text", "Fixed for most."])
    assert changed.exit_code == 0, changed.output
    listed = runner.invoke(args=["notice", "list"])
    assert listed.output.startswith("active #1")
    assert runner.invoke(args=["notice", "end", "1"]).exit_code == 0
    assert runner.invoke(args=["notice", "list"]).output.startswith("ended  #1")
    history = runner.invoke(args=["notice", "history", "1"]).output.splitlines()
    assert [line.split(" ")[3] for line in history] == ["posted", "changed", "ended"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["post", "--text", "no title"], "'title': is required"),
        (["post", "--title", "x", "--until", "3w"], "not a duration"),
        (["post", "--title", "x", "--until", "2020-01-01T00:00"], "in the past"),
        (["post", "--title", "x", "--level", "panic"], "'panic' is not one of"),
        (["end", "7"], "There is no notice 7"),
        (["change", "7", "--title", "x"], "There is no notice 7"),
    ],
)
def test_bad_input_on_the_command_line_says_why_and_exits_non_zero(
    runner: FlaskCliRunner, args: list[str], message: str
) -> None:
    result = runner.invoke(args=["notice", *args])
    assert result.exit_code != 0 and message in result.output


@pytest.fixture
def trilingual(tmp_path: Path) -> Flask:
    """The application over the small content in English, German and French."""
    return make_app(add_translations(write_content(tmp_path / "content"), "de", "fr"), tmp_path)


def test_the_command_line_takes_a_title_and_text_in_each_of_the_sites_languages(
    trilingual: Flask,
) -> None:
    runner = trilingual.test_cli_runner()
    posted = runner.invoke(
        args=["notice", "post", "--title", "Down", "--title-in", "fr", "Panne",
              "--text-in", "fr", "On s'en occupe.", "--title-in", "de", "Gestört"]
    )  # fmt: skip
    assert posted.exit_code == 0, posted.output
    changed = runner.invoke(args=["notice", "change", "1", "--text-in", "de", "Wir sind dran."])
    assert changed.exit_code == 0, changed.output
    texts = rows(trilingual, notice)[0].texts
    assert texts["fr"] == {"title": "Panne", "text": "On s'en occupe."}
    assert texts["de"] == {"title": "Gestört", "text": "Wir sind dran."}


def test_a_text_in_a_language_the_site_lacks_is_a_usage_error_and_nothing_is_posted(
    trilingual: Flask,
) -> None:
    result = trilingual.test_cli_runner().invoke(
        args=["notice", "post", "--title", "Down", "--title-in", "it", "Guasto"]
    )
    assert result.exit_code == 2
    assert "'--title-in it'" in result.output
    assert "'it' is not a language of this site" in result.output
    assert rows(trilingual, notice) == []


# --- The API ------------------------------------------------------------------------------------


def test_the_api_posts_changes_and_ends_a_notice_with_a_token(
    app: Flask, client: FlaskClient, auth: dict[str, str]
) -> None:
    sent = {"title": "Down", "text": "We know.", "codes": ["caa20003"], "ends": "2h"}
    posted = client.post("/api/notices", json=sent, headers=auth)
    assert posted.status_code == 201, posted.json
    number = posted.json["id"]
    assert posted.json["codes"] == [CODE] and posted.json["posted_by"] == "runbook"
    assert posted.headers["Location"] == f"/api/notices/{number}"
    refresh(app)
    assert [n["id"] for n in client.get("/api/notices").json["notices"]] == [number]
    answer = client.get(f"/api/codes/{CODE}").json
    assert [n["title"] for n in answer["notices"]] == ["Down"] and answer["report"] is True

    changed = client.patch(f"/api/notices/{number}", json={"report": False}, headers=auth)
    assert changed.status_code == 200 and changed.json["report"] is False
    refresh(app)
    assert client.get(f"/api/codes/{CODE}").json["report"] is False

    ended = client.delete(f"/api/notices/{number}", headers=auth)
    assert ended.status_code == 200
    refresh(app)
    assert client.get("/api/notices").json["notices"] == []
    history = client.get(f"/api/notices/{number}", headers=auth).json["history"]
    assert [(c["action"], c["by"]) for c in history] == [
        ("posted", "runbook"),
        ("changed", "runbook"),
        ("ended", "runbook"),
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "no title"}, "title"),
        ({"title": "x", "level": "panic"}, "level"),
        ({"title": "x", "ends": "2020-01-01T00:00:00Z"}, "ends"),
        ({"title": "x", "text": "[x](javascript:alert(1))"}, "text"),
        ({"title": "x", "codes": "caa20003 nonsense"}, "codes"),
        (["not", "an", "object"], "body"),
    ],
)
def test_bad_fields_are_400_naming_the_field_and_nothing_is_saved(
    app: Flask, client: FlaskClient, auth: dict[str, str], body: object, field: str
) -> None:
    response = client.post("/api/notices", json=body, headers=auth)
    assert response.status_code == 400 and response.json["field"] == field
    assert response.json["message"]
    assert rows(app, notice) == [] and rows(app, notice_change) == []


def test_the_api_takes_texts_in_each_site_language_and_answers_in_the_one_asked(
    trilingual: Flask,
) -> None:
    client, auth = trilingual.test_client(), {"Authorization": f"Bearer {make_token(trilingual)}"}
    sent = {"title": "Down", "text": "We know.", "title_fr": "Panne", "text_fr": "On le *sait*."}
    posted = client.post("/api/notices", json=sent, headers=auth)
    assert posted.status_code == 201, posted.json
    assert posted.json["texts"]["fr"] == {"title": "Panne", "text": "On le *sait*."}
    number = posted.json["id"]
    patch = {"title_de": "Gestört", "text_de": "Wir wissen es."}
    changed = client.patch(f"/api/notices/{number}", json=patch, headers=auth)
    assert changed.status_code == 200 and sorted(changed.json["texts"]) == ["de", "en", "fr"]
    refresh(trilingual)
    french = client.get("/api/notices?lang=fr").json["notices"][0]
    assert (french["title"], french["language"]) == ("Panne", "fr")
    assert "<em>sait</em>" in french["html"]
    german = client.get("/de/api/notices").json["notices"][0]
    assert (german["title"], german["language"]) == ("Gestört", "de")


@pytest.mark.parametrize("field", ["title_it", "text_it"])
def test_a_text_in_a_language_the_site_lacks_is_400_naming_it_and_nothing_is_saved(
    trilingual: Flask, field: str
) -> None:
    client, auth = trilingual.test_client(), {"Authorization": f"Bearer {make_token(trilingual)}"}
    response = client.post("/api/notices", json={"title": "Down", field: "Guasto"}, headers=auth)
    assert response.status_code == 400 and response.json["field"] == field
    assert "'it' is not a language of this site" in response.json["message"]
    assert rows(trilingual, notice) == [] and rows(trilingual, notice_change) == []


def test_a_stored_notice_in_a_language_the_site_no_longer_has_still_shows_and_changes(
    app: Flask, client: FlaskClient, auth: dict[str, str]
) -> None:
    now = datetime.now(UTC)
    fields = check({"title": "Down", "title_it": "Guasto"}, now, ("en", "it"))
    with app.app_context():
        number = current_storage().add_notice(fields, "jane", now)
    refresh(app)
    assert "Down" in client.get("/").get_data(as_text=True)
    read = client.get(f"/api/notices/{number}", headers=auth)
    assert read.status_code == 200 and list(read.json["texts"]) == ["en"]
    changed = client.patch(f"/api/notices/{number}", json={"report": False}, headers=auth)
    assert changed.status_code == 200, changed.json
    assert rows(app, notice)[0].texts["it"] == {"title": "Guasto", "text": ""}
    sign_in_with_token(client)
    desk = client.get(f"/it/notices/{number}")
    assert desk.status_code == 200 and 'value="Down"' in desk.get_data(as_text=True)


def test_100_kb_of_text_is_refused_before_it_is_read(
    app: Flask, client: FlaskClient, auth: dict[str, str]
) -> None:
    response = client.post("/api/notices", json={"title": "x", "text": "a" * 100_000}, headers=auth)
    assert response.status_code == 413 and rows(app, notice) == []


def test_the_api_refuses_to_change_without_a_token(client: FlaskClient) -> None:
    assert client.post("/api/notices", json={"title": "x"}).status_code == 401
    assert client.patch("/api/notices/1", json={"title": "x"}).status_code == 401
    assert client.delete("/api/notices/1").status_code == 401


def test_a_notice_that_does_not_exist_is_404_and_an_ended_one_409(
    client: FlaskClient, auth: dict[str, str]
) -> None:
    assert client.delete("/api/notices/42", headers=auth).status_code == 404
    number = client.post("/api/notices", json={"title": "x"}, headers=auth).json["id"]
    assert client.delete(f"/api/notices/{number}", headers=auth).status_code == 200
    again = client.patch(f"/api/notices/{number}", json={"title": "y"}, headers=auth)
    assert again.status_code == 409 and "ended" in again.json["message"]


# --- What people see ----------------------------------------------------------------------------


@pytest.fixture
def posted(app: Flask) -> Iterator[None]:
    """One notice for everyone, one about CODE with no need to report it."""
    with app.app_context():
        service.post({"title": "Teams is down for everyone", "text": "We *know*."}, "jane")
        service.post(
            {"title": "Proxy change", "level": "maintenance", "codes": [CODE], "report": False},
            "jane",
        )
    refresh(app)
    yield


@pytest.mark.parametrize("path", ["/", "/search?q=proxy", f"/codes/{CODE}", "/faq", "/codes",
                                  "/no-such-page"])  # fmt: skip
def test_the_banner_for_everyone_is_on_every_page(
    client: FlaskClient, posted: None, path: str
) -> None:
    html = client.get(path).get_data(as_text=True)
    banner = html[html.index('<div class="site-notices" role="status"') :]
    assert "Teams is down for everyone" in banner[: banner.index("</main>")]
    assert "<em>know</em>" in html


def test_a_code_notice_is_above_what_to_try_and_says_there_is_no_need_to_report(
    client: FlaskClient, posted: None
) -> None:
    html = client.get(f"/codes/{CODE}").get_data(as_text=True)
    assert html.index("Proxy change") < html.index('id="try-heading"')
    assert "you don't need to report it" in html
    assert html.index("you don't need to report it. If you want") < html.index('id="contact"')
    assert 'id="it-message"' in html  # the message for IT stays


def test_a_code_notice_is_beside_the_code_in_the_table_and_in_search_results(
    client: FlaskClient, posted: None
) -> None:
    table = client.get("/codes").get_data(as_text=True)
    row = table[table.index(f'href="/codes/{CODE}"') :]
    assert "Planned maintenance: <span>Proxy change</span>" in row[: row.index("</tr>")]
    results = client.get("/search?q=sign-in").get_data(as_text=True)
    if f"/codes/{CODE}" in results:
        assert "notice-tag-maintenance" in results


def test_without_a_notice_the_code_page_asks_people_to_contact_it(client: FlaskClient) -> None:
    html = client.get(f"/codes/{CODE}").get_data(as_text=True)
    assert "site-notice " not in html and "you don't need to report it" not in html


def test_a_cached_page_shows_the_new_notice_with_a_new_etag(
    app: Flask, client: FlaskClient
) -> None:
    first = client.get("/faq")
    assert client.get("/faq", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    with app.app_context():
        service.post({"title": "Down for everyone"}, "jane")
    refresh(app)
    again = client.get("/faq", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and "Down for everyone" in again.get_data(as_text=True)
    assert again.headers["ETag"] != first.headers["ETag"]


def test_german_pages_show_the_german_text_or_the_english_one_marked_english(
    tmp_path: Path,
) -> None:
    app = make_app(SHIPPED_CONTENT, tmp_path)
    with app.app_context():
        service.post({"title": "Down", "title_de": "Gestört"}, "jane")
        service.post({"title": "Only English", "codes": [CODE]}, "jane")
    refresh(app)
    html = app.test_client().get(f"/de/codes/{CODE}").get_data(as_text=True)
    assert "Störung" in html and "<span>Gestört</span>" in html
    assert '<span lang="en">Only English</span>' in html


def test_pages_in_a_third_language_show_its_text_or_the_english_one_marked_english(
    trilingual: Flask,
) -> None:
    with trilingual.app_context():
        service.post({"title": "Down", "title_fr": "Panne", "text_fr": "On le *sait*."}, "jane")
        service.post({"title": "Proxy change", "level": "maintenance", "codes": [CODE]}, "jane")
    refresh(trilingual)
    client = trilingual.test_client()
    home = client.get("/fr/").get_data(as_text=True)
    assert "<span>Panne</span>" in home and "<em>sait</em>" in home
    code_page = client.get(f"/fr/codes/{CODE}").get_data(as_text=True)
    assert '<span lang="en">Proxy change</span>' in code_page
    table = client.get("/fr/codes").get_data(as_text=True)
    row = table[table.index(f'href="/fr/codes/{CODE}"') :]
    assert '<span lang="en">Proxy change</span>' in row[: row.index("</tr>")]
    results = client.get("/fr/search?q=clock").get_data(as_text=True)
    assert '<span lang="en">Proxy change</span>' in results
    german = client.get("/de/").get_data(as_text=True)  # no German text: the English one
    assert '<span lang="en">Down</span>' in german and "Panne" not in german


# --- Each worker's board: off the request path, ends on time, survives the database -----------


class FakeDatabase:
    def __init__(self) -> None:
        self.version = 0
        self.rows: list[dict] = []
        self.down = False

    def read(self, now: datetime) -> tuple[int, list[dict]]:
        if self.down:
            raise StorageError("down")
        return self.version, [row for row in self.rows if row["ends_at"] > now]

    def current_version(self) -> int:
        if self.down:
            raise StorageError("down")
        return self.version

    def post(self, **sent: object) -> None:
        fields = check({"title": "Down", **sent}, NOW, LANGUAGES)
        self.version += 1
        self.rows.append({**fields, "id": self.version, "posted_by": "jane", "posted_at": NOW})


def make_board(database: FakeDatabase, clock: list[datetime], changes: list[Active]) -> Board:
    board: Board

    def changed() -> None:
        changes.append(board.current())

    board = Board(database.read, database.current_version, changed, 2.0, lambda: clock[0])
    return board


def test_a_notice_disappears_at_its_end_without_anyone_acting() -> None:
    database, clock, changes = FakeDatabase(), [NOW], []
    database.post(ends="1h")
    board = make_board(database, clock, changes)
    assert board.refresh() and [n.id for n in board.current().everyone] == [1]
    clock[0] = NOW + timedelta(minutes=59)
    assert not board.refresh()
    clock[0] = NOW + timedelta(hours=1)
    assert board.refresh() and board.current().notices == ()
    assert len(changes) == 2  # shown, then gone: the cached pages were dropped each time


def test_when_the_database_is_down_the_last_notices_stay_and_still_end() -> None:
    database, clock, changes = FakeDatabase(), [NOW], []
    database.post(ends="1h")
    database.post(ends="3h", codes=[CODE])
    board = make_board(database, clock, changes)
    board.refresh()
    database.down = True
    assert not board.refresh() and len(board.current().notices) == 2
    clock[0] = NOW + timedelta(hours=2)
    board.refresh()
    assert [n.id for n in board.current().for_code(CODE)] == [2]
    assert board.current().everyone == ()


def test_the_page_cache_drops_a_page_rendered_before_a_clear(app: Flask) -> None:
    store = app.extensions["page_cache"].store
    key = ("", "en", "", "/faq", (), ())
    page = CachedPage.of(200, (), "public", b"old banner", None)
    generation = store.generation
    store.clear()
    store.put(key, page, generation)
    assert store.get(key) is None
    store.put(key, page, store.generation)
    assert store.get(key) is page


def test_posting_when_the_database_is_down_says_it_failed(
    tmp_path: Path, content_dir: Path
) -> None:
    nobody = f"postgresql://user:pw@127.0.0.1:{free_port()}/none"
    app = make_app(content_dir, tmp_path, DATABASE_URL=nobody, DATABASE_TIMEOUT="0.5")
    with app.app_context(), pytest.raises(StorageError):
        service.post({"title": "Down"}, "jane")
    result = app.test_cli_runner().invoke(args=["notice", "post", "--title", "Down"])
    assert result.exit_code != 0 and "could not" in result.output
    assert app.test_client().get("/").status_code == 200
    with app.app_context():
        assert active_notices().notices == ()


def test_the_board_of_an_application_a_reload_replaced_is_freed(
    app: Flask, client: FlaskClient, content_dir: Path, tmp_path: Path
) -> None:
    """Else every worker forked after a reload would poll once for each reload."""
    replaced = weakref.ref(app.extensions["notices"])
    client.get("/")  # its polling thread runs
    assert republish(app, lambda: make_app(content_dir, tmp_path))
    gc.collect()
    assert replaced() is None
