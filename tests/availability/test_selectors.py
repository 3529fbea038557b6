"""Calendar reads used by several apps."""

from decimal import Decimal

import pytest

from availability.models import CalendarNight
from availability.selectors import calendar_night_prices, calendar_night_prices_for_listings, date_range
from tests.bookings.helpers import days
from tests.listings.factories import ListingFactory

pytestmark = pytest.mark.django_db
D = Decimal


def test_date_range_is_end_exclusive():
    assert list(date_range(days(1), days(4))) == [days(1), days(2), days(3)]
    assert list(date_range(days(4), days(4))) == []


def test_prices_of_many_listings_in_one_query_match_the_single_listing_read(django_assert_num_queries):
    first, second, plain = ListingFactory(), ListingFactory(), ListingFactory()
    CalendarNight.objects.bulk_create(
        [
            CalendarNight(listing=first, date=days(10), status="available", price=D("150")),
            CalendarNight(listing=first, date=days(11), status="blocked", price=D("160")),
            CalendarNight(listing=first, date=days(12), status="available", min_nights=3),  # no price
            CalendarNight(listing=first, date=days(20), status="available", price=D("170")),  # after the range
            CalendarNight(listing=second, date=days(9), status="available", price=D("90")),  # before the range
            CalendarNight(listing=second, date=days(13), status="available", price=D("95")),
        ]
    )
    ids = [first.pk, second.pk, plain.pk]
    with django_assert_num_queries(1):
        prices = calendar_night_prices_for_listings(listing_ids=ids, start=days(10), end=days(14))
    assert prices == {first.pk: {days(10): D("150.00"), days(11): D("160.00")}, second.pk: {days(13): D("95.00")}}
    for listing in (first, second):
        single = calendar_night_prices(listing_id=listing.pk, start=days(10), end=days(14))
        assert prices[listing.pk] == single
    with django_assert_num_queries(0):
        assert calendar_night_prices_for_listings(listing_ids=[], start=days(10), end=days(14)) == {}
