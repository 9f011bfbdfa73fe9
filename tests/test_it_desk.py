"""The IT desk without an identity provider: nobody gets data without signing in, every answer
is private, its cookie is its own, forms are guarded, and the pages show what they should."""

from __future__ import annotations

import csv
import io
import logging
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from support.apps import make_app
from support.content import SHIPPED_CONTENT, add_translations, write_content
from support.it_desk import add_lookups, add_miss, csrf_token, sign_in_with_token

from webapp.config import SettingError, Settings
from webapp.it_desk import access
from webapp.storage import MISS_CODE as CODE
from webapp.storage import MISS_QUERY as QUERY
from webapp.storage import database_url as resolve_url
from webapp.storage.handled import CodeFeedback, feedback_per_code, mark, read_all
from webapp.storage.store import Storage


def desk_routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, address) of every route of the desk, with sample values."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("it_desk."):
            continue
        path = rule.rule.replace("<int:notice_id>", "1")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, path))
    return found


OPEN = {"it_desk.sign_in", "it_desk.token_sign_in", "it_desk.organisation", "it_desk.callback"}


def test_every_desk_route_without_a_session_sends_to_sign_in_and_shows_nothing(
    app: Flask, client: FlaskClient
) -> None:
    app.extensions["storage"].add_feedback("code", "0xCAA20003", "", False, "secret words")
    routes = desk_routes(app)
    assert {endpoint for endpoint, _, _ in routes} >= {
        "it_desk.now", "it_desk.codes", "it_desk.codes_csv", "it_desk.misses",
        "it_desk.unhelpful", "it_desk.now_csv", "it_desk.misses_csv", "it_desk.unhelpful_csv",
        "it_desk.handled", "it_desk.sign_out", "it_desk.notices_page", "it_desk.post_notice",
        "it_desk.notice_page", "it_desk.change_notice", "it_desk.end_notice",
    }  # fmt: skip
    for endpoint, method, path in routes:
        response = client.open(path, method=method)
        if endpoint in OPEN:
            continue
        assert response.status_code == 303, (method, path)
        assert response.headers["Location"].startswith("/it/sign-in"), path
        assert b"secret words" not in response.get_data()
        assert response.headers["Cache-Control"] == "private, no-store"


def test_every_desk_answer_is_private_and_never_indexed(client: FlaskClient) -> None:
    sign_in_with_token(client)
    for path in ("/it/", "/it/codes", "/it/misses", "/it/unhelpful", "/it/misses.csv",
                 "/it/sign-in", "/it/codes?period=nonsense"):  # fmt: skip
        response = client.get(path)
        assert response.headers["Cache-Control"] == "private, no-store", path
        assert response.headers["X-Robots-Tag"].startswith("noindex"), path


def test_the_desk_has_its_own_strict_cookie_and_the_public_pages_none(
    content_dir: Path, tmp_path: Path
) -> None:
    client = make_app(content_dir, tmp_path, HTTPS="1").test_client()
    response = sign_in_with_token(client)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("it_session=")
    for flag in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/it/", "Expires="):
        assert flag in cookie, flag
    expires = client.get_cookie("it_session", path="/it/").expires
    assert timedelta(hours=7, minutes=59) < expires - datetime.now(UTC) <= timedelta(hours=8)
    home = client.get("/")
    assert "Set-Cookie" not in home.headers and "private" not in home.headers["Cache-Control"]


def test_a_public_session_cookie_does_not_open_the_desk(app: Flask, client: FlaskClient) -> None:
    sign_in_with_token(client)
    value = client.get_cookie("it_session", path="/it/").value
    other = app.test_client()
    other.set_cookie("session", value)  # the desk's signed value, as the site's session
    assert other.get("/it/").status_code == 303
    other.set_cookie("it_session", value, path="/it/")
    assert other.get("/it/").status_code == 200


def test_a_sign_in_ends_after_eight_hours(client: FlaskClient) -> None:
    sign_in_with_token(client)
    assert client.get("/it/").status_code == 200
    with client.session_transaction(path="/it/") as session:
        session[access.SIGNED_IN_AT_KEY] = int(time.time()) - 8 * 3600 - 1
    assert client.get("/it/").status_code == 303


def test_a_wrong_token_is_refused_and_logged(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="webapp.it_desk"):
        response = sign_in_with_token(client, secret="shp_not-a-token")
    assert response.status_code == 401
    assert "not valid" in response.get_data(as_text=True)
    assert any("wrong token" in record.message for record in caplog.records)
    assert client.get("/it/").status_code == 303


def test_wrong_tokens_are_limited_per_address_like_the_apis(client: FlaskClient) -> None:
    for _ in range(10):
        assert sign_in_with_token(client, secret="shp_guess").status_code == 401
    refused = sign_in_with_token(client, secret="shp_guess")
    assert refused.status_code == 429
    assert "Too many wrong tokens" in refused.get_data(as_text=True)


def test_the_sign_in_page_says_tokens_are_the_way_in_without_oidc(client: FlaskClient) -> None:
    page = client.get("/it/sign-in").get_data(as_text=True)
    assert "no organisation sign-in" in page
    assert 'name="token"' in page
    assert client.get("/it/sign-in/organisation").status_code == 404


def test_a_sign_in_form_without_its_token_is_refused(client: FlaskClient) -> None:
    client.get("/it/sign-in")
    response = client.post("/it/sign-in", data={"token": "shp_whatever"})
    assert response.status_code == 400
    assert client.get("/it/").status_code == 303


def test_a_form_posted_from_another_site_is_refused(app: Flask, client: FlaskClient) -> None:
    add_miss(app, QUERY, "printer on fire", "en")
    sign_in_with_token(client)
    token = csrf_token(client.get("/it/misses"))
    fields = {"csrf_token": token, "list_name": QUERY, "item": "printer on fire",
              "language": "en", "action": "keyword"}  # fmt: skip
    refused = client.post("/it/handled", data=fields, headers={"Sec-Fetch-Site": "cross-site"})
    assert refused.status_code == 403
    assert "Mark handled" in client.get("/it/misses").get_data(as_text=True)
    assert "Handled by" not in client.get("/it/misses").get_data(as_text=True)
    ok = client.post("/it/handled", data=fields, headers={"Sec-Fetch-Site": "same-origin"})
    assert ok.status_code == 303
    assert "Handled by token:night-shift-" in client.get("/it/misses").get_data(as_text=True)


def test_a_read_only_token_sees_but_changes_nothing(app: Flask, client: FlaskClient) -> None:
    add_miss(app, QUERY, "printer on fire", "en")
    sign_in_with_token(client, "read")
    page = client.get("/it/misses")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "printer on fire" in text and "read only" in text
    assert "Mark handled" not in text
    fields = {"csrf_token": csrf_token(page), "list_name": QUERY, "item": "printer on fire",
              "language": "en", "action": "keyword"}  # fmt: skip
    assert client.post("/it/handled", data=fields).status_code == 403


def test_a_handled_row_is_new_again_once_people_miss_it_again(
    app: Flask, client: FlaskClient
) -> None:
    add_miss(app, CODE, "0xCAA2FFFF", "en")
    sign_in_with_token(client)
    page = client.get("/it/misses")
    assert re.search(r'desk-row is-new">\s*<p><strong[^>]*>0xCAA2FFFF', page.get_data(as_text=True))
    fields = {"csrf_token": csrf_token(page), "list_name": CODE, "item": "0xCAA2FFFF",
              "language": "en", "action": "page"}  # fmt: skip
    assert client.post("/it/handled", data=fields).status_code == 303
    text = client.get("/it/misses").get_data(as_text=True)
    assert "Handled by token:night-shift-" in text and "is-new" not in text
    add_miss(app, CODE, "0xCAA2FFFF", "en", now=datetime.now(UTC) + timedelta(seconds=5))
    text = client.get("/it/misses").get_data(as_text=True)
    assert "is-new" in text and "again since" in text


def test_the_lists_export_as_spreadsheet_safe_csv(app: Flask, client: FlaskClient) -> None:
    storage: Storage = app.extensions["storage"]
    add_miss(app, QUERY, '=HYPERLINK("http://evil")', "en")
    storage.add_feedback("code", "0xCAA20003", "", False, "+cmd|' /C calc'!A0", language="en")
    sign_in_with_token(client)
    misses = client.get("/it/misses.csv")
    assert misses.mimetype == "text/csv"
    assert "attachment" in misses.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(misses.get_data(as_text=True))))
    assert rows[0]["item"] == '\'=HYPERLINK("http://evil")' and rows[0]["new"] == "yes"
    unhelpful = list(
        csv.DictReader(io.StringIO(client.get("/it/unhelpful.csv").get_data(as_text=True)))
    )
    assert unhelpful[0]["comments"].startswith("'+cmd")


def test_the_codes_page_shows_lookups_change_chart_and_feedback(
    app: Flask, client: FlaskClient
) -> None:
    moment = datetime.now(UTC)
    add_lookups(app, "0xCAA70004", moment - timedelta(hours=1), 12)
    add_lookups(app, "0xCAA70004", moment - timedelta(hours=30), 2)  # the 24 hours before
    add_lookups(app, "0xCAA20003", moment - timedelta(hours=2), 3)
    app.extensions["storage"].add_feedback("code", "0xCAA70004", "", False, "still broken")
    sign_in_with_token(client)
    page = client.get("/it/codes?period=24h").get_data(as_text=True)
    row = re.search(r"0xCAA70004</span></th>(.*?)</tr>", page, re.S)[1]
    assert ">12<" in row and ">+10<" in row and "still broken" in row
    assert '<svg class="chart"' in row and "<rect" in row and "style" not in row
    exported = client.get("/it/codes.csv?period=24h").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(exported)))
    expected = {"code": "0xCAA70004", "lookups": "12", "lookups_before": "2", "change": "10",
                "yes": "0", "no": "1", "comments": "still broken"}  # fmt: skip
    assert rows[0] == expected


def test_the_now_page_shows_rising_codes_and_the_last_day(app: Flask, client: FlaskClient) -> None:
    add_lookups(app, "0xCAA70004", datetime.now(UTC), 40, language="de")
    add_lookups(app, "0xCAA20003", datetime.now(UTC) - timedelta(hours=5), 2)
    sign_in_with_token(client)
    page = client.get("/it/").get_data(as_text=True)
    rising = page[page.index("rising-heading") : page.index("day-heading")]
    assert "0xCAA70004" in rising and ">40<" in rising and ">de<" in rising
    assert "0xCAA20003" not in rising
    assert "42 lookups in all." in page
    exported = list(csv.reader(io.StringIO(client.get("/it/now.csv").get_data(as_text=True))))
    assert ["rising", "0xCAA70004", "", "40", "0.0", "de"] in exported
    assert sum(int(row[3]) for row in exported if row[0] == "hour") == 42


def test_a_bad_period_is_a_clear_400(client: FlaskClient) -> None:
    sign_in_with_token(client)
    for query in ("period=forever", "period=custom&from=2026-01-02&to=2026-01-01",
                  "period=custom&from=yesterday&to=today"):  # fmt: skip
        response = client.get(f"/it/codes?{query}")
        assert response.status_code == 400, query
        assert "period" in response.get_data(as_text=True).lower() or "date" in response.get_data(
            as_text=True
        )


def test_the_desk_speaks_german_when_chosen(tmp_path: Path) -> None:
    client = make_app(SHIPPED_CONTENT, tmp_path).test_client()
    sign_in_with_token(client)
    page = client.get("/it/")
    form = csrf_token(page)
    response = client.post("/it/language?next=/it/", data={"csrf_token": form, "language": "de"})
    assert response.status_code == 303
    german = client.get("/it/").get_data(as_text=True)
    assert '<html lang="de">' in german and "Abmelden" in german
    # The German address of the desk leads to its one address, where its cookie lives.
    moved = client.get("/de/it/codes")
    assert moved.headers["Location"] == "/it/codes" and "Set-Cookie" not in moved.headers


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"email": "Lead@Example.com"}, True),  # a domain
        ({"email": "boss@elsewhere.org"}, True),  # an address
        ({"email": "x@elsewhere.org"}, False),
        ({"email": "x@example.com", "email_verified": False}, False),
        ({"email": "x@other.org", "groups": ["IT-Desk"]}, True),
        ({"email": "x@other.org", "roles": "it-desk"}, True),
        ({"groups": ["sales"]}, False),
    ],
)
def test_it_allowed_takes_addresses_domains_and_groups(claims: dict, expected: bool) -> None:
    assert access.allowed(claims, ("@example.com", "boss@elsewhere.org", "it-desk")) is expected


def test_oidc_settings_come_together_and_let_someone_in() -> None:
    with pytest.raises(SettingError, match="OIDC_CLIENT_SECRET"):
        Settings.from_environ({"OIDC_ISSUER": "https://idp.example.com", "OIDC_CLIENT_ID": "x"})
    with pytest.raises(SettingError, match="IT_ALLOWED"):
        Settings.from_environ(
            {
                "OIDC_ISSUER": "https://idp.example.com",
                "OIDC_CLIENT_ID": "x",
                "OIDC_CLIENT_SECRET": "y",
            }
        )
    with pytest.raises(SettingError, match="OIDC_ISSUER"):
        Settings.from_environ({"OIDC_ISSUER": "http://idp.example.com"})
    settings = Settings.from_environ({"IT_ALLOWED": "@Example.com, it-desk  a@b.org"})
    assert settings.it_allowed == ("@example.com", "it-desk", "a@b.org")
    assert not settings.oidc


def test_markings_and_feedback_per_code_on_both_databases(
    database_url: str, tmp_path: Path
) -> None:
    store = Storage(resolve_url(database_url, tmp_path))
    store.init_schema()
    moment = datetime.now(UTC)
    for action, at in (("keyword", moment), ("page", moment + timedelta(seconds=1))):
        store.run(
            "mark",
            lambda c, action=action, at=at: mark(
                c, list_name=QUERY, item="vpn", language="de", action=action, by="a@b.c", at=at
            ),
        )
    marks = store.run("read", read_all)
    assert list(marks) == [(QUERY, "vpn", "de")]  # one row: the later marking replaced it
    assert marks[QUERY, "vpn", "de"].action == "page"
    store.add_feedback("code", "0xCAA20003", "", False, "no luck")
    store.add_feedback("code", "0xCAA20003", "", True)
    store.add_feedback("page", "faq", "why", False, "page, not code")
    found = store.run(
        "read", lambda c: feedback_per_code(c, moment - timedelta(hours=1), moment + timedelta(1))
    )
    assert found == {"0xCAA20003": CodeFeedback(yes=1, no=1, comments=("no luck",))}
    store.dispose()


def notice_fields(page_token: str, **changes: str) -> dict[str, str]:
    fields = {"csrf_token": page_token, "level": "outage", "title": "Sign-in is broken",
              "text": "We are *on it*.", "codes": "caa20003",
              "ends": "2h", "report": "", "step": "save"}  # fmt: skip
    fields.update(changes)
    return fields


def test_a_rising_code_opens_the_notice_form_ready_to_post(app: Flask, client: FlaskClient) -> None:
    add_lookups(app, "0xCAA70004", datetime.now(UTC), 40)
    sign_in_with_token(client)
    now = client.get("/it/").get_data(as_text=True)
    assert 'href="/it/notices?code=0xCAA70004#new"' in now
    form = client.get("/it/notices?code=0xCAA70004").get_data(as_text=True)
    assert 'value="0xCAA70004"' in form and "We know about sign-in problems with 0xCAA70004" in form
    assert 'name="report" type="checkbox" value="y"' in form and "checked" not in form


def test_the_notice_form_posts_through_the_notices_service(app: Flask, client: FlaskClient) -> None:
    sign_in_with_token(client)
    page = client.get("/it/notices")
    preview = client.post("/it/notices", data=notice_fields(csrf_token(page), step="preview"))
    assert preview.status_code == 200 and "<em>on it</em>" in preview.get_data(as_text=True)
    assert "Sign-in is broken" not in client.get("/codes/0xCAA20003").get_data(as_text=True)
    posted = client.post("/it/notices", data=notice_fields(csrf_token(page)))
    assert posted.status_code == 303
    app.extensions["notices"].refresh()  # what every worker's board does within seconds
    public = client.get("/codes/0xCAA20003").get_data(as_text=True)
    assert "Sign-in is broken" in public and "you don't need to report it" in public
    listed = client.get("/it/notices").get_data(as_text=True)
    notice_id = re.search(r'href="/it/notices/(\d+)"', listed)[1]
    history = client.get(f"/it/notices/{notice_id}").get_data(as_text=True)
    assert "token:night-shift-" in history and ">posted<" in history
    ended = client.post(f"/it/notices/{notice_id}/end", data={"csrf_token": csrf_token(page)})
    assert ended.status_code == 303
    app.extensions["notices"].refresh()
    assert "Sign-in is broken" not in client.get("/codes/0xCAA20003").get_data(as_text=True)


def test_a_bad_notice_comes_back_naming_the_field_and_nothing_is_posted(
    client: FlaskClient,
) -> None:
    sign_in_with_token(client)
    token = csrf_token(client.get("/it/notices"))
    for changes, field in (({"text": "[x](javascript:alert(1))"}, "text"),
                           ({"ends": "30d"}, "ends"), ({"level": "panic"}, "level"),
                           ({"codes": "hello"}, "codes")):  # fmt: skip
        response = client.post("/it/notices", data=notice_fields(token, **changes))
        assert response.status_code == 400, changes
        assert f"{field}: " in response.get_data(as_text=True)
    assert "Sign-in is broken" not in client.get("/it/notices").get_data(as_text=True)


def test_a_read_only_token_cannot_post_a_notice(client: FlaskClient) -> None:
    sign_in_with_token(client, "read")
    page = client.get("/it/notices")
    assert "may only read" in page.get_data(as_text=True)
    assert client.post("/it/notices", data=notice_fields(csrf_token(page))).status_code == 403


@pytest.fixture
def trilingual_client(tmp_path: Path) -> FlaskClient:
    """Signed in to the desk of a site in English, German and French."""
    content = add_translations(write_content(tmp_path / "content"), "de", "fr")
    client = make_app(content, tmp_path).test_client()
    sign_in_with_token(client)
    return client


def test_the_notice_form_has_a_title_and_text_in_each_other_language_in_the_switchers_order(
    trilingual_client: FlaskClient,
) -> None:
    client = trilingual_client
    page = client.get("/it/notices").get_data(as_text=True)
    order = ['<legend lang="de">Deutsch</legend>', 'name="title_de"', 'name="text_de"',
             '<legend lang="fr">Français</legend>', 'name="title_fr"', 'name="text_fr"',
             'name="codes"']  # fmt: skip
    assert [page.index(mark) for mark in order] == sorted(page.index(mark) for mark in order)
    fields = notice_fields(csrf_token(client.get("/it/notices")), title_fr="Panne",
                           text_fr="Nous le *savons*.")  # fmt: skip
    assert client.post("/it/notices", data=fields).status_code == 303
    listed = client.get("/it/notices").get_data(as_text=True)
    notice_id = re.search(r'href="/it/notices/(\d+)"', listed)[1]
    edit = client.get(f"/it/notices/{notice_id}").get_data(as_text=True)
    assert 'name="title_fr" type="text" value="Panne"' in edit
    assert "Nous le *savons*.</textarea>" in edit
    assert 'name="title_de" type="text" value=""' in edit


def test_a_notice_text_in_a_language_the_site_lacks_is_refused_on_the_form(
    trilingual_client: FlaskClient,
) -> None:
    client = trilingual_client
    fields = notice_fields(csrf_token(client.get("/it/notices")), title_it="Guasto")
    response = client.post("/it/notices", data=fields)
    assert response.status_code == 400
    assert "title_it: &#39;it&#39; is not a language of this site" in response.get_data(
        as_text=True
    )
    assert "Sign-in is broken" not in client.get("/it/notices").get_data(as_text=True)


def test_a_rising_code_prefills_each_language_whose_interface_strings_say_it(
    trilingual_client: FlaskClient,
) -> None:
    form = trilingual_client.get("/it/notices?code=0xCAA70004").get_data(as_text=True)
    assert (
        'name="title_fr" type="text" value="Nous savons que la connexion échoue avec 0xCAA70004"'
        in form
    )
    assert 'name="title_de" type="text" value=""' in form  # the fixture's German has no catalogue
