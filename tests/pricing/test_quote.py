"""price_quote: worked examples; the total is always the sum of the shown lines.

These tests pass the rules explicitly (no database): ``NEUTRAL`` has no weekday,
season, event or demand rule, so the fee arithmetic is checked on its own.
"""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from listings.models import Listing
from pricing.rules import PricingRules, SeasonWindow
from pricing.selectors import price_quote

D = Decimal
NEUTRAL = PricingRules()
TODAY = dt.date(2027, 1, 1)


def listing(**overrides) -> Listing:
    fields = {
        "base_price": D("120"),
        "cleaning_fee": D("40"),
        "currency": "EUR",
        "weekly_discount_pct": 10,
        "monthly_discount_pct": 25,
    }
    fields.update(overrides)
    return Listing(pk=1, **fields)


def quote(check_in, check_out, *, guests=2, rules=NEUTRAL, night_prices=None, **fields):
    return price_quote(
        listing=listing(**fields),
        check_in=check_in,
        check_out=check_out,
        guests=guests,
        night_prices=night_prices or {},
        rules=rules,
        today=TODAY,
    )


def test_three_nights_with_cleaning_and_service_fee():
    q = quote(dt.date(2027, 3, 1), dt.date(2027, 3, 4))
    amounts = {line.code: line.amount for line in q.lines}
    assert amounts == {"accommodation": D("360.00"), "cleaning_fee": D("40.00"), "service_fee": D("48.00")}
    assert q.total == D("448.00")
    assert q.host_fee == D("12.00")  # 3% of 400
    assert q.host_payout == D("388.00")
    assert q.as_dict()["total"] == "448.00"
    assert [n.source for n in q.nights] == ["base"] * 3


def test_weekly_discount_from_seven_nights_and_host_night_price():
    night = dt.date(2027, 3, 3)
    q = quote(dt.date(2027, 3, 1), dt.date(2027, 3, 8), guests=1, night_prices={night: D("200")})
    assert [n.price for n in q.nights].count(D("200.00")) == 1
    assert q.line("accommodation") == D("920.00")  # 6 x 120 + 200
    assert q.line("discount") == D("-92.00")
    assert q.line("service_fee") == D("104.16")  # 12% of (828 + 40)
    assert q.total == D("920") - D("92") + D("40") + D("104.16")
    assert q.as_dict()["nights"][2] == {
        "date": "2027-03-03",
        "price": "200.00",
        "source": "host",
        "reasons": ["Host's price for this night"],
    }


def test_monthly_discount_wins_from_28_nights():
    q = quote(dt.date(2027, 3, 1), dt.date(2027, 3, 29), guests=1)
    assert q.line("discount") == D("-840.00")  # 25% of 28 x 120


def test_taxes_line_when_configured(settings):
    settings.PRICING_TAX_RATE = "0.05"
    q = quote(dt.date(2027, 3, 1), dt.date(2027, 3, 2), guests=1, cleaning_fee=D("0"))
    assert q.line("taxes") == D("6.00")
    assert "cleaning_fee" not in {line.code for line in q.lines}


def test_reversed_dates_rejected():
    with pytest.raises(ValueError):
        quote(dt.date(2027, 3, 2), dt.date(2027, 3, 2))


def test_weekend_nights_carry_the_premium_and_its_reason():
    rules = PricingRules(weekday_pct={4: 20, 5: 20})
    # Thu 4 March 2027 to Sun 7 March: Thu, Fri, Sat nights.
    q = quote(dt.date(2027, 3, 4), dt.date(2027, 3, 7), rules=rules, cleaning_fee=D("0"))
    assert [n.price for n in q.nights] == [D("120.00"), D("144.00"), D("144.00")]
    assert [n.source for n in q.nights] == ["base", "rules", "rules"]
    assert q.as_dict()["nights"][1]["reasons"] == ["Weekend +20%"]
    assert q.line("accommodation") == D("408.00")


def test_extra_guest_fee_above_the_included_guests_is_in_each_night_and_the_label():
    rules = PricingRules(guests_included=2, extra_guest_fee=D("15"))
    q = quote(dt.date(2027, 3, 1), dt.date(2027, 3, 4), guests=4, rules=rules, cleaning_fee=D("0"))
    assert [n.price for n in q.nights] == [D("150.00")] * 3  # 120 + 2 x 15
    assert q.nights[0].reasons[-1].label == "2 extra guests x 15.00 EUR"
    accommodation = q.lines[0]
    assert accommodation.amount == D("450.00")
    assert accommodation.label == "3 nights (incl. 90.00 EUR extra-guest fee)"
    assert q.as_dict()["extra_guests"] == {"count": 2, "fee_per_night": "15.00", "total": "90.00"}
    # The host earns the extra-guest fee (it is part of accommodation).
    assert q.host_payout == D("450.00") - q.host_fee
    within = quote(dt.date(2027, 3, 1), dt.date(2027, 3, 4), guests=2, rules=rules, cleaning_fee=D("0"))
    assert within.line("accommodation") == D("360.00") and within.extra_guests == 0


def test_extra_guest_fee_also_applies_on_top_of_a_host_night_price():
    rules = PricingRules(guests_included=1, extra_guest_fee=D("10"))
    q = quote(
        dt.date(2027, 3, 1), dt.date(2027, 3, 2), guests=3, rules=rules, night_prices={dt.date(2027, 3, 1): D("99")}
    )
    assert q.nights[0].price == D("119.00")
    assert q.nights[0].source == "host"


def test_the_host_price_overrides_every_rule():
    rules = PricingRules(
        weekday_pct={5: 20}, season_pct={"high": 35}, seasons=(SeasonWindow("Summer", "high", (7, 1), (8, 31)),)
    )
    saturday = dt.date(2027, 7, 10)
    q = quote(saturday, saturday + dt.timedelta(days=1), rules=rules, night_prices={saturday: D("100")})
    assert q.nights[0].price == D("100.00") and q.nights[0].source == "host"


dates = st.dates(min_value=dt.date(2027, 1, 1), max_value=dt.date(2028, 12, 31))


@settings(max_examples=200, deadline=None)
@given(
    base=st.decimals(min_value=10, max_value=5000, places=2),
    cleaning=st.decimals(min_value=0, max_value=500, places=2),
    nights=st.integers(min_value=1, max_value=60),
    weekly=st.integers(min_value=0, max_value=50),
    monthly=st.integers(min_value=0, max_value=60),
    check_in=dates,
    weekend=st.integers(min_value=-50, max_value=200),
    high=st.integers(min_value=-90, max_value=300),
    guests=st.integers(min_value=1, max_value=16),
    extra_fee=st.decimals(min_value=0, max_value=300, places=2),
    score=st.decimals(min_value=0, max_value=1, places=2),
)
def test_total_is_sum_of_rounded_lines(
    base, cleaning, nights, weekly, monthly, check_in, weekend, high, guests, extra_fee, score
):
    check_out = check_in + dt.timedelta(days=nights)
    rules = PricingRules.platform(
        weekday_pct={4: weekend, 5: weekend},
        season_pct={"high": high},
        seasons=(SeasonWindow("Summer", "high", (6, 15), (9, 15)),),
        demand={check_in + dt.timedelta(days=i): score for i in range(0, nights, 2)},
        guests_included=2,
        extra_guest_fee=extra_fee,
    )
    q = price_quote(
        listing=listing(
            base_price=base, cleaning_fee=cleaning, weekly_discount_pct=weekly, monthly_discount_pct=monthly
        ),
        check_in=check_in,
        check_out=check_out,
        guests=guests,
        night_prices={},
        rules=rules,
        today=TODAY,
    )
    assert all(line.amount == line.amount.quantize(D("0.01")) for line in q.lines)
    assert all(n.price == n.price.quantize(D("0.01")) for n in q.nights)
    assert q.total == sum(line.amount for line in q.lines)
    assert q.line("accommodation") == sum(n.price for n in q.nights)
    assert q.total > 0
    assert q.host_payout <= q.line("accommodation") + q.line("cleaning_fee")
    extra = extra_fee * max(0, guests - 2)
    for night in q.nights:
        # The automatic part of a night never exceeds base + 50%, never falls under the floor.
        assert D("10") <= night.price - extra <= (base * D("1.5")).quantize(D("0.01"))
