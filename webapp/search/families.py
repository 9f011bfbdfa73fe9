"""Explain a code from its family, for the codes the catalogue does not list.

Families are content (``families.toml``): the most specific prefix that matches wins. Two
families carry a number in the code's low 16 bits, named by the family's ``decoder``:

- ``network`` (0xCAA8xxxx): a network error number, so 0xCAA82EFD is error 12029, "cannot
  connect" (the numbers follow WinHTTP's, not WinINet's, where the two disagree);
- ``http`` (0xCAA3xxxx): the HTTP status the server answered, so 0xCAA30194 is 404 Not Found.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus

from webapp.content.model import DECODERS, HEX_CODE, Content, Family, lookup_url

HTTP = DECODERS[1]


@dataclass(frozen=True, slots=True)
class Explanation:
    """What can be said about a code from its shape alone."""

    code: str
    family: Family | None
    number: int | None = None  # the number the family's decoder reads from the code
    number_name: str = ""  # for an HTTP status, its standard name ("Not Found")

    @property
    def decoder(self) -> str | None:
        return self.family.decoder if self.family else None

    @property
    def lookup_url(self) -> str | None:
        return lookup_url(self.code)


def family_of(code: str, content: Content) -> Family | None:
    """The most specific family whose prefix the code starts with."""
    return next((f for f in content.families if code.startswith(f.prefix)), None)


def explain(code: str, content: Content) -> Explanation:
    """Explain a canonical code by its family, reading the number it carries where it has one."""
    family = family_of(code, content)
    if family is None or family.decoder is None or not HEX_CODE.fullmatch(code):
        return Explanation(code, family)
    number = int(code[-4:], 16)
    if family.decoder == HTTP:
        try:
            name = HTTPStatus(number).phrase
        except ValueError:
            name = ""
        return Explanation(code, family, number, name)
    if number == 0:  # 0xCAA80000: a network failure that names no particular error
        return Explanation(code, family)
    return Explanation(code, family, number)
