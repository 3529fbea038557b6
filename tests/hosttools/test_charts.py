"""Chart geometry: round axis steps, bars as shares of the axis, which bucket labels show."""

from decimal import Decimal

import pytest

from hosttools.charts import bar_chart


@pytest.mark.parametrize(
    ("largest", "ticks"),
    [
        (22, ["24", "18", "12", "6", "0"]),
        (3, ["4", "3", "2", "1", "0"]),
        (4200, ["6000", "4500", "3000", "1500", "0"]),
        (0, ["4", "3", "2", "1", "0"]),
    ],
)
def test_the_value_axis_has_four_round_steps(largest, ticks):
    chart = bar_chart(title="Nights", points=[("Jan", 1), ("Feb", largest)], fmt=lambda v: f"{v:g}")
    assert [tick.text for tick in chart.ticks] == ticks
    assert [tick.y for tick in chart.ticks] == [0, 25, 50, 75, 100]


def test_bars_are_shares_of_the_axis_and_missing_values_draw_nothing():
    chart = bar_chart(title="Occupancy", points=[("a", 50.0), ("b", None), ("c", Decimal("100"))], ceiling=100.0)
    assert chart.width == 30 and chart.height == 100
    assert [(bar.y, bar.height) for bar in chart.bars] == [(50.0, 50.0), (100.0, 0.0), (0.0, 100.0)]
    assert [bar.value_text for bar in chart.bars] == ["50", "no data", "100"]
    assert chart.bars[0].x < chart.bars[1].x < chart.bars[2].x < chart.width


def test_labels_thin_out_from_the_latest_bucket():
    months = bar_chart(title="Nights", points=[(f"m{i}", i) for i in range(13)])
    assert all(bar.label_wide for bar in months.bars)  # a year and a month: every month on a wide chart
    assert [bar.label for bar in months.bars if bar.label_narrow] == ["m0", "m4", "m8", "m12"]
    days = bar_chart(title="Nights", points=[(f"d{i}", i) for i in range(31)])
    assert days.bars[-1].label_wide and days.bars[-1].label_narrow
    assert sum(bar.label_wide for bar in days.bars) <= 14 and sum(bar.label_narrow for bar in days.bars) <= 4
