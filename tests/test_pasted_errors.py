"""What people really paste and type into the search box lands where they expect, in English and
German; a pasted sign-in error fills in the message for IT and leaves no trace on the server.

The examples are those of issue 27 and of the newcomer trial's section 3.
"""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from support.apps import make_app
from support.content import SHIPPED_CONTENT
from support.messages import message_for_it

from webapp.storage import Storage
from webapp.storage.tables import lookup, metadata

REQUEST_ID = "6f0e7b8c-1234-4a5b-9c0d-7e8f9a0b1c2d"
CORRELATION_ID = "1a2b3c4d-5678-4e9f-8a7b-6c5d4e3f2a1b"
APP_ID = "1fec8e78-1234-4a5b-9c0d-7e8f9a0b1c2d"
TIMESTAMP = "2026-12-07T09:14:03.123Z"
PERSONAL = (REQUEST_ID, CORRELATION_ID, APP_ID, "6f0e7b8c", "1a2b3c4d", "203.0.113.7")

# The trial's pastes (#5, #6, #7): the sign-in page's whole "More details" block.
SORRY_BLOCK = (
    "Sign in Sorry, but we're having trouble signing you in. AADSTS50076: Due to a "
    "configuration change made by your administrator, or because you moved to a new location, "
    "you must use multi-factor authentication to access the app. Troubleshooting details "
    f"Request Id: {REQUEST_ID} Correlation Id: {CORRELATION_ID} Timestamp: {TIMESTAMP}"
)
DETAILS_BLOCK = (
    f"Error Code: 53003 Request Id: {REQUEST_ID} Correlation Id: {CORRELATION_ID} "
    f"Timestamp: {TIMESTAMP} App name: Microsoft Teams App id: {APP_ID} "
    "IP address: 203.0.113.7 Device identifier: Not available Device platform: Windows 10 "
    "Device state: Unregistered"
)
CODE_LAST_BLOCK = (
    f"Request Id: {REQUEST_ID} Correlation Id: {CORRELATION_ID} Timestamp: {TIMESTAMP} "
    f"App name: Microsoft Teams App id: {APP_ID} IP address: 203.0.113.7 "
    "Device identifier: 4c3b2a19 Device platform: Windows 10 Error code 530003"
)
GERMAN_BLOCK = (
    "Anmelden Leider können wir Sie nicht anmelden. AADSTS50126: Fehler beim Überprüfen der "
    "Anmeldeinformationen. Problembehandlungsdetails "
    f"Fehlercode: 50126 Anforderungs-ID: {REQUEST_ID} Korrelations-ID: {CORRELATION_ID} "
    f"Zeitstempel: {TIMESTAMP} App-Name: Microsoft Teams"
)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Oxcaa2OOO3", "0xCAA20003"),
        ("caa70004", "0xCAA70004"),
        ("0x CAA5 0021", "0xCAA50021"),
        ("error 0xcaa90018 when signing in", "0xCAA90018"),
        (
            "We couldn't sign you in. If this error persists, contact your system administrator "
            "and provide the error code caa70004.",
            "0xCAA70004",
        ),
        ("3399614467", "0xCAA20003"),
        ("-895352829", "0xCAA20003"),
        ("80090016", "0x80090016"),
        ("AADSTS 700016", "AADSTS700016"),
        ("AADSTS-50126", "AADSTS50126"),
        ("error code 50126", "AADSTS50126"),
        ("50126", "AADSTS50126"),
        ("53003", "AADSTS53003"),
        ("error 50126", "AADSTS50126"),
        ("code 50126", "AADSTS50126"),
        ("50126 error", "AADSTS50126"),
        ("sign in error 50126", "AADSTS50126"),
        ("error 53003", "AADSTS53003"),
        ("Error Code: 50126", "AADSTS50126"),
        ("Fehlercode: 50126", "AADSTS50126"),
        ("Fehlercode 50126", "AADSTS50126"),
        ("Fehler 53003", "AADSTS53003"),
        ("\uff21\uff21\uff24\uff33\uff34\uff33\uff15\uff10\uff11\uff12\uff16", "AADSTS50126"),
        ("aadsts5O126", "AADSTS50126"),
        ("Teams shows 3399614467 again", "0xCAA20003"),  # a known code's decimal form
    ],
)
@pytest.mark.parametrize("language", ["", "/de"])
def test_what_people_type_lands_on_the_code(
    shipped_client: FlaskClient, language: str, typed: str, code: str
) -> None:
    response = shipped_client.get(f"{language}/search", query_string={"q": typed})
    assert response.status_code == 303, typed
    assert response.headers["Location"] == f"{language}/codes/{code}"


@pytest.mark.parametrize(
    "typed",
    [
        f"Request Id: {REQUEST_ID}",
        "Request Id: 6f0e7b8c-1234-…",
        f"Correlation Id: {CORRELATION_ID}",
        f"App id: {APP_ID}",
        "Device identifier: 4c3b2a19",
        "Authenticator sends text to 0151234567 but nothing arrives",
        "Authenticator schickt keine SMS an 0151 23456789",
        "ticket 123456789 still open",
        "Ticket 123456789 ist noch offen",
    ],
)
@pytest.mark.parametrize("language", ["", "/de"])
def test_ids_and_phone_numbers_never_land_on_a_code(
    shipped_client: FlaskClient, language: str, typed: str
) -> None:
    response = shipped_client.get(f"{language}/search", query_string={"q": typed})
    assert response.status_code == 200, typed  # word results, not a code's page
    assert "Location" not in response.headers
    page = response.get_data(as_text=True)
    assert "It shows status code" not in page
    assert "0x6F0E7B8C" not in page and "0x0903A807" not in page and "0x075BCD15" not in page


def test_a_near_code_still_asks_did_you_mean(shipped_client: FlaskClient) -> None:
    page = shipped_client.get("/search?q=0xCAA2003").get_data(as_text=True)
    assert "0xCAA20003" in page


@pytest.mark.parametrize(
    ("language", "block", "code", "labels"),
    [
        ("", SORRY_BLOCK, "AADSTS50076", ("Correlation ID: ", "Request ID: ", "Timestamp: ")),
        ("", DETAILS_BLOCK, "AADSTS53003", ("Correlation ID: ", "Request ID: ", "Timestamp: ")),
        ("", CODE_LAST_BLOCK, "AADSTS530003", ("Correlation ID: ", "Request ID: ")),
        (
            "/de",
            GERMAN_BLOCK,
            "AADSTS50126",
            ("Korrelations-ID: ", "Anforderungs-ID: ", "Zeitstempel: "),
        ),
        (
            "/de",
            DETAILS_BLOCK,
            "AADSTS53003",
            ("Korrelations-ID: ", "Anforderungs-ID: ", "Zeitstempel: "),
        ),
    ],
)
def test_a_pasted_error_lands_on_its_page_with_the_ids_in_the_message_for_it(
    shipped_client: FlaskClient, language: str, block: str, code: str, labels: tuple[str, ...]
) -> None:
    assert len(block) > 200  # longer than the old limit, as by a link or OpenSearch
    response = shipped_client.get(f"{language}/search", query_string={"q": block})
    assert response.status_code == 200  # the page itself: no redirect carries the IDs on
    page = response.get_data(as_text=True)
    assert f">{code}</span>" in page  # the code's own page, in its heading
    message = message_for_it(page)
    values = (CORRELATION_ID, REQUEST_ID, TIMESTAMP)
    for label, value in zip(labels, values, strict=False):
        assert f"\n{label}{value}\n" in message
    assert "[under “More details”" not in message and "[unter „Weitere" not in message
    assert response.headers["Cache-Control"] == "private, no-store"


def test_the_message_for_it_of_a_plain_code_still_asks_for_the_ids(
    shipped_client: FlaskClient,
) -> None:
    message = message_for_it(shipped_client.get("/codes/AADSTS50126").get_data(as_text=True))
    assert "Correlation ID, request ID, timestamp: [under “More details”" in message


@pytest.mark.parametrize(("length", "status"), [(1999, 303), (2000, 303), (2001, 400), (5000, 400)])
def test_a_long_query_by_link_is_read_up_to_a_limit(
    shipped_client: FlaskClient, length: int, status: int
) -> None:
    query = ("Teams says " * 500)[: length - len(" error 50126")] + " error 50126"
    assert len(query) == length
    response = shipped_client.get("/search", query_string={"q": query})
    assert response.status_code == status
    if status == 400:
        assert "please keep it under 2000" in response.get_data(as_text=True)


def test_the_words_of_a_long_query_are_searched(shipped_client: FlaskClient) -> None:
    query = "teams stuck on loading screen " + "and nothing else happens " * 40
    assert len(query) > 1000
    response = shipped_client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    assert 'href="/reset-teams' in response.get_data(as_text=True)


def test_the_api_reads_a_pasted_error_too(shipped_client: FlaskClient) -> None:
    response = shipped_client.get("/api/search", query_string={"q": CODE_LAST_BLOCK})
    assert response.status_code == 200
    assert response.get_json()["code"] == "AADSTS530003"
    assert response.headers["Cache-Control"] == "private, no-store"


# --- No trace: log, database, page cache -------------------------------------------------------


@pytest.fixture(scope="module")
def fresh_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The shipped content, with a page cache and a database of this module's own (the tests
    look for what each adds, and for the IDs, which none may add)."""
    return make_app(SHIPPED_CONTENT, tmp_path_factory.mktemp("pasted"))


def everything_stored(app: Flask) -> str:
    """Every row of every table, as one text."""
    storage: Storage = app.extensions["storage"]
    assert storage.flush(timeout=30)
    with storage.engine.connect() as connection:
        rows = [
            repr(row)
            for table in metadata.sorted_tables
            for row in connection.execute(sa.select(table))
        ]
    return "\n".join(rows)


PASTES = [
    (DETAILS_BLOCK, "/search"),
    (GERMAN_BLOCK, "/de/search"),
    (CODE_LAST_BLOCK, "/search"),
    (f"teams will not start Request Id: {REQUEST_ID} Correlation Id: {CORRELATION_ID}", "/search"),
    (f"zzqx blorf Request Id: {REQUEST_ID} from 203.0.113.7", "/search"),  # a miss
    (f"Error Code: 0xCAA82F13 Correlation Id: {CORRELATION_ID}", "/search"),  # an unknown code
    (DETAILS_BLOCK, "/api/search"),
]
ADDRESSES = [  # a paste made into an address by hand: answered, but never kept
    f"/codes/Error Code: 50126 Request Id: {REQUEST_ID}",
    f"/de/codes/Fehlercode 50126 Korrelations-ID {CORRELATION_ID}",
    f"/api/codes/AADSTS50126 Request Id: {REQUEST_ID}",
]


@pytest.mark.parametrize(("block", "path"), PASTES)
def test_pasted_ids_leave_no_trace(
    fresh_app: Flask, caplog: pytest.LogCaptureFixture, block: str, path: str
) -> None:
    client = fresh_app.test_client()
    store = fresh_app.extensions["page_cache"].store
    kept = len(store)
    caplog.set_level(logging.DEBUG)
    for _ in range(2):  # the second time would be answered by the page cache, if it kept it
        with client.get(path, query_string={"q": block}) as response:
            body = response.get_data(as_text=True)
            assert response.status_code in (200, 404)
            assert response.headers["Cache-Control"] == "private, no-store"
    assert any(value in body for value in PERSONAL)  # the person's own answer has them
    assert len(store) == kept  # the page cache kept nothing
    stored = everything_stored(fresh_app)
    logged = caplog.text
    for value in PERSONAL:
        assert value not in stored
        assert value not in logged


@pytest.mark.parametrize("path", ADDRESSES)
def test_a_paste_in_a_code_address_is_never_kept(fresh_app: Flask, path: str) -> None:
    store = fresh_app.extensions["page_cache"].store
    kept = len(store)
    with fresh_app.test_client().get(path) as response:
        assert response.status_code in (200, 301, 404)
        assert response.headers["Cache-Control"] == "private, no-store"
    assert len(store) == kept
    assert CORRELATION_ID not in everything_stored(fresh_app)


def test_a_pasted_miss_is_counted_without_its_ids(fresh_app: Flask) -> None:
    client = fresh_app.test_client()
    with client.get("/search", query_string={"q": PASTES[4][0]}) as response:
        response.get_data()
    stored = everything_stored(fresh_app)
    assert "zzqx blorf request id: [id] from [ip]" in stored


def test_a_pasted_unknown_code_is_counted_as_the_code_alone(fresh_app: Flask) -> None:
    client = fresh_app.test_client()
    with client.get("/search", query_string={"q": PASTES[5][0]}) as response:
        assert response.status_code == 404  # the unknown code's own page
        response.get_data()
    stored = everything_stored(fresh_app)
    assert "0xCAA82F13" in stored
    assert CORRELATION_ID not in stored


def test_a_search_without_ids_is_still_kept_by_the_page_cache(fresh_app: Flask) -> None:
    client = fresh_app.test_client()
    store = fresh_app.extensions["page_cache"].store
    kept = len(store)
    with client.get("/search?q=proxy+firewall") as response:
        response.get_data()
        assert response.headers["Cache-Control"] == "public, no-cache"
    assert len(store) == kept + 1


def test_only_the_first_200_characters_are_searched_for_words(
    shipped_client: FlaskClient,
) -> None:
    assert 'href="/codes/' in shipped_client.get("/search?q=x+proxy").get_data(as_text=True)
    page = shipped_client.get("/search", query_string={"q": "x" * 199 + " proxy"})
    assert 'href="/codes/' not in page.get_data(as_text=True)


def test_the_report_lists_no_id_or_phone_number_as_a_code_to_add(fresh_app: Flask) -> None:
    client = fresh_app.test_client()
    for typed in (
        f"Request Id: {REQUEST_ID}",
        f"Correlation Id: {CORRELATION_ID}",
        f"App id: {APP_ID}",
        "Device identifier: 4c3b2a19",
        "Authenticator sends text to 0151234567 but nothing arrives",
        "ticket 123456789 still open",
        "zzqx blorf 203.0.113.7",
        "0xCAA82F13",  # a real code the table lacks, for contrast
    ):
        with client.get("/search", query_string={"q": typed}, follow_redirects=True) as response:
            response.get_data()
    assert fresh_app.extensions["storage"].flush(timeout=30)
    report = fresh_app.test_cli_runner().invoke(args=["report"]).output
    assert "0xCAA82F13" in report
    for bogus in ("0x6F0E7B8C", "0x1A2B3C4D", "0x1FEC8E78", "0x4C3B2A19", "0x0903A807"):
        assert bogus not in report
    assert "0x075BCD15" not in report
    for personal in ("6f0e7b8c", "0151234567", "123456789", "203.0.113.7"):
        assert personal not in report
    assert "zzqx blorf [ip]" in report


def test_a_pasted_error_counts_one_lookup_of_its_code(tmp_path) -> None:
    app = make_app(SHIPPED_CONTENT, tmp_path)
    storage: Storage = app.extensions["storage"]
    with app.test_client().get("/search", query_string={"q": DETAILS_BLOCK}) as response:
        assert response.status_code == 200
    assert storage.flush(timeout=30)
    with storage.engine.connect() as connection:
        counts = dict(
            connection.execute(
                sa.select(lookup.c.code, sa.func.sum(lookup.c.count)).group_by(lookup.c.code)
            ).all()
        )
    assert counts == {"AADSTS53003": 1}
