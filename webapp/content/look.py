"""The organisation's colours (``style.css`` in the local folder) against WCAG's contrast.

The local stylesheet sets the site's CSS custom properties (``--accent``, ``--bg``, …) for the
light scheme and, inside ``@media (prefers-color-scheme: dark)``, for the dark one. Each scheme
is the shipped stylesheet's values with the local ones over them; every pair of colours the
site draws text with on a background must reach 4.5:1 (WCAG 2.2 AA, normal text), and
``check-content`` refuses a stylesheet that lowers one below it, so a rebrand cannot make the
answers unreadable. Colours are read as ``#rgb`` or ``#rrggbb``.
"""

from __future__ import annotations

import re
from pathlib import Path

from webapp.content.problems import Problem, Problems

STYLE_FILE = "style.css"
MIN_CONTRAST = 4.5
# Text colour on background colour, as site.css draws them.
TEXT_ON = (
    ("fg", "bg"),
    ("muted", "bg"),
    ("accent", "bg"),
    ("fg", "panel"),
    ("muted", "panel"),
    ("accent", "panel"),
    ("accent-fg", "accent"),
    ("fg", "notice"),
    ("fg", "error"),
    ("fg", "mark"),
)
_MEDIA = re.compile(r"@media[^{]*\{")
_DARK = re.compile(r"@media\s*\(\s*prefers-color-scheme\s*:\s*dark\s*\)\s*\{")
_PROPERTY = re.compile(r"--([a-z0-9-]+)\s*:\s*([^;}]+)")
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def _media_blocks(css: str) -> list[tuple[int, int, bool]]:
    """Each ``@media`` block's span, and whether it is the dark scheme's."""
    blocks = []
    for match in _MEDIA.finditer(css):
        depth, end = 1, match.end()
        while depth and end < len(css):
            depth += {"{": 1, "}": -1}.get(css[end], 0)
            end += 1
        blocks.append((match.end(), end, bool(_DARK.fullmatch(match[0]))))
    return blocks


def schemes(css: str) -> tuple[dict[str, str], dict[str, str]]:
    """The custom properties a stylesheet sets for the light and the dark scheme (those of
    other media, print say, aside)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    blocks = _media_blocks(css)
    light: dict[str, str] = {}
    dark: dict[str, str] = {}
    for match in _PROPERTY.finditer(css):
        inside = [b for b in blocks if b[0] <= match.start() < b[1]]
        if not inside:
            light[match[1]] = match[2].strip()
        elif all(is_dark for _, _, is_dark in inside):
            dark[match[1]] = match[2].strip()
    return light, dark


def luminance(colour: str) -> float:
    """WCAG's relative luminance of ``#rgb`` or ``#rrggbb``."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    channels = []
    for i in (0, 2, 4):
        c = int(digits[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG's contrast ratio of two colours, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def check_look(local: Path, site_css: Path) -> list[Problem]:
    """Every pair of text and background colours below 4.5:1 once the local ``style.css`` is
    laid over ``site_css``, in either scheme; and every local colour that cannot be read."""
    path = local / STYLE_FILE
    if not path.is_file():
        return []
    problems = Problems(local)
    base_light, base_dark = schemes(site_css.read_text(encoding="utf-8"))
    own_light, own_dark = schemes(path.read_text(encoding="utf-8"))
    names = {name for pair in TEXT_ON for name in pair}
    for label, own in (("light", own_light), ("dark", own_dark)):
        for name in names & own.keys():
            if not _HEX.fullmatch(own[name]):
                problems.add(
                    path,
                    f"--{name} ({label})",
                    f"write the colour as #rrggbb (not '{own[name]}') so its contrast can be "
                    "checked",
                )
    light = {**base_light, **own_light}
    # The dark scheme starts from the light one: a colour set only for light shows in dark too.
    dark = {**light, **base_dark, **own_light, **own_dark}
    for label, scheme, own in (("light", light, own_light), ("dark", dark, own_dark)):
        for text, background in TEXT_ON:
            if not ({text, background} & (own_light.keys() | own.keys())):
                continue  # both shipped: the shipped stylesheet answers for them
            pair = scheme.get(text), scheme.get(background)
            if not all(colour and _HEX.fullmatch(colour) for colour in pair):
                continue
            ratio = contrast(*pair)  # type: ignore[arg-type]
            if ratio < MIN_CONTRAST:
                problems.add(
                    path,
                    f"{label} scheme",
                    f"--{text} ({pair[0]}) on --{background} ({pair[1]}) has a contrast of "
                    f"{ratio:.2f}:1; text needs at least {MIN_CONTRAST}:1 (WCAG AA)",
                )
    return problems.problems
