"""What Gunicorn, as gunicorn.conf.py sets it up, listens on and takes from request headers.

Real Gunicorn on loopback: the default address, and which forwarded headers it trusts from whom
(``PROXY_COUNT``, ``FORWARDED_ALLOW_IPS``). A forged ``SCRIPT_NAME`` is never honoured.
"""

from __future__ import annotations

import http.client
import re
from pathlib import Path

import pytest
from support.content import SHIPPED_CONTENT

pytestmark = pytest.mark.slow  # real servers and processes


def get(port: int, path: str, headers: dict[str, str]) -> tuple[int, str]:
    """One request with exactly these header names (http.client keeps ``SCRIPT_NAME`` as it is)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def page_language(html: str) -> str:
    found = re.search(r'<html[^>]* lang="([^"]+)"', html)
    assert found, html[:300]
    return found.group(1)


def test_gunicorn_listens_on_loopback_by_default(gunicorn_site) -> None:
    port, log = gunicorn_site()
    assert f"Listening at: http://127.0.0.1:{port} " in log.read_text()


def test_bind_chooses_the_address(gunicorn_site, tmp_path: Path) -> None:
    socket_path = tmp_path / "site.sock"
    _, log = gunicorn_site(BIND=f"unix:{socket_path}", PORT="1")
    assert f"Listening at: unix:{socket_path} " in log.read_text()
    assert socket_path.is_socket()


@pytest.mark.parametrize("proxies", ["0", "1"])
def test_a_forged_script_name_header_never_changes_the_page(gunicorn_site, proxies: str) -> None:
    """``SCRIPT_NAME: /de`` on ``/de/faq`` made Gunicorn serve the English page there, and the
    page cache then gave it to everyone asking for the German one."""
    port, _ = gunicorn_site(CONTENT_DIR=str(SHIPPED_CONTENT), PROXY_COUNT=proxies)
    forged = {"Host": "localhost", "SCRIPT_NAME": "/de"}
    for _ in range(3):
        status, html = get(port, "/de/faq", forged)
        assert status == 200
        assert page_language(html) == "de"
    status, html = get(port, "/de/faq", {"Host": "localhost"})
    assert page_language(html) == "de"


def opensearch_urls(port: int, headers: dict[str, str]) -> list[str]:
    status, xml = get(port, "/opensearch.xml", {"Host": "localhost", **headers})
    assert status == 200
    return re.findall(r'template="([^"?]+)', xml)


def test_without_a_proxy_nobody_sets_the_scheme(gunicorn_site) -> None:
    """At ``PROXY_COUNT=0`` a client on the same machine (Gunicorn trusted 127.0.0.1 by default)
    cannot make the site believe it is on HTTPS, nor poison cached links with it."""
    port, _ = gunicorn_site()
    for forged in ({"X-Forwarded-Proto": "https"}, {"X-Forwarded-Ssl": "on"}):
        urls = opensearch_urls(port, forged)
        assert urls and all(url.startswith("http://localhost/") for url in urls), urls


def test_behind_a_proxy_its_scheme_is_used(gunicorn_site) -> None:
    port, _ = gunicorn_site(PROXY_COUNT="1")
    urls = opensearch_urls(port, {"X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.1"})
    assert urls and all(url.startswith("https://localhost/") for url in urls), urls


def test_behind_a_proxy_a_client_s_own_scheme_header_changes_nothing(gunicorn_site) -> None:
    """The proxy sets X-Forwarded-Proto and passes other headers on: a client's
    ``X-Forwarded-Ssl: on`` made Gunicorn answer 400 (two scheme headers that disagree)."""
    port, _ = gunicorn_site(PROXY_COUNT="1")
    from_proxy = {"X-Forwarded-Proto": "http", "X-Forwarded-For": "192.0.2.1"}
    for forged in ({"X-Forwarded-Ssl": "on"}, {"X-Forwarded-Protocol": "ssl"}):
        urls = opensearch_urls(port, {**from_proxy, **forged})
        assert urls and all(url.startswith("http://localhost/") for url in urls), urls
