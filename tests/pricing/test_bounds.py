"""The host's price bounds: what the database accepts, and why search may clamp with them in one step.

Search prices a night with ``least(greatest(price, min or floor), max or ceiling)``
(``search.pricing_sql.guarded_price_sql``) where ``pricing.rules`` checks the maximum,
the minimum, the floor and the ceiling in turn. The two agree for every pair of bounds
the database accepts; these tests hold both halves of that.
"""

from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from pricing.models import PRICE_CEILING, PRICE_FLOOR, ListingPricing
from pricing.rules import PricingRules, _within_host_bounds
from tests.listings.factories import ListingFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    "min_price, max_price",
    [
        (D("100000.01"), None),  # a minimum above the ceiling, alone
        (D("9.99"), None),  # below the floor
        (None, D("9.99")),  # a maximum below the floor, alone
        (None, D("100000.01")),  # above the ceiling
        (D("200"), D("150")),  # minimum above maximum
    ],
)
def test_the_database_refuses_bounds_outside_the_floor_and_ceiling(min_price, max_price):
    listing = ListingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ListingPricing.objects.create(listing=listing, min_price=min_price, max_price=max_price)
    ListingPricing.objects.create(listing=listing, min_price=PRICE_FLOOR, max_price=PRICE_CEILING)  # the edges are fine


money = st.decimals(min_value=PRICE_FLOOR, max_value=PRICE_CEILING, places=2)


@given(
    price=st.decimals(min_value=D("0.01"), max_value=D("300000"), places=10),
    low=st.none() | money,
    high=st.none() | money,
)
def test_one_clamp_equals_the_guardrails_for_every_bound_the_database_accepts(price, low, high):
    if low is not None and high is not None and low > high:
        low, high = high, low  # pricing_min_le_max
    stepwise, _ = _within_host_bounds(price, PricingRules(min_price=low, max_price=high))
    clamped = min(max(price, PRICE_FLOOR if low is None else low), PRICE_CEILING if high is None else high)
    assert stepwise == clamped
