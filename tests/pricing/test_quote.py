"""price_quote: worked examples; the total is always the sum of the shown lines."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from listings.models import Listing
from pricing.selectors import price_quote

D = Decimal


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


def test_three_nights_with_cleaning_and_service_fee():
    q = price_quote(
        listing=listing(), check_in=dt.date(2027, 3, 1), check_out=dt.date(2027, 3, 4), guests=2, night_prices={}
    )
    amounts = {line.code: line.amount for line in q.lines}
    assert amounts == {"accommodation": D("360.00"), "cleaning_fee": D("40.00"), "service_fee": D("48.00")}
    assert q.total == D("448.00")
    assert q.host_fee == D("12.00")  # 3% of 400
    assert q.host_payout == D("388.00")
    assert q.as_dict()["total"] == "448.00"


def test_weekly_discount_from_seven_nights_and_host_night_price():
    night = dt.date(2027, 3, 3)
    q = price_quote(
        listing=listing(),
        check_in=dt.date(2027, 3, 1),
        check_out=dt.date(2027, 3, 8),
        guests=1,
        night_prices={night: D("200")},
    )
    assert [n.price for n in q.nights].count(D("200.00")) == 1
    assert q.line("accommodation") == D("920.00")  # 6 x 120 + 200
    assert q.line("discount") == D("-92.00")
    assert q.line("service_fee") == D("104.16")  # 12% of (828 + 40)
    assert q.total == D("920") - D("92") + D("40") + D("104.16")


def test_monthly_discount_wins_from_28_nights():
    q = price_quote(
        listing=listing(), check_in=dt.date(2027, 3, 1), check_out=dt.date(2027, 3, 29), guests=1, night_prices={}
    )
    assert q.line("discount") == D("-840.00")  # 25% of 28 x 120


def test_taxes_line_when_configured(settings):
    settings.PRICING_TAX_RATE = "0.05"
    q = price_quote(
        listing=listing(cleaning_fee=D("0")),
        check_in=dt.date(2027, 3, 1),
        check_out=dt.date(2027, 3, 2),
        guests=1,
        night_prices={},
    )
    assert q.line("taxes") == D("6.00")
    assert "cleaning_fee" not in {line.code for line in q.lines}


def test_reversed_dates_rejected():
    with pytest.raises(ValueError):
        price_quote(
            listing=listing(), check_in=dt.date(2027, 3, 2), check_out=dt.date(2027, 3, 2), guests=1, night_prices={}
        )


@settings(max_examples=200, deadline=None)
@given(
    base=st.decimals(min_value=10, max_value=5000, places=2),
    cleaning=st.decimals(min_value=0, max_value=500, places=2),
    nights=st.integers(min_value=1, max_value=60),
    weekly=st.integers(min_value=0, max_value=50),
    monthly=st.integers(min_value=0, max_value=60),
)
def test_total_is_sum_of_rounded_lines(base, cleaning, nights, weekly, monthly):
    q = price_quote(
        listing=listing(
            base_price=base, cleaning_fee=cleaning, weekly_discount_pct=weekly, monthly_discount_pct=monthly
        ),
        check_in=dt.date(2027, 1, 1),
        check_out=dt.date(2027, 1, 1) + dt.timedelta(days=nights),
        guests=1,
        night_prices={},
    )
    assert all(line.amount == line.amount.quantize(D("0.01")) for line in q.lines)
    assert q.total == sum(line.amount for line in q.lines)
    assert q.total > 0
    assert q.host_payout <= q.line("accommodation") + q.line("cleaning_fee")
