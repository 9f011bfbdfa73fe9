"""Small bar charts as SVG drawn on the server: readable with JavaScript off, and nothing but
geometry, so the site's style sheet colours them (the strict CSP allows no inline style, which
is why no chart library is used: pygal and its kind embed a ``<style>`` in every chart)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 120, 28  # the viewBox; CSS scales it


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int


@dataclass(frozen=True, slots=True)
class Chart:
    bars: tuple[Bar, ...]
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def total(self) -> int:
        return sum(bar.value for bar in self.bars)

    @property
    def highest(self) -> int:
        return max((bar.value for bar in self.bars), default=0)


def bars(values: Sequence[int]) -> Chart:
    """One bar per value, scaled to the highest; an empty bucket is a hairline, not a gap."""
    if not values:
        return Chart(())
    step = WIDTH / len(values)
    top = max(max(values), 1)
    drawn = []
    for index, value in enumerate(values):
        height = max(HEIGHT * value / top, 0.5)
        drawn.append(
            Bar(
                x=round(index * step, 2),
                y=round(HEIGHT - height, 2),
                width=round(max(step * 0.8, 0.5), 2),
                height=round(height, 2),
                value=value,
            )
        )
    return Chart(tuple(drawn))
