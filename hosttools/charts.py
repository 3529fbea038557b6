"""Bar charts for the analytics page: geometry here, markup in templates/hosttools/_bar_chart.html.

No chart library and no script: the page stays within the CSP and prints. The bars are an
SVG stretched to the width of the content column (``preserveAspectRatio="none"``: rectangles
stay rectangles), while every piece of text (value axis, bucket labels) is HTML next to it,
so it renders at its CSS size on any screen instead of shrinking with the drawing. Each
chart carries its numbers for the "Show as table" table under it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

SLOT = 10  # drawing units per bar (bar plus gap); the drawing is SLOT * bars wide
HEIGHT = 100  # drawing units for the value axis: a bar's height is its share of the axis maximum, in %
GAP = 2.4  # drawing units between two bars
WIDE_LABELS = 14  # at most this many bucket labels under a wide chart (a year and a month of months)...
NARROW_LABELS = 4  # ...and this many on a phone


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value_text: str
    label_wide: bool  # the bucket label is shown under a wide chart
    label_narrow: bool  # ... and under a phone-width chart


@dataclass(frozen=True)
class Tick:
    y: float  # drawing units from the top
    text: str


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    ticks: list[Tick]  # from the axis maximum down to 0, as the axis is read
    height: int = HEIGHT

    @property
    def width(self) -> int:
        return SLOT * max(len(self.bars), 1)


def _nice_ceiling(value: float) -> float:
    """The axis maximum for ``value``: four equal steps, each a round number (1, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5
    or 8 x 10^n), so the ticks read 0, 6, 12, 18, 24 rather than 0, 6.25, 12.5, ..."""
    if value <= 0:
        return 4.0
    wanted = value / 4
    magnitude = 10 ** math.floor(math.log10(wanted)) if wanted >= 1 else 1
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 8, 10):
        if step * magnitude >= wanted:
            return 4 * step * magnitude
    return 40.0 * magnitude


def _labelled(index: int, count: int, most: int) -> bool:
    """Whether bucket ``index`` of ``count`` is labelled when at most ``most`` labels fit: counted from the
    last bucket, so the latest period always has its label."""
    every = max(1, math.ceil(count / most))
    return (count - 1 - index) % every == 0


def bar_chart(
    *, title: str, points: list[tuple[str, Decimal | float | None]], fmt=lambda v: f"{v:g}", ceiling=None
) -> BarChart:
    """Bars for ``points`` (label, value); ``None`` values draw no bar. ``ceiling`` fixes the axis maximum."""
    values = [float(v) for _, v in points if v is not None]
    top = ceiling if ceiling is not None else _nice_ceiling(max(values, default=0.0))
    count = len(points)
    bars = []
    for index, (label, value) in enumerate(points):
        height = 0.0 if value is None else min(HEIGHT * float(value) / top, HEIGHT)
        bars.append(
            Bar(
                x=round(index * SLOT + GAP / 2, 2),
                y=round(HEIGHT - height, 2),
                width=SLOT - GAP,
                height=round(height, 2),
                label=label,
                value_text=gettext("no data") if value is None else fmt(value),
                label_wide=_labelled(index, count, WIDE_LABELS),
                label_narrow=_labelled(index, count, NARROW_LABELS),
            )
        )
    ticks = [Tick(y=round(HEIGHT - HEIGHT * i / 4, 2), text=fmt(top * i / 4)) for i in range(4, -1, -1)]
    return BarChart(title=title, bars=bars, ticks=ticks)
