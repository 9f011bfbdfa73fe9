"""Which views answer public documents, and what caches may do with their answers.

A view says it is public with :func:`public`: its answer depends only on the content, the
address (language prefix and path), the query arguments it names and the request headers it
names, never on who asks. Such an answer is kept by the page cache, and sent to browsers, proxies
and CDNs with ``Cache-Control: public`` (see :func:`cache_control`). Everything else is someone's
own answer: ``no-store``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import current_app, request

View = TypeVar("View", bound=Callable[..., Any])

POLICY_ATTRIBUTE = "public_policy"


@dataclass(frozen=True, slots=True)
class Public:
    """How a public view's answer may be kept.

    ``query``: the query arguments the view reads; any other argument is ignored, so that
    ``/faq?utm=…`` is the page ``/faq`` (one cache entry, whatever junk is appended).
    ``vary``: request headers the answer depends on (sent as ``Vary``).
    ``revalidate``: caches keep the answer but ask the server again each time (``no-cache``),
    for searches, so that what people did not find is still counted.
    """

    query: tuple[str, ...] = ()
    vary: tuple[str, ...] = ()
    revalidate: bool = False


def public(
    view: View | None = None,
    *,
    query: tuple[str, ...] = (),
    vary: tuple[str, ...] = (),
    revalidate: bool = False,
) -> Any:
    """Mark a view as answering a public document: ``@public`` or ``@public(query=("q",))``,
    placed under the route decorator."""
    policy = Public(query=tuple(query), vary=tuple(vary), revalidate=revalidate)

    def mark(function: View) -> View:
        setattr(function, POLICY_ATTRIBUTE, policy)
        return function

    return mark(view) if view is not None else mark


def policy_of(endpoint: str | None) -> Public | None:
    """The policy of the view behind ``endpoint``, or None when its answers are personal."""
    view = current_app.view_functions.get(endpoint or "")
    return getattr(view, POLICY_ATTRIBUTE, None)


def used_query() -> list[tuple[str, str]]:
    """The query arguments of this request that its view reads (for links to the same page in
    another language, which must not carry junk along)."""
    policy = policy_of(request.endpoint)
    if policy is None:
        return []
    return [(name, request.args[name]) for name in policy.query if name in request.args]


BROWSER_MAX_AGE = 10  # seconds; the notices' promise (README: On the outage day)


@dataclass(frozen=True, slots=True)
class Lifetimes:
    """Seconds for ``Cache-Control``: shared caches (``s-maxage``) keep a page as long as the
    operator allows; browsers (``max-age``) at most 10 s of it, because only a shared cache can
    be purged, and a notice posted on the outage day must reach a person within seconds (asking
    again costs a ``304`` from the page cache). Stale copies may be served while the cache asks
    again, and for a day when the site cannot answer: the outage day's rush and a broken server
    alike are met from the CDN."""

    shared: int
    browser: int
    while_revalidate: int = 60
    if_error: int = 86400

    @classmethod
    def from_max_age(cls, max_age: int) -> Lifetimes:
        return cls(shared=max_age, browser=min(max_age, BROWSER_MAX_AGE))


def cache_control(policy: Public | None, lifetimes: Lifetimes, status: int) -> str:
    """The ``Cache-Control`` of an answer."""
    if policy is None or status >= 500:
        return "no-store"
    if policy.revalidate or (status >= 400 and status != 404):
        return "public, no-cache"
    return (
        f"public, max-age={lifetimes.browser}, s-maxage={lifetimes.shared}, "
        f"stale-while-revalidate={lifetimes.while_revalidate}, "
        f"stale-if-error={lifetimes.if_error}"
    )
