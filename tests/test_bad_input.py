"""Bad input to every route: a clear 4xx or a normal page, never a 500 or a stack trace."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

NASTY = [
    "",
    " ",
    "%",
    "%00",
    "\x00",
    "\x7f\x1b[31m",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\ud7ff\ue000\U0010ffff",
    "😀" * 50,
    "a" * 5000,
    "0x" + "F" * 500,
    "9" * 400,
    "-" * 300,
    "{{7*7}}",
]

ROUTES = [
    "/search?q={}",
    "/api/search?q={}",
    "/api/search?q=proxy&limit={}",
    "/codes/{}",
    "/api/codes/{}",
    "/{}",
]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("value", NASTY, ids=range(len(NASTY)))
def test_route_answers_bad_input_without_a_server_error(
    client: FlaskClient, route: str, value: str
) -> None:
    from urllib.parse import quote

    # A fixed request id: a random one could hold "49" and fake an evaluated {{7*7}}.
    response = client.get(route.format(quote(value, safe="")), headers={"X-Request-ID": "bad"})
    assert response.status_code < 500, (route, value, response.status_code)
    body = response.get_data(as_text=True)
    if response.is_json:
        response.get_json()  # JSON echoes the query as data, served as application/json
    else:
        assert "<script>alert(1)</script>" not in body
    if response.mimetype == "text/html" and not 300 <= response.status_code < 400:
        assert 'class="skip-link"' in body  # the site's own page, not a framework's
    assert "49" not in body or "{{7*7}}" not in value
