"""Telling IT at once, and once: an alert through Apprise when a code starts rising.

The counter's writer finds rising codes after each batch and claims each code's alert of the
hour in the database (:func:`webapp.storage.lookups.claim_alert`), so exactly one process of
every worker and server sends it. Sending happens on a thread of its own: a slow or failing
channel never holds up the counting, let alone a page. A failed delivery is logged and tried
once more after :data:`RETRY_AFTER_S` seconds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping

import apprise

from webapp.storage import Rising

log = logging.getLogger(__name__)

RETRY_AFTER_S = 5.0


class Alerts:
    """Sends the alert of a rising code to every URL of ``ALERT_URLS``."""

    def __init__(self, urls: tuple[str, ...], site_url: str, titles: Mapping[str, str]) -> None:
        self.urls = urls
        self.site_url = site_url
        self.titles = titles

    def __call__(self, rising: Rising) -> None:
        threading.Thread(target=self.send, args=(rising,), name="alert", daemon=True).start()

    def message(self, rising: Rising) -> tuple[str, str]:
        """The alert's title and body."""
        code, title = rising.code, self.titles.get(rising.code, "")
        languages = ", ".join(rising.languages) or "-"
        body = "\n".join(
            [
                f"{code} ({title}) is being looked up far more often than usual.",
                f"Last 15 minutes: {rising.now} lookups; usually {rising.usual:.1f}.",
                f"Languages: {languages}.",
                f"Page: {self.site_url}/codes/{code}",
                "",
                "To tell everyone who looks it up that IT knows, post a notice:",
                f'  flask --app webapp notice post --code {code} --title "…"',
                f"  or POST {self.site_url}/api/notices with a bearer token",
                f'  (JSON: {{"code": "{code}", "title": "…"}}).',
            ]
        )
        return f"Rising: {code} {title}".strip(), body

    def send(self, rising: Rising) -> bool:
        """Deliver the alert, once more after a failure; True once delivered."""
        title, body = self.message(rising)
        for attempt in (1, 2):
            if self._notify(title, body):
                log.info("Alert sent: %s is rising (%d lookups in 15 min)", rising.code, rising.now)
                return True
            log.error(
                "Alert for the rising code %s not delivered (try %d of 2)", rising.code, attempt
            )
            if attempt == 1:
                time.sleep(RETRY_AFTER_S)
        return False

    def _notify(self, title: str, body: str) -> bool:
        channels = apprise.Apprise()
        for url in self.urls:
            channels.add(url)
        try:
            return bool(channels.notify(title=title, body=body))
        except Exception:  # a channel's library failing must not end the thread silently
            log.exception("Apprise failed")
            return False
