"""The JSON API: search, all codes, one code; bad parameters are JSON 400s."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient


def test_search_for_a_code_returns_the_normalised_code_first(client: FlaskClient) -> None:
    body = client.get("/api/search?q=caa2%200003").get_json()
    assert body["query"] == "caa2 0003"
    assert body["code"] == "0xCAA20003"
    first = body["results"][0]
    assert first == {
        "kind": "code",
        "code": "0xCAA20003",
        "title": "Check your clock",
        "url": "http://localhost/codes/0xCAA20003",
        # HTML, escaped like every other result's: the summary says "Your device's …".
        "snippet": "Your device&#39;s date and time are wrong.",
    }


def test_word_search_returns_ranked_results_with_limit(client: FlaskClient) -> None:
    body = client.get("/api/search?q=smart+card&limit=1").get_json()
    assert body["code"] is None
    assert len(body["results"]) == 1
    result = body["results"][0]
    assert result["kind"] == "code" and result["code"] == "none"
    assert "<mark>" in result["snippet"]


def test_page_results_have_no_code_and_link_to_the_anchor(client: FlaskClient) -> None:
    result = client.get("/api/search?q=multi-factor").get_json()["results"][0]
    assert result["kind"] == "page" and result["code"] is None
    assert result["url"] == "http://localhost/faq#mfa"


def test_unknown_code_search_carries_the_explanation(client: FlaskClient) -> None:
    body = client.get("/api/search?q=0xCAA82EFE").get_json()
    assert body["code"] == "0xCAA82EFE"
    assert body["explanation"]["number"] == {"decoder": "network", "value": 12030, "name": None}
    assert body["explanation"]["family"]["prefix"] == "0xCAA8"


# "\uff19" is a full-width nine: a digit to str.isdigit(), not to us.
@pytest.mark.parametrize("limit", ["0", "51", "-1", "abc", "1.5", "\uff19"])
def test_bad_limit_is_a_json_400(client: FlaskClient, limit: str) -> None:
    response = client.get("/api/search", query_string={"q": "proxy", "limit": limit})
    assert response.status_code == 400
    body = response.get_json()
    assert body["status"] == 400 and "limit" in body["message"]


@pytest.mark.parametrize(
    "path", ["/api/search?q=proxy&limit=0", "/api/search?q=proxy&lang=xx", "/api/codes/hello"]
)
def test_a_bad_parameter_carries_the_request_id_like_every_error(
    client: FlaskClient, path: str
) -> None:
    response = client.get(path, headers={"X-Request-ID": "ref-12345"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "bad_request" and body["status"] == 400
    assert body["request_id"] == "ref-12345" == response.headers["X-Request-ID"]


def test_too_long_query_is_a_json_400(client: FlaskClient) -> None:
    response = client.get("/api/search", query_string={"q": "x" * 2001})
    assert response.status_code == 400
    assert "2000" in response.get_json()["message"]


def test_all_codes(client: FlaskClient) -> None:
    codes = client.get("/api/codes").get_json()["codes"]
    assert [c["code"] for c in codes] == [
        "0xCAA20003",
        "0xCAA82EE2",
        "none",
        "AADSTS50126",
        "AADSTS12029",
        "0xCAA82EFD",
    ]
    assert codes[0]["steps"] == ["Set the time automatically.", "Restart Teams."]
    assert codes[0]["url"] == "http://localhost/codes/0xCAA20003"


def test_one_code_in_any_spelling(client: FlaskClient) -> None:
    body = client.get("/api/codes/caa20003").get_json()
    assert body["code"] == "0xCAA20003" and body["title"] == "Check your clock"


def test_unknown_code_is_404_with_family_decoding(client: FlaskClient) -> None:
    response = client.get("/api/codes/0xCAA301F7")
    assert response.status_code == 404
    body = response.get_json()
    assert body["explanation"]["number"] == {
        "decoder": "http",
        "value": 503,
        "name": "Service Unavailable",
    }


def test_non_code_is_a_json_400(client: FlaskClient) -> None:
    response = client.get("/api/codes/hello")
    assert response.status_code == 400
    assert response.get_json()["error"] == "bad_request"
