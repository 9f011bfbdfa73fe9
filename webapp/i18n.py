"""Languages: the ``/<language>`` address prefix, the first visit's choice, the switcher, and
the interface strings.

- Every page of a translation lives under its language's prefix (``/de/codes/0xCAA20003``);
  the default language keeps the plain addresses. :class:`LanguagePrefix` moves the prefix
  into ``SCRIPT_NAME``, so the views never see it and every ``url_for`` stays in the language.
- The first visit to ``/`` picks the best language from ``Accept-Language`` and redirects to
  its home (with ``Vary: Accept-Language``); ``/?lang=en`` is the default language's home
  without that choice, where the switcher leads.
- Only the languages *offered* (:mod:`webapp.content.coverage`: interface and pages complete)
  are chosen on a first visit, listed in the switcher and named in ``hreflang``; a language
  still being written is served at its prefix, marked ``noindex``, for its writers to see.
- Interface strings go through Flask-Babel. Each translation folder holds its catalogue,
  ``content/<language>/messages.po``; it is compiled in memory at start-up, never by hand.
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.support import Translations
from flask import Flask, g, has_request_context, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import Babel
from werkzeug.exceptions import BadRequest

from webapp.addresses import OUTER_ROOT_KEY, site_origin
from webapp.caching.policy import used_query
from webapp.content import EXTENSION_KEY as CONTENT_KEY
from webapp.content import current_site

log = logging.getLogger(__name__)

LANGUAGE_KEY = "webapp.language"  # WSGI environ: the language of the address


class LanguagePrefix:
    """WSGI middleware: ``/de/faq`` is served as ``/faq`` in German, under ``SCRIPT_NAME /de``."""

    def __init__(self, app: Flask, inner: Callable) -> None:
        self.wsgi_app = inner
        site = app.extensions[CONTENT_KEY]
        self.prefixes = [
            (f"/{language}", language)
            for language in site.languages
            if language != site.default_language
        ]

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        environ[OUTER_ROOT_KEY] = environ.get("SCRIPT_NAME", "")
        for prefix, language in self.prefixes:
            if path == prefix or path.startswith(prefix + "/"):
                environ["SCRIPT_NAME"] = environ[OUTER_ROOT_KEY] + prefix
                environ["PATH_INFO"] = path[len(prefix) :] or "/"
                environ[LANGUAGE_KEY] = language
                break
        return self.wsgi_app(environ, start_response)


@dataclass(frozen=True, slots=True)
class LanguageLink:
    """One entry of the language switcher, and of the page's ``hreflang`` alternates."""

    code: str
    name: str  # the language's name in itself: "Deutsch"
    url: str  # this page in that language (absolute)
    switch_url: str  # where the switcher leads: the same, but never into the redirect of /
    current: bool


@functools.cache  # a handful of languages; every page's switcher asks
def language_name(code: str) -> str:
    """The name of a language in that language, from the CLDR data Babel ships."""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name() or code
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:]


def compile_messages(catalogs: Mapping[str, Catalog]) -> dict[str, Translations]:
    """Each language's interface strings (its ``messages.po``, as the content loaded them),
    compiled in memory: nothing is written, as the service user may not own any folder."""
    compiled = {}
    for language, catalog in catalogs.items():
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        compiled[language] = Translations(fp=buffer)
    return compiled


def address_language(environ: dict[str, Any]) -> str:
    """The language of a request's address ("" for the default language's plain addresses)."""
    return environ.get(LANGUAGE_KEY, "")


def current_language() -> str:
    """The language of this answer: the address's, or the API's ``lang``; also for an error
    raised before the language hook ran (a refused post, say)."""
    return (
        g.get("language")
        or (has_request_context() and address_language(request.environ))
        or current_site().default_language
    )


def babel_locale(language: str) -> str:
    """A language code as Babel spells its locale: "pt-br" is "pt_BR"."""
    return str(Locale.parse(language, sep="-"))


def _babel_locale() -> str:
    return babel_locale(current_language())


def _choose_language() -> ResponseReturnValue | None:
    site = current_site()
    g.language = request.environ.get(LANGUAGE_KEY, site.default_language)
    if request.blueprint == "api" and "lang" in request.args:
        # The API takes the language as a parameter too: /api/search?q=…&lang=de
        asked = request.args["lang"]
        if asked not in site.contents:
            raise BadRequest(f"'lang' must be one of: {', '.join(site.languages)}.")
        g.language = asked
    if (
        request.endpoint == "pages.home"
        and g.language == site.default_language
        and "lang" not in request.args
    ):
        best = request.accept_languages.best_match(site.offered_languages, site.default_language)
        if best != site.default_language:
            response = redirect(f"{request.environ.get(OUTER_ROOT_KEY, '')}/{best}/", 302)
            response.vary.add("Accept-Language")
            return response
    return None


def _mark_negotiated(response: Any) -> Any:
    if request.endpoint == "pages.home" and "lang" not in request.args:
        response.vary.add("Accept-Language")
    return response


def language_links() -> list[LanguageLink]:
    """This page in every language offered, and in the page's own language when it is not
    offered yet, for the switcher."""
    return _links(alternates_only=False)


def alternate_links() -> list[LanguageLink]:
    """This page in every language offered, for the ``hreflang`` links."""
    return _links(alternates_only=True)


def language_offered() -> bool:
    """Whether the page's language is offered; a language still being written is not indexed."""
    return current_language() in current_site().offered_languages


def _links(*, alternates_only: bool) -> list[LanguageLink]:
    site = current_site()
    outer = request.environ.get(OUTER_ROOT_KEY, request.script_root)
    base = site_origin() + outer
    query = urlencode(used_query())  # never junk that came along with the address
    here = current_language()
    links = []
    for code in site.languages:
        if code not in site.offered_languages and (alternates_only or code != here):
            continue
        prefix = "" if code == site.default_language else f"/{code}"
        url = base + prefix + request.path + (f"?{query}" if query else "")
        switch_url = url
        if code == site.default_language and request.endpoint == "pages.home":
            switch_url = f"{base}/?lang={code}"  # the default home without the first-visit choice
        current = code == here
        links.append(LanguageLink(code, language_name(code), url, switch_url, current))
    return links


def url_in_language(endpoint: str, *, language: str | None = None, **values: Any) -> str:
    """An absolute URL in ``language``; by default the request's, also when it came as
    ``?lang=`` (the API)."""
    url = site_origin() + url_for(endpoint, **values)
    site = current_site()
    address_language = request.environ.get(LANGUAGE_KEY, site.default_language)
    language = language or current_language()
    if language == address_language:
        return url
    here = site_origin() + request.script_root
    outer = site_origin() + request.environ.get(OUTER_ROOT_KEY, "")
    prefix = "" if language == site.default_language else f"/{language}"
    return outer + prefix + url[len(here) :]


def init_app(app: Flask) -> None:
    """Compile the interface strings; choose and mark the language of each request."""
    site = app.extensions[CONTENT_KEY]
    translations = [code for code in site.languages if code != site.default_language]
    compiled = compile_messages(site.messages)
    missing = sorted(set(translations) - set(compiled))
    if missing:
        log.warning("No interface catalogue (messages.po) for: %s", ", ".join(missing))
    app.config["BABEL_DEFAULT_LOCALE"] = site.default_language
    babel = Babel(app, locale_selector=_babel_locale)
    # Flask-Babel looks a language's translations up in its domain's cache before any folder.
    with app.app_context():  # the domain reads its name from the app's settings
        domain = babel.domain_instance
        for language, catalogue in compiled.items():
            domain.cache[babel_locale(language), domain.domain[0]] = catalogue
    app.before_request(_choose_language)
    app.after_request(_mark_negotiated)

    @app.context_processor
    def languages() -> dict[str, Any]:
        return {
            "language": current_language(),
            "language_links": language_links,
            "alternate_links": alternate_links,
            "language_offered": language_offered,
        }
