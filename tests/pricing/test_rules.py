"""The nightly rules and Smart Pricing's guardrails as pure functions (no database).

Dates are pinned: 10 July 2027 is a Saturday in high season; TODAY is 45 days before it.
"""

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from pricing.rules import (
    EventWindow,
    PricingRules,
    SeasonWindow,
    demand_adjustment,
    night_price,
    rule_price,
    signed_pct,
    suggest,
)

D = Decimal
SATURDAY = dt.date(2027, 7, 10)
TODAY = SATURDAY - dt.timedelta(days=45)
SUMMER = SeasonWindow("Summer holidays", "high", (7, 1), (8, 31))


def paris_rules(**overrides) -> PricingRules:
    values = {
        "weekday_pct": {4: 20, 5: 20},
        "season_pct": {"high": 35, "shoulder": 10, "low": -15},
        "seasons": (SUMMER,),
        "demand": {SATURDAY: D("0.85")},
    }
    values.update(overrides)
    return PricingRules(**values)


def test_paris_worked_example_from_the_design_document():
    """Base 120: weekend +20% = 144, high season +35% = 194.40, demand +15% (45 days out, score 0.85) = 223.56."""
    price, reasons = rule_price(base=D("120"), day=SATURDAY, rules=paris_rules(), today=TODAY)
    assert price == D("223.56")
    assert [r.label for r in reasons] == ["Weekend +20%", "High season +35%", "Local demand +15%"]
    assert [r.code for r in reasons] == ["weekend", "season", "demand"]
    # Step by step, in the rules' order.
    assert D("120") * D("1.20") == D("144.00")
    assert D("144") * D("1.35") == D("194.40")
    assert (D("194.40") * D("1.15")).quantize(D("0.01")) == D("223.56")


def test_paris_example_automatic_price_is_capped_at_plus_50_percent():
    """Automatic increases stop at base + 50% (180); a higher price needs the host (a per-night price)."""
    price, reasons = night_price(base=D("120"), day=SATURDAY, rules=paris_rules(), today=TODAY)
    assert price == D("180.00")
    assert reasons[-1].label == "Capped at +50% over the base price"


def test_paris_example_within_a_host_maximum_and_minimum():
    price, reasons = night_price(base=D("120"), day=SATURDAY, rules=paris_rules(max_price=D("170")), today=TODAY)
    assert price == D("170.00") and reasons[-1].code == "max_price"
    # A minimum above the cap is the host's decision: it wins.
    price, reasons = night_price(base=D("120"), day=SATURDAY, rules=paris_rules(min_price=D("200")), today=TODAY)
    assert price == D("200.00") and reasons[-1].code == "min_price"


def test_a_weekday_in_low_season_far_ahead():
    tuesday = dt.date(2027, 1, 19)
    rules = paris_rules(seasons=(SeasonWindow("Winter", "low", (1, 6), (2, 28)),), demand={tuesday: D("0.30")})
    price, reasons = night_price(base=D("100"), day=tuesday, rules=rules, today=dt.date(2026, 10, 1))
    # Low season -15% = 85; 110 days out, score 0.30 -> (0.30 - 0.5) x 20 = -4%: 81.60
    assert price == D("81.60")
    assert [r.label for r in reasons] == ["Low season \u221215%", "Local demand \u22124%"]


def test_seasons_wrap_the_new_year_and_regional_ones_win():
    christmas = SeasonWindow("Christmas", "high", (12, 20), (1, 3))
    assert christmas.contains(dt.date(2027, 12, 31)) and christmas.contains(dt.date(2028, 1, 2))
    assert not christmas.contains(dt.date(2028, 1, 4))
    alps = SeasonWindow("Ski season", "high", (12, 15), (3, 31), regional=True)
    country_low = SeasonWindow("Winter", "low", (1, 6), (2, 28))
    rules = PricingRules.platform(seasons=[country_low, alps])
    assert rules.season_on(dt.date(2027, 2, 1)).name == "Ski season"


def test_the_largest_event_uplift_applies_and_events_do_not_compound():
    night = dt.date(2027, 7, 27)  # a Tuesday
    rules = PricingRules(
        events=(
            EventWindow("Jazz festival", dt.date(2027, 7, 20), dt.date(2027, 7, 28), 20),
            EventWindow("Olympics", dt.date(2027, 7, 26), dt.date(2027, 8, 11), 150),
        ),
        increase_cap_pct=200,
    )
    price, reasons = rule_price(base=D("100"), day=night, rules=rules, today=TODAY)
    assert price == D("250")
    assert [r.label for r in reasons] == ["Olympics +150%"]


def test_kill_switch_drops_event_and_demand_increases_but_keeps_decreases():
    rules = paris_rules(surge_disabled=True, events=(EventWindow("Olympics", SATURDAY, SATURDAY, 150),))
    price, reasons = rule_price(base=D("120"), day=SATURDAY, rules=rules, today=TODAY)
    assert price == D("194.40")  # weekend and season only
    assert reasons[-1].label == "Demand surge paused platform-wide"
    low = paris_rules(surge_disabled=True, demand={SATURDAY: D("0.10")})
    price, reasons = rule_price(base=D("120"), day=SATURDAY, rules=low, today=TODAY)
    assert price == D("174.96")  # 194.40 - 10%: lowering prices is never paused
    assert "Local demand \u221210%" in [r.label for r in reasons]


def test_demand_adjustment_by_days_ahead():
    assert demand_adjustment(D("0.85"), 45) == (15, "Local demand +15%")
    assert demand_adjustment(D("0.85"), 10) == (10, "Local demand +10%")
    assert demand_adjustment(D("0.20"), 30) == (-10, "Local demand \u221210%")
    assert demand_adjustment(D("0.20"), 5) == (-20, "Last-minute, low demand \u221220%")
    assert demand_adjustment(D("0.50"), 30) == (0, "")
    assert demand_adjustment(D("1.00"), 90) == (10, "Local demand +10%")
    assert demand_adjustment(D("0.50"), 90) == (0, "")


def test_signed_percentages():
    assert signed_pct(20) == "+20%" and signed_pct(-10) == "\u221210%" and signed_pct(0) == "+0%"


def test_suggestions_move_at_most_20_percent_from_one_night_to_the_next():
    # An Olympics-style spike: the raw price jumps from 100 to 150 (capped) and back.
    start = dt.date(2027, 3, 1)
    days = [start + dt.timedelta(days=i) for i in range(10)]
    rules = PricingRules(events=(EventWindow("Big event", days[3], days[5], 150),))
    prices = [s.price for s in suggest(base=D("100"), days=days, rules=rules, today=TODAY)]
    assert prices == [
        D("100.00"),
        D("100.00"),
        D("100.00"),
        D("120.00"),  # +20%, not +50%
        D("144.00"),
        D("150.00"),  # reached the cap
        D("120.00"),  # -20%
        D("100.00"),
        D("100.00"),
        D("100.00"),
    ]
    labels = suggest(base=D("100"), days=days, rules=rules, today=TODAY)[3].labels
    assert labels == ["Big event +150%", "Capped at +50% over the base price", "Rising gradually (at most +20% a day)"]


prices = st.decimals(min_value=10, max_value=2000, places=2)


@settings(max_examples=300, deadline=None)
@given(
    base=prices,
    bounds=st.tuples(st.none() | prices, st.none() | prices),
    uplifts=st.lists(st.integers(min_value=-90, max_value=400), min_size=30, max_size=30),
    scores=st.lists(st.decimals(min_value=0, max_value=1, places=2), min_size=30, max_size=30),
    weekend=st.integers(min_value=-50, max_value=200),
    surge_disabled=st.booleans(),
)
def test_guardrails_hold_for_any_rules(base, bounds, uplifts, scores, weekend, surge_disabled):
    low, high = bounds
    if low is not None and high is not None and low > high:
        low, high = high, low
    start = dt.date(2027, 5, 1)
    days = [start + dt.timedelta(days=i) for i in range(30)]
    rules = PricingRules(
        weekday_pct={4: weekend, 5: weekend},
        events=tuple(
            EventWindow(f"e{i}", day, day, uplift) for i, (day, uplift) in enumerate(zip(days, uplifts, strict=True))
        ),
        demand=dict(zip(days, scores, strict=True)),
        min_price=low,
        max_price=high,
        surge_disabled=surge_disabled,
    )
    suggestions = suggest(base=base, days=days, rules=rules, today=start)
    cap = (base * D("1.5")).quantize(D("0.01"))
    previous = None
    for suggestion in suggestions:
        price = suggestion.price
        assert price == price.quantize(D("0.01"))
        if low is not None:
            assert price >= low  # never crossed
        if high is not None:
            assert price <= high  # never crossed
        assert price >= D("10")
        if low is None or low <= cap:
            assert price <= cap  # automatic increases capped at +50% over base
        if previous is not None:
            assert previous * D("0.8") <= price <= previous * D("1.2")
        previous = price
