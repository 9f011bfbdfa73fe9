"""The application's settings: read once from environment variables, parsed and checked here.

:meth:`Settings.from_environ` reads each field from the variable of its name in capitals
(``page_cache_mb`` from ``PAGE_CACHE_MB``), turns it into a Python value, and refuses a value it
cannot use with a :class:`SettingError` that names the variable and says why. The application
factory stores the result on the app; every part reads it there (:func:`settings_of`), and no
other module reads the environment or parses a setting.

Each setting is documented in the README's configuration table; keep the two in step.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from limits import parse_many

if TYPE_CHECKING:
    from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def shipped(folder: str) -> Path:
    """A folder the site ships (``templates``, ``static``, ``content``): inside the installed
    package (``webapp/shipped/``, see pyproject.toml), or at the top of a source tree."""
    installed = Path(__file__).resolve().parent / "shipped" / folder
    return installed if installed.is_dir() else PROJECT_ROOT / folder


EXTENSION_KEY = "settings"

ENVIRONMENTS = ("development", "production")
LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
MIN_SECRET_KEY_LENGTH = 32

# Values copied from tutorials and templates, compared case-insensitively.
PLACEHOLDER_SECRET_KEYS = frozenset(
    {
        "secret",
        "secret-key",
        "secret_key",
        "secretkey",
        "your-secret-key",
        "your_secret_key",
        "my-secret-key",
        "change-me",
        "changeme",
        "change_me",
        "changethis",
        "please-change-me",
        "dev",
        "development",
        "default",
        "test",
        "testing",
        "password",
        "flask",
        "replace-me",
        "replace-with-a-long-random-string",
    }
)

HOW_TO_MAKE_A_KEY = "python3 -c 'import secrets; print(secrets.token_hex(32))'"


class SettingError(ValueError):
    """A setting whose value cannot be used; the application refuses to start."""

    def __init__(self, variable: str, why: str) -> None:
        super().__init__(f"{variable} {why}")
        self.variable = variable


# --- How each kind of value is read: (variable, value) -> Python value --------------------------
# A value is the environment's text, or, from the tests' overrides, already the Python value.

Parse = Callable[[str, Any], Any]


def _text(variable: str, value: Any) -> str:
    return str(value)


def _text_or_none(variable: str, value: Any) -> str | None:
    return str(value) or None


def _path(variable: str, value: Any) -> Path:
    return Path(value)


def _path_or_none(variable: str, value: Any) -> Path | None:
    return Path(value) if str(value).strip() else None


def _flag(variable: str, value: Any) -> bool:
    """``1``/``true``/``yes``/``on`` or ``0``/``false``/``no``/``off``/empty."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"", "0", "false", "no", "off"}:
        return False
    raise SettingError(variable, f"must be 1 or 0 (true/false, yes/no, on/off), not {value!r}.")


def _whole_number(minimum: int, meaning: str = "") -> Parse:
    def parse(variable: str, value: Any) -> int:
        try:
            number = value if isinstance(value, int) else int(str(value).strip())
        except ValueError:
            number = None
        if number is None or isinstance(number, bool) or number < minimum:
            raise SettingError(
                variable, f"must be a whole number of at least {minimum}{meaning}, not {value!r}."
            )
        return number

    return parse


def _seconds(minimum: float, maximum: float) -> Parse:
    def parse(variable: str, value: Any) -> float:
        try:
            number = float(value) if isinstance(value, int | float) else float(str(value).strip())
        except ValueError:
            number = None
        if number is None or isinstance(value, bool) or not minimum <= number <= maximum:
            raise SettingError(
                variable, f"must be a number of seconds from {minimum} to {maximum}, not {value!r}."
            )
        return number

    return parse


def _one_of(choices: tuple[str, ...]) -> Parse:
    def parse(variable: str, value: Any) -> str:
        text = str(value).strip().lower()
        if text not in choices:
            raise SettingError(variable, f"must be one of {', '.join(choices)}, not {value!r}.")
        return text

    return parse


def _language(variable: str, value: Any) -> str:
    """A language code as the content folder names it (``de``, ``pt-BR``); empty: unset."""
    return str(value).strip()


def _host_names(variable: str, value: Any) -> tuple[str, ...] | None:
    """Comma-separated host names; none at all means any host."""
    names = value.split(",") if isinstance(value, str) else value
    return tuple(name.strip() for name in names if name.strip()) or None


def _words(variable: str, value: Any) -> tuple[str, ...]:
    """Values separated by commas or white space."""
    items = value.replace(",", " ").split() if isinstance(value, str) else value
    return tuple(item.strip() for item in items if item.strip())


def _networks(variable: str, value: Any) -> tuple[IPv4Network | IPv6Network, ...]:
    """Addresses or networks (``10.0.0.0/8``), separated by commas or white space."""
    networks = []
    for item in _words(variable, value):
        try:
            networks.append(ip_network(item, strict=False))
        except ValueError:
            raise SettingError(
                variable,
                f"must list addresses or networks like 10.0.0.5 or 10.0.0.0/8, not {item!r}.",
            ) from None
    return tuple(networks)


def _rate_limit(variable: str, value: Any) -> str:
    text = str(value).strip()
    if text:
        try:
            parse_many(text)
        except ValueError:
            raise SettingError(
                variable, f"must be like '30 per minute; 300 per hour', not {text!r}."
            ) from None
    return text


def _site_url(variable: str, value: Any) -> str:
    """The site's own address as ``scheme://host[:port]``; empty: unset."""
    text = str(value).strip().rstrip("/")
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query:
        raise SettingError(
            variable,
            "must be the address people use, such as https://help.example.org (http or https, "
            f"a host, no path), not {value!r}.",
        )
    return f"{parts.scheme}://{parts.netloc}".lower()


def _issuer(variable: str, value: Any) -> str:
    """An OpenID Connect issuer: ``https://…`` (``http://`` only on loopback, for tests)."""
    text = str(value).strip().rstrip("/")
    if not text:
        return ""
    parts = urlsplit(text)
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise SettingError(
            variable,
            "must be the identity provider's https:// address, such as "
            f"https://login.microsoftonline.com/<tenant id>/v2.0, not {value!r}.",
        )
    return text


def _allowed(variable: str, value: Any) -> tuple[str, ...]:
    """Who may enter the IT desk: e-mail addresses, ``@domain``s and group or role values,
    separated by commas or spaces; compared case-insensitively."""
    items = value.replace(",", " ").split() if isinstance(value, str) else value
    return tuple(str(item).strip().lower() for item in items if str(item).strip())


def secret_key_problem(key: str | bytes) -> str | None:
    """Why ``key`` is unfit to sign anything, or None."""
    text = key.decode("utf-8", "replace") if isinstance(key, bytes) else str(key)
    if text.strip().lower() in PLACEHOLDER_SECRET_KEYS:
        return "it is a well-known placeholder"
    if len(text) < MIN_SECRET_KEY_LENGTH:
        return f"it has {len(text)} characters, fewer than {MIN_SECRET_KEY_LENGTH}"
    if len(set(text)) < 8:
        return "it repeats too few different characters"
    return None


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting, as Python values. The defaults are the safe ones."""

    content_dir: Path = field(default=shipped("content"), metadata={"parse": _path})
    # The organisation's own content, laid over CONTENT_DIR (webapp.content.local). None: none.
    local_content_dir: Path | None = field(default=None, metadata={"parse": _path_or_none})
    # Empty: the translated "Teams sign-in help" / "the IT service desk" of each language.
    site_name: str = field(default="", metadata={"parse": _text})
    it_contact_name: str = field(default="", metadata={"parse": _text})
    it_contact_email: str = field(default="", metadata={"parse": _text})
    it_contact_url: str = field(default="", metadata={"parse": _text})
    # The language IT reads the message for IT in; empty: the content's default language.
    # Checked against the content's languages once they are loaded (language_for_it).
    it_language: str = field(default="", metadata={"parse": _language})
    app_env: str = field(default="development", metadata={"parse": _one_of(ENVIRONMENTS)})
    # None: a random key per process (development only; production refuses to start).
    secret_key: str | None = field(default=None, metadata={"parse": _text_or_none})
    https: bool = field(default=False, metadata={"parse": _flag})
    proxy_count: int = field(default=0, metadata={"parse": _whole_number(0)})
    # None: any host.
    trusted_hosts: tuple[str, ...] | None = field(default=None, metadata={"parse": _host_names})
    # Empty: absolute links follow each request's host (development; see webapp.addresses).
    site_url: str = field(default="", metadata={"parse": _site_url})
    max_content_length: int = field(default=16 * 1024, metadata={"parse": _whole_number(1)})
    # Empty: no limit.
    post_rate_limit: str = field(
        default="30 per minute; 300 per hour", metadata={"parse": _rate_limit}
    )
    ratelimit_storage_uri: str = field(default="memory://", metadata={"parse": _text})
    page_cache_mb: int = field(default=32, metadata={"parse": _whole_number(0)})
    cache_max_age: int = field(default=300, metadata={"parse": _whole_number(0)})
    compress: bool = field(default=True, metadata={"parse": _flag})
    log_format: str = field(default="text", metadata={"parse": _one_of(LOG_FORMATS)})
    log_level: str = field(default="info", metadata={"parse": _one_of(LOG_LEVELS)})
    # Query strings in Gunicorn's access log (webapp.logs.GunicornLogger): off, as they hold
    # what people typed.
    log_queries: bool = field(default=False, metadata={"parse": _flag})
    # None: SQLite in the instance folder (see webapp.storage).
    database_url: str | None = field(default=None, metadata={"parse": _text_or_none})
    misses_per_day: int = field(
        default=1000, metadata={"parse": _whole_number(0, " (0 keeps none)")}
    )
    misses_per_client: int = field(
        default=50, metadata={"parse": _whole_number(0, " (0: no limit per address)")}
    )
    # The most a request waits for the database (connect, lock, statement), in seconds.
    database_timeout: float = field(default=1.5, metadata={"parse": _seconds(0.1, 30)})
    # Gunicorn's own variables, read by webapp/gunicorn_conf.py. Empty BIND: loopback at PORT.
    bind: str = field(default="", metadata={"parse": _text})
    port: int = field(default=8000, metadata={"parse": _whole_number(1)})
    web_concurrency: int = field(
        default_factory=lambda: 2 * (os.cpu_count() or 1), metadata={"parse": _whole_number(1)}
    )
    gunicorn_threads: int = field(default=2, metadata={"parse": _whole_number(1)})
    forwarded_allow_ips: str = field(default="127.0.0.1,::1", metadata={"parse": _text})
    # The IT desk's sign-in (webapp.it_desk); all three empty: tokens only.
    oidc_issuer: str = field(default="", metadata={"parse": _issuer})
    oidc_client_id: str = field(default="", metadata={"parse": _text})
    oidc_client_secret: str = field(default="", metadata={"parse": _text})
    it_allowed: tuple[str, ...] = field(default=(), metadata={"parse": _allowed})
    # How often each worker asks the database whether a notice changed (webapp.notices.board).
    notice_poll_seconds: float = field(default=2.0, metadata={"parse": _seconds(0.1, 60)})
    # How long hourly lookup counts are kept, in days.
    lookups_keep_days: int = field(default=400, metadata={"parse": _whole_number(1)})
    # A code is rising when looked up at least SPIKE_MIN times in 15 minutes and at least
    # SPIKE_FACTOR times its usual rate (see webapp.storage.lookup_queries.rising_codes).
    spike_min: int = field(default=10, metadata={"parse": _whole_number(1)})
    spike_factor: int = field(default=5, metadata={"parse": _whole_number(1)})
    # Apprise URLs, separated by commas or spaces, that hear about a rising code; empty: none.
    alert_urls: tuple[str, ...] = field(default=(), metadata={"parse": _words})
    # The folder of prometheus_client's multiprocess mode under Gunicorn (read by the library
    # itself too; see webapp.counting.metrics); empty: each process's own registry.
    prometheus_multiproc_dir: str = field(default="", metadata={"parse": _text})
    # Addresses and networks /metrics answers without a token (loopback by default).
    metrics_allow: tuple[IPv4Network | IPv6Network, ...] = field(
        default=(ip_network("127.0.0.0/8"), ip_network("::1/128")),
        metadata={"parse": _networks},
    )

    @property
    def production(self) -> bool:
        return self.app_env == "production"

    @classmethod
    def from_environ(
        cls,
        environ: Mapping[str, str] | None = None,
        overrides: Mapping[str, Any] | None = None,
    ) -> Settings:
        """The settings from ``environ`` (the process's environment by default). ``overrides``,
        by variable name, take the place of the environment's values: text as in the
        environment, or Python values; None for "not set". Raises :class:`SettingError`."""
        values = {**(os.environ if environ is None else environ), **(overrides or {})}
        parsed = {}
        for setting in fields(cls):
            value = values.get(setting.name.upper())
            if value is not None:
                parsed[setting.name] = setting.metadata["parse"](setting.name.upper(), value)
        settings = cls(**parsed)
        settings._check_secret_key()
        settings._check_sign_in()
        return settings

    @property
    def oidc(self) -> bool:
        """Is sign-in through the organisation's identity provider configured?"""
        return bool(self.oidc_issuer)

    def language_for_it(self, languages: Sequence[str], default: str) -> str:
        """The language of the message's part for IT: ``IT_LANGUAGE``, or the content's
        ``default`` language when unset. The content's languages are known only once it is
        loaded, so the start-up asks here then; one the content lacks stops it."""
        if not self.it_language:
            return default
        if self.it_language not in languages:
            raise SettingError(
                "IT_LANGUAGE",
                f"must be one of the content's languages ({', '.join(languages)}), "
                f"not {self.it_language!r}.",
            )
        return self.it_language

    def _check_sign_in(self) -> None:
        """OIDC_* come together; a sign-in that lets nobody in is a mistake worth stopping for."""
        given = {
            "OIDC_ISSUER": self.oidc_issuer,
            "OIDC_CLIENT_ID": self.oidc_client_id,
            "OIDC_CLIENT_SECRET": self.oidc_client_secret,
        }
        missing = [name for name, value in given.items() if not value]
        if missing and len(missing) < len(given):
            raise SettingError(
                missing[0],
                "is not set, but other OIDC_* settings are: the IT desk's sign-in needs "
                "OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together.",
            )
        if self.oidc and not self.it_allowed:
            raise SettingError(
                "IT_ALLOWED",
                "is empty, so nobody signing in could enter the IT desk: list e-mail "
                "addresses, @domains or group values, such as @example.com it-desk.",
            )

    def _check_secret_key(self) -> None:
        """Production refuses a missing or weak key: it signs the session and form tokens."""
        if not self.production:
            return
        if not self.secret_key:
            raise SettingError(
                "SECRET_KEY",
                "is not set. In production it must be a long random value shared by every "
                f"server, for example the output of: {HOW_TO_MAKE_A_KEY}",
            )
        problem = secret_key_problem(self.secret_key)
        if problem:
            raise SettingError(
                "SECRET_KEY",
                f"is too weak for production: {problem}. Use a long random value, for example "
                f"the output of: {HOW_TO_MAKE_A_KEY}",
            )


def variables() -> frozenset[str]:
    """The names of the environment variables the settings are read from."""
    return frozenset(setting.name.upper() for setting in fields(Settings))


def settings_of(app: Flask) -> Settings:
    """The settings the application was created with."""
    return app.extensions[EXTENSION_KEY]
