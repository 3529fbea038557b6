"""Bar charts drawn as server-side SVG: geometry here, markup in templates/hosttools/_bar_chart.html.

No chart library and no script: the page stays within the CSP and prints. Each
chart is paired with a data table on the page for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

WIDTH = 720
HEIGHT = 240
LEFT = 56  # room for the value axis labels
BOTTOM = 28  # room for the bucket labels
TOP = 12


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value_text: str
    show_label: bool


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: float = HEIGHT - BOTTOM
    label_y: float = HEIGHT - 8


def _nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 x 10^n at or above ``value`` (axis maximum)."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10.0 * magnitude


def bar_chart(*, title: str, points: list[tuple[str, Decimal | float | None]], fmt=lambda v: f"{v:g}", ceiling=None):
    """Bars for ``points`` (label, value); ``None`` values draw no bar. ``ceiling`` fixes the axis maximum."""
    values = [float(v) for _, v in points if v is not None]
    top = ceiling if ceiling is not None else _nice_ceiling(max(values, default=0.0))
    plot_height = HEIGHT - BOTTOM - TOP
    plot_width = WIDTH - LEFT - 8
    slot = plot_width / max(len(points), 1)
    gap = min(6.0, slot * 0.2)
    every = max(1, round(len(points) / 12))  # at most ~12 labels under the axis
    bars = []
    for index, (label, value) in enumerate(points):
        height = 0.0 if value is None else plot_height * float(value) / top
        bars.append(
            Bar(
                x=round(LEFT + index * slot + gap / 2, 2),
                y=round(HEIGHT - BOTTOM - height, 2),
                width=round(max(slot - gap, 1.0), 2),
                height=round(height, 2),
                label=label,
                value_text="no data" if value is None else fmt(value),
                show_label=index % every == 0,
            )
        )
    ticks = [Tick(y=round(HEIGHT - BOTTOM - plot_height * i / 4, 2), text=fmt(top * i / 4)) for i in range(5)]
    return BarChart(title=title, bars=bars, ticks=ticks)
