"""A database that is locked or frozen never holds pages up, and feedback fails fast.

The real thing: PostgreSQL (``TEST_DATABASE_URL``, started by ``.ci/postgres.sh``), the site
under Gunicorn with ``gunicorn.conf.py``, and HTTP over loopback sockets. Every wait in these
tests has a bound, so a site that hangs fails them instead of stalling the run; the bounds are
far above what a working site needs (it answers these pages in milliseconds) and far below the
minute a hung database used to cost.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import secrets
import signal
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from support.apps import make_app
from support.content import write_content
from support.servers import start_gunicorn, stop_process, wait_until

from webapp.storage import database_url as resolve_url
from webapp.storage.tables import feedback

GUNICORN = Path(sys.executable).with_name("gunicorn")
# Far longer than a page takes, far shorter than a hung database held one (60 s).
PAGE_BOUND_S = 8


# PostgreSQL only: SQLite's one wait is its busy timeout (tests/test_storage.py).
pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
    pytest.mark.skipif(not GUNICORN.exists(), reason="Gunicorn is not installed beside Python"),
]


@dataclass
class Site:
    base: str
    log: Path
    engine: sa.Engine  # the test's own connection to the site's database

    def get(self, path: str, timeout: float = PAGE_BOUND_S) -> int:
        """The status of ``path``, or 0 when no answer came within ``timeout`` seconds."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=timeout) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            error.read()
            return error.code
        except OSError:  # a timeout, or the connection refused or reset
            return 0


@pytest.fixture
def site(database_url: str, tmp_path: Path) -> Iterator[Site]:
    """The site under Gunicorn (2 workers of 2 threads) on the test's PostgreSQL schema."""
    process, port, log = start_gunicorn(
        tmp_path,
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="2",
        SECRET_KEY=secrets.token_hex(32),
        CONTENT_DIR=str(write_content(tmp_path / "content")),
        DATABASE_URL=database_url,
    )
    engine = sa.create_engine(resolve_url(database_url, tmp_path), poolclass=sa.NullPool)
    site = Site(f"http://127.0.0.1:{port}", log, engine)
    try:
        yield site
    finally:
        stop_process(process)
        engine.dispose()


# --- Freezing the server ---------------------------------------------------------------------


def _parent(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


def _server_processes(engine: sa.Engine) -> list[int]:
    """The postmaster and every process it started (backends, writer, checkpointer, ...)."""
    with engine.connect() as connection:  # the backend ends with its connection: ask now
        backend = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        postmaster = _parent(backend)
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if _parent(int(entry.name)) == postmaster:
                    children.append(int(entry.name))
            except (OSError, ValueError, IndexError):  # ended meanwhile
                pass
    return [postmaster, *children]


@contextmanager
def frozen(engine: sa.Engine) -> Iterator[None]:
    """Stop the PostgreSQL server's processes (``kill -STOP``): it accepts connections and
    bytes, and never answers. Always resumed (``kill -CONT``) at the end."""
    processes = _server_processes(engine)
    try:
        for pid in processes:
            with suppress(ProcessLookupError):  # a backend that ended meanwhile
                os.kill(pid, signal.SIGSTOP)
        yield
    finally:
        for pid in processes:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)


# --- A person sending feedback -----------------------------------------------------------------


class _StayOnTheAnswer(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None  # the 303 after a saved answer is what the test looks at


class Person:
    """A browser: cookies kept, the form's token read from the page it came with."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _StayOnTheAnswer()
        )

    def form_token(self) -> str:
        with self.opener.open(self.site.base + "/feedback?about=code:0xCAA20003", timeout=10) as r:
            page = r.read().decode()
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
            r'value="([^"]+)"[^>]*name="csrf_token"', page
        )
        assert match, page
        return match[1]

    def send(self, token: str, comment: str, timeout: float) -> tuple[int, str]:
        data = urllib.parse.urlencode(
            {
                "csrf_token": token,
                "about": "code:0xCAA20003",
                "step": "details",
                "helpful": "no",
                "comment": comment,
                "tried": "Restarted Teams",
            }
        ).encode()
        request = urllib.request.Request(self.site.base + "/feedback", data=data)
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def _busy_sessions(engine: sa.Engine) -> int:
    """Client sessions other than this one that are running or inside a transaction."""
    with engine.connect() as connection:
        return connection.exec_driver_sql(
            "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
            " AND pid <> pg_backend_pid() AND state IS DISTINCT FROM 'idle'"
        ).scalar_one()


def _stored_comments(engine: sa.Engine) -> list[str]:
    with engine.connect() as connection:
        return [row.comment for row in connection.execute(sa.select(feedback.c.comment))]


def test_feedback_fails_fast_with_the_words_kept_when_the_server_is_frozen(site: Site) -> None:
    """With the server frozen, a post answers 503 within the time budget (about 2 s, bounded
    here by 8) with the person's words in the form, the failure is logged once; and when the
    server runs again, nothing of what the person gave up on is stored."""
    people = [Person(site) for _ in range(4)]
    tokens = [person.form_token() for person in people]
    assert people[0].send(tokens[0], "Before the freeze", timeout=10)[0] == 303  # a warm pool
    with frozen(site.engine), ThreadPoolExecutor(4) as pool:
        answers = list(
            pool.map(
                lambda i: people[i].send(tokens[i], f"Frozen words {i}", timeout=PAGE_BOUND_S),
                range(4),
            )
        )
    for i, (status, page) in enumerate(answers):
        assert status == 503
        assert "We could not save your answer" in page
        assert f"Frozen words {i}</textarea>" in page and "Restarted Teams</textarea>" in page
    # The server runs again: what was cut off is rolled back, never stored late. Once no
    # session of the site is busy, any write still on its way would have landed.
    wait_until(lambda: not _busy_sessions(site.engine), seconds=30)
    assert _stored_comments(site.engine) == ["Before the freeze"]
    failures = [line for line in site.log.read_text().splitlines() if "not saved" in line]
    assert len(failures) == 4  # one line per failed post, no traceback
    assert not any("Traceback" in line for line in site.log.read_text().splitlines())
    # And the site writes again, without a restart.
    assert people[1].send(tokens[1], "After the freeze", timeout=10)[0] == 303
    assert sorted(_stored_comments(site.engine)) == ["After the freeze", "Before the freeze"]


# --- Holding a lock --------------------------------------------------------------------------


def test_pages_and_searches_answer_while_the_misses_table_is_locked(site: Site) -> None:
    """With ``search_miss`` locked (ACCESS EXCLUSIVE, as a long migration or a stuck report
    would), cached pages and searches that found nothing keep answering, all of them."""
    assert site.get("/faq") == 200  # in the page cache now
    locker = site.engine.connect()
    try:
        locker.begin()
        locker.exec_driver_sql("LOCK TABLE search_miss IN ACCESS EXCLUSIVE MODE")
        stop = threading.Event()
        probes: list[int] = []

        def probe() -> None:
            while not stop.is_set() and len(probes) < 40:
                probes.append(site.get("/faq", timeout=PAGE_BOUND_S))
                time.sleep(0.05)

        prober = threading.Thread(target=probe)
        prober.start()
        with ThreadPoolExecutor(10) as pool:
            searches = list(
                pool.map(lambda i: site.get(f"/search?q=nothing+like+this+{i}"), range(20))
            )
        stop.set()
        prober.join(timeout=60)
        assert searches == [200] * 20
        assert probes and probes == [200] * len(probes)
    finally:
        locker.rollback()
        locker.close()


# --- Notices while the server is frozen --------------------------------------------------------


def _page(site: Site, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(site.base + path, timeout=PAGE_BOUND_S) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def _post_notice(site: Site, secret: str, title: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        site.base + "/api/notices",
        data=json.dumps({"title": title}).encode(),
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=PAGE_BOUND_S) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_pages_keep_the_last_notices_and_posting_says_it_failed_when_frozen(
    site: Site, database_url: str, tmp_path: Path
) -> None:
    app = make_app(write_content(tmp_path / "cli-content"), tmp_path, DATABASE_URL=database_url)
    secret = app.test_cli_runner().invoke(args=["token", "create", "runbook"]).output.split()[-1]
    number = _post_notice(site, secret, "Sign-in is down")[1]["id"]

    def every_worker_shows_it() -> bool:
        text = site.log.read_text()
        workers = set(re.findall(r"Booting worker with pid: (\d+)", text))
        shown = set(re.findall(rf"Notices shown by worker (\d+): (?:[0-9, ]*\b)?{number}\b", text))
        return len(workers) == 2 and shown >= workers

    wait_until(every_worker_shows_it, what="every worker shows the notice")
    with frozen(site.engine):
        # Every worker's poll has met the frozen server, and kept what it had.
        wait_until(
            lambda: (
                set(re.findall(r"Notices not refreshed by worker (\d+)", site.log.read_text()))
                >= set(re.findall(r"Booting worker with pid: (\d+)", site.log.read_text()))
            ),
            what="every worker's poll failed",
        )
        for path in ("/", "/faq", "/codes/0xCAA20003", "/api/notices"):
            for _ in range(4):
                status, body = _page(site, path)
                assert status == 200 and "Sign-in is down" in body, path
        status, answer = _post_notice(site, secret, "Another one")
        assert status == 503 and "nothing was done" in answer["message"]
    status, answer = _post_notice(site, secret, "After the thaw")
    assert status == 201  # the database is used again without restarting the site
