"""Explain a code from its family, for the many real codes the table does not list.

Families are content (``families.toml``): the most specific prefix that matches wins. The
0xCAA8xxxx family carries a Windows internet (WinINet) error number in its low 16 bits, so
0xCAA82EFD is WinINet error 12029, "cannot connect".
"""

from __future__ import annotations

from dataclasses import dataclass

from webapp.content.model import NO_CODE, Content, Family, WininetError


@dataclass(frozen=True, slots=True)
class Explanation:
    """What can be said about a code from its shape alone."""

    code: str
    family: Family | None
    wininet_number: int | None = None
    wininet: WininetError | None = None  # None when the number is not one we describe


def family_of(code: str, content: Content) -> Family | None:
    """The most specific family whose prefix the code starts with."""
    # content.families is sorted longest prefix first
    return next((f for f in content.families if code.startswith(f.prefix)), None)


def explain(code: str, content: Content) -> Explanation:
    """Explain a canonical code by its family, decoding a WinINet number where it carries one."""
    family = family_of(code, content)
    if family is None or family.decoder != "wininet" or code == NO_CODE:
        return Explanation(code, family)
    number = int(code[-4:], 16)
    return Explanation(code, family, number, content.wininet_by_number.get(number))
