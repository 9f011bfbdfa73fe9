"""Browser tests: the real site, served on loopback, in Debian's Chromium driven by Playwright.

Nothing is downloaded at test time: Chromium is Debian's (/usr/bin/chromium, or CHROMIUM_PATH),
and axe-core is the npm package that ``.ci/run`` installs under ``tests/browser/node_modules``
(or AXE_CORE_JS). Without either, these tests are skipped with the reason, except under
``CI=true``, where a missing tool fails them: CI must never pass by skipping the browser.

Fixtures:

- ``base_url``: the site over the shipped content, with an IT e-mail and helpdesk configured.
- ``open_page(path, scheme=..., width=..., javascript=...)``: a fresh browser context and page
  at ``path``; console errors and failed requests on it are collected in ``page_errors[page]``.
- ``axe(page)``: the axe-core violations on the page (WCAG 2.0/2.1 A and AA, best practices).
- ``screenshot(page, name)``: a full-page PNG under ``tests/artifacts/screenshots/``.
- ``page_type``: parametrises a test over every kind of page in ``PAGE_TYPES``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from support.apps import make_app
from support.content import SHIPPED_CONTENT
from support.environment import in_ci
from support.servers import served

from .support import (
    AXE_JS,
    AXE_TAGS,
    CHROMIUM,
    CHROMIUM_ARGS,
    IT_EMAIL,
    IT_URL,
    PAGE_TYPES,
    SCREENSHOTS,
)


def require(available: bool, reason: str) -> None:
    """Skip the test when a tool is missing, but fail it under CI=true."""
    if available:
        return
    if in_ci():
        pytest.fail(f"{reason} CI=true, so the browser tests may not be skipped.", pytrace=False)
    pytest.skip(reason)


# No browser test takes more than a few seconds; one that hangs (a page that never answers,
# a promise that never settles) fails after this long instead of holding up the whole run.
TEST_TIMEOUT = 180


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.timeout(TEST_TIMEOUT))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "page_type" in metafunc.fixturenames:
        metafunc.parametrize("page_type", list(PAGE_TYPES))
    if "scheme" in metafunc.fixturenames:
        metafunc.parametrize("scheme", ["light", "dark"])


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site over the shipped content, served by Werkzeug on a free loopback port."""
    app = make_app(
        SHIPPED_CONTENT,
        tmp_path_factory.mktemp("browser-site"),
        IT_CONTACT_EMAIL=IT_EMAIL,
        IT_CONTACT_URL=IT_URL,
    )
    with served(app, "browser-site") as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "The Python package playwright is not installed (pip install -e '.[test]').")
    require(
        Path(CHROMIUM).is_file() or shutil.which(CHROMIUM) is not None,
        f"No Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH).",
    )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    require(
        AXE_JS.is_file(),
        f"No axe-core at {AXE_JS}: run `npm install --no-save --prefix tests/browser "
        "axe-core@4` (or set AXE_CORE_JS).",
    )
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture
def page_errors() -> dict[Any, list[str]]:
    return {}


@pytest.fixture
def open_page(
    browser: Any, base_url: str, page_errors: dict[Any, list[str]]
) -> Iterator[Callable[..., Any]]:
    """Open ``path`` in a fresh context: ``scheme`` light/dark, ``width`` px, JavaScript on/off."""
    contexts = []

    def open_(
        path: str,
        *,
        scheme: str = "light",
        width: int = 1024,
        height: int = 768,
        javascript: bool = True,
        **context_options: Any,
    ) -> Any:
        context = browser.new_context(
            base_url=base_url,
            viewport={"width": width, "height": height},
            color_scheme=scheme,
            java_script_enabled=javascript,
            reduced_motion="reduce",
            locale="en-GB",
            timezone_id="Europe/London",
            **context_options,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        errors = page_errors.setdefault(page, [])
        # The page's own status (a 404 page is meant to be a 404) is the test's business;
        # anything else that fails to load, and every script error, is collected here.
        page.on(
            "console",
            lambda message: (
                errors.append(message.text)
                if message.type == "error"
                and not message.text.startswith("Failed to load resource")
                else None
            ),
        )
        page.on(
            "response",
            lambda response: (
                errors.append(f"{response.status}: {response.url}")
                if response.status >= 400 and response.request.resource_type != "document"
                else None
            ),
        )
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
        if path:
            page.goto(path)
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def axe(axe_source: str) -> Callable[[Any], list[dict]]:
    def run(page: Any, context: str | None = None) -> list[dict]:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(axe_source)
        options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
        # page.evaluate has no timeout of its own: give axe one, so a stuck run fails.
        result = page.evaluate(
            """([context, options]) => Promise.race([
                 axe.run(context || document, options),
                 new Promise((_, reject) =>
                   setTimeout(() => reject(new Error("axe-core did not finish in 60 s")), 60000)),
               ])""",
            [context, options],
        )
        return result["violations"]

    return run


MAX_SCREENSHOT_HEIGHT = 12_000  # CSS pixels


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    def take(page: Any, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        # The whole page, except a very long one (the code table): Chromium cannot capture a
        # page taller than its largest texture, and times out trying; its first screen then.
        tall = page.evaluate("document.documentElement.scrollHeight") > MAX_SCREENSHOT_HEIGHT
        page.screenshot(path=str(path), full_page=not tall)
        return path

    return take


@pytest.fixture
def page_url(page_type: str) -> str:
    return PAGE_TYPES[page_type][0]
