"""Absolute addresses of the site's own pages, from ``SITE_URL``, never from a request.

Pages carry a few absolute addresses (the ``hreflang`` alternates, the link in the message for
IT, ``/opensearch.xml``, the API's ``url`` fields). They come from ``SITE_URL``, the address
people use (``https://help.example.org``), so that a forged ``Host`` header can never end up in a
page that a cache keeps for everyone. Only while ``SITE_URL`` is unset (development) do they
follow the request, and the page cache then keeps pages per host.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app, request, url_for

from webapp.config import settings_of

# WSGI environ: SCRIPT_NAME as it came, before webapp.i18n moved a language prefix into it.
OUTER_ROOT_KEY = "webapp.outer_script_root"

log = logging.getLogger(__name__)


def site_origin() -> str:
    """``scheme://host`` of the site: ``SITE_URL``, or this request's while it is unset (then
    ``https`` whenever ``HTTPS=1`` says people use it, whatever scheme reached Gunicorn)."""
    settings = settings_of(current_app)
    if settings.site_url:
        return settings.site_url
    return f"{'https' if settings.https else request.scheme}://{request.host}"


def external_url(endpoint: str, **values: Any) -> str:
    """``url_for`` as an absolute address on the site's own origin."""
    return site_origin() + url_for(endpoint, **values)


def init_app(app: Flask) -> None:
    """Without ``SITE_URL`` in production, say what that costs."""
    settings = settings_of(app)
    if settings.production and not settings.site_url:
        log.warning(
            "SITE_URL is unset: absolute links follow each request's Host header, and pages "
            "are cached per host. Set SITE_URL to the address people use."
        )
