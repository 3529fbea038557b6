"""Booking tests pin totals computed from base prices at fixed offsets from today.

The pricing rules would make those totals depend on the weekday and season the
test happens to run on, so every rule with a platform default is neutral here.
The rules themselves are tested in tests/pricing with explicit dates.
"""

import pytest


@pytest.fixture(autouse=True)
def _neutral_pricing_rules(settings):
    settings.PRICING_DAY_OF_WEEK_PREMIUM_PCT = {}
    settings.PRICING_SEASON_PCT = {"high": 0, "shoulder": 0, "low": 0}
