"""Demand signals (Redis-buffered counters flushed to daily rows) and area demand scores."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from pricing.models import AreaDemand, AreaSearchDay, ListingViewDay
from pricing.selectors import price_quote
from pricing.services.demand import (
    demand_cell,
    demand_refresh,
    demand_signals_flush,
    listing_view_record,
    search_demand_record,
)
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import book
from tests.listings.factories import ListingFactory

D = Decimal
pytestmark = pytest.mark.django_db


def area_cell(listing) -> tuple[int, int]:
    """The demand cell of the listing's public point, set by the database (area rules read it)."""
    listing.refresh_from_db(fields=["public_location"])
    return demand_cell(lat=listing.public_location.y, lng=listing.public_location.x)


def day(offset: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=offset)


def test_views_and_searches_are_counted_then_flushed_into_daily_rows():
    listing = ListingFactory()
    other = ListingFactory()
    for _ in range(3):
        listing_view_record(listing_id=listing.pk)
    listing_view_record(listing_id=other.pk, day=day(-1))
    listing_view_record(listing_id=999_999_999)  # a deleted listing: dropped at flush
    search_demand_record(lat=48.8566, lng=2.3522, check_in=day(5), check_out=day(7))
    search_demand_record(lat=48.8566, lng=2.3522, check_in=day(6), check_out=day(8))
    demand_signals_flush()
    assert ListingViewDay.objects.get(listing=listing, date=day(0)).views == 3
    assert ListingViewDay.objects.get(listing=other, date=day(-1)).views == 1
    cell = demand_cell(lat=48.8566, lng=2.3522)
    searches = dict(AreaSearchDay.objects.filter(cell_lat=cell[0], cell_lng=cell[1]).values_list("night", "searches"))
    assert searches == {day(5): 1, day(6): 2, day(7): 1}
    # Counting continues after a flush and adds up.
    listing_view_record(listing_id=listing.pk)
    demand_signals_flush()
    assert ListingViewDay.objects.get(listing=listing, date=day(0)).views == 4
    assert demand_signals_flush() == (0, 0)


def test_a_year_long_search_counts_for_its_first_month_only():
    search_demand_record(lat=10.0, lng=10.0, check_in=day(1), check_out=day(366))
    demand_signals_flush()
    assert AreaSearchDay.objects.count() == 31


def test_demand_score_from_occupancy_search_pressure_and_view_to_book(settings):
    settings.PRICING_DAY_OF_WEEK_PREMIUM_PCT = {}
    here = [ListingFactory(instant_book=True, location=Point(2.35 + i * 0.01, 48.85, srid=4326)) for i in range(4)]
    elsewhere = ListingFactory(location=Point(13.40, 52.52, srid=4326))  # another cell (Berlin)
    guest = UserFactory()
    for listing in here[:3]:
        book(guest=guest, listing=listing, start=30, nights=1)
    cell = demand_cell(lat=48.85, lng=2.35)
    AreaSearchDay.objects.create(cell_lat=cell[0], cell_lng=cell[1], night=day(30), searches=12)
    ListingViewDay.objects.create(listing=here[0], date=day(-2), views=40)
    ListingViewDay.objects.create(listing=elsewhere, date=day(-2), views=40)

    demand_refresh()

    row = AreaDemand.objects.get(cell_lat=cell[0], cell_lng=cell[1], date=day(30))
    # occupancy 3 / (0.8 x 4) = 0.9375; pressure 12 / (12 + 4) = 0.75; view-to-book here 3/40 vs platform
    # 3/80: 0.075 / (0.075 + 0.0375) = 2/3. Score 0.45 x 0.9375 + 0.30 x 0.75 + 0.25 x 2/3 = 0.8135.
    assert row.score == D("0.81")
    assert (row.listings, row.booked, row.searches, row.views, row.bookings) == (4, 3, 12, 40, 3)
    assert AreaDemand.objects.count() == 1  # the other nights and cells lack signal: no adjustment

    quote = price_quote(listing=here[3], check_in=day(30), check_out=day(31), guests=1)
    assert quote.nights[0].price == D("138.00")  # 120 + 15% (high demand, 30 days out)
    assert [r.label for r in quote.nights[0].reasons] == ["Local demand +15%"]


def test_scores_without_enough_signal_are_removed(settings):
    settings.PRICING_DEMAND_MIN_SIGNALS = 20
    listing = ListingFactory()
    cell = area_cell(listing)
    AreaDemand.objects.create(
        cell_lat=cell[0],
        cell_lng=cell[1],
        date=day(3),
        score=D("0.9"),
        listings=1,
        booked=1,
        searches=30,
        views=0,
        bookings=0,
        computed_at=timezone.now() - dt.timedelta(days=1),
    )
    AreaSearchDay.objects.create(cell_lat=cell[0], cell_lng=cell[1], night=day(3), searches=5)
    AreaSearchDay.objects.create(cell_lat=cell[0], cell_lng=cell[1], night=day(-3), searches=500)
    assert demand_refresh() == 0
    assert not AreaDemand.objects.exists()
    assert not AreaSearchDay.objects.filter(night__lt=day(0)).exists()
