"""Driving the real OpenID Connect provider of the tests (tests/oidc/provider.mjs) the way a
browser would: its login screen, its consent screen, and back to the redirect URI."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pytest
import requests
from joserfc.jwk import RSAKey

from support.environment import in_ci
from support.servers import free_port, stop_process, wait_for_server

PROVIDER_DIR = Path(__file__).resolve().parent.parent / "oidc"
PROVIDER_SCRIPT = PROVIDER_DIR / "provider.mjs"
PROVIDER_PACKAGE = PROVIDER_DIR / "node_modules" / "oidc-provider" / "package.json"
SETTINGS = json.loads((PROVIDER_DIR / "provider.json").read_text(encoding="utf-8"))
CLIENT_ID = SETTINGS["clients"][0]["client_id"]
CLIENT_SECRET = SETTINGS["clients"][0]["client_secret"]
OTHER_CLIENT_ID = SETTINGS["clients"][1]["client_id"]
OTHER_CLIENT_SECRET = SETTINGS["clients"][1]["client_secret"]
IT_LEAD = "it.lead@example.com"  # groups: it-desk
ON_CALL = "on.call@example.com"  # groups: service-desk
STRANGER = "someone@elsewhere.org"  # groups: sales

_FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')


def start_provider(
    folder: Path, redirect_uri: str, host: str = "localhost", keys: Path | None = None
) -> tuple[str, subprocess.Popen]:
    """Start tests/oidc/provider.mjs on a free loopback port; return its issuer and process.
    ``localhost`` is another site than the app's ``127.0.0.1``, as an identity provider is in
    real life. Skips (fails under CI=true) without node or the npm package (.ci/run)."""
    node = shutil.which("node")
    if node is None or not PROVIDER_PACKAGE.is_file():
        reason = "node and oidc-provider (npm, under tests/oidc; .ci/run installs it) are needed"
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    port = free_port()
    issuer = f"http://{host}:{port}"
    log = folder / f"oidc-provider-{port}.log"
    arguments = [node, str(PROVIDER_SCRIPT), issuer, str(port), redirect_uri]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*arguments, *([str(keys)] if keys else [])], stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_for_server(port, process, log)
    except BaseException:
        stop_process(process)
        raise
    return issuer, process


def write_shared_keys(path: Path) -> Path:
    """A signing key set two providers can share (so only their issuers differ)."""
    key = RSAKey.generate_key(2048, parameters={"kid": "shared", "use": "sig", "alg": "RS256"})
    path.write_text(json.dumps({"keys": [key.as_dict(private=True)]}), encoding="utf-8")
    return path


def with_params(url: str, **changes: str) -> str:
    """``url`` with some of its query parameters replaced (a tampered request)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def params_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def sign_in_at_provider(authorize_url: str, login: str, redirect_uri: str) -> str:
    """Log in at the provider as ``login`` (any password), consent, and return the address the
    provider sends the browser back to (``redirect_uri?code=…&state=…``), without visiting it."""
    browser = requests.Session()
    response = browser.get(authorize_url, allow_redirects=False, timeout=10)
    for _ in range(10):
        if response.is_redirect:
            target = urljoin(response.url, response.headers["Location"])
            if target.startswith(redirect_uri):
                return target
            response = browser.get(target, allow_redirects=False, timeout=10)
            continue
        response.raise_for_status()
        action = urljoin(response.url, _FORM_ACTION.search(response.text)[1])
        if 'name="login"' in response.text:
            fields = {"prompt": "login", "login": login, "password": "any"}
        else:
            fields = {"prompt": "consent"}
        response = browser.post(action, data=fields, allow_redirects=False, timeout=10)
    raise AssertionError(f"the provider never sent the browser back: {response.url}")
