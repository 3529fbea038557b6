"""Rules loaded from the database: settings, seasons by country/region, events by radius, demand by area cell."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from availability.services import calendar_set_nights
from pricing.models import AreaDemand, ListingPricing, LocalEvent, SeasonPeriod
from pricing.selectors import price_quote, pricing_rules_for, pricing_rules_for_listings
from pricing.services.demand import demand_cell
from tests.listings.factories import ListingFactory

D = Decimal
pytestmark = pytest.mark.django_db

SATURDAY = dt.date(2027, 7, 10)
TODAY = SATURDAY - dt.timedelta(days=45)
PARIS = Point(2.3522, 48.8566, srid=4326)


def _paris_world():
    SeasonPeriod.objects.create(
        country_code="FR", name="Summer holidays", level="high", start_month=7, start_day=1, end_month=8, end_day=31
    )
    cell_lat, cell_lng = demand_cell(lat=PARIS.y, lng=PARIS.x)
    AreaDemand.objects.create(
        cell_lat=cell_lat,
        cell_lng=cell_lng,
        date=SATURDAY,
        score=D("0.85"),
        listings=10,
        booked=8,
        searches=40,
        views=100,
        bookings=5,
        computed_at="2027-05-26T00:00:00Z",
    )


def test_paris_example_end_to_end_from_the_database():
    """The design document's listing: base 120, a July Saturday 45 days ahead with high local demand."""
    _paris_world()
    listing = ListingFactory(base_price=D("120"), cleaning_fee=D("0"), location=PARIS, country_code="FR")
    ListingPricing.objects.create(listing=listing, max_price=D("300"))
    rules = pricing_rules_for(listing=listing, start=SATURDAY, end=SATURDAY + dt.timedelta(days=1))
    quote = price_quote(
        listing=listing,
        check_in=SATURDAY,
        check_out=SATURDAY + dt.timedelta(days=1),
        guests=2,
        night_prices={},
        rules=rules,
        today=TODAY,
    )
    night = quote.nights[0]
    assert [r.label for r in night.reasons] == [
        "Weekend +20%",
        "High season +35%",
        "Local demand +15%",
        "Capped at +50% over the base price",
    ]
    assert night.price == D("180.00") and night.source == "rules"
    # The host accepts the full rule price (223.56) as their own: it overrides everything.
    host_priced = price_quote(
        listing=listing,
        check_in=SATURDAY,
        check_out=SATURDAY + dt.timedelta(days=1),
        guests=2,
        night_prices={SATURDAY: D("223.56")},
        rules=rules,
        today=TODAY,
    )
    assert host_priced.nights[0].price == D("223.56") and host_priced.nights[0].source == "host"


def test_seasons_match_the_listing_country_and_region():
    SeasonPeriod.objects.create(
        country_code="FR", name="Summer", level="shoulder", start_month=6, start_day=1, end_month=9, end_day=30
    )
    SeasonPeriod.objects.create(
        country_code="FR",
        region="Provence",
        name="Lavender",
        level="high",
        start_month=6,
        start_day=15,
        end_month=8,
        end_day=15,
    )
    SeasonPeriod.objects.create(
        country_code="ES", name="Summer", level="high", start_month=6, start_day=1, end_month=9, end_day=30
    )
    provence = ListingFactory(country_code="FR", region="provence")
    paris = ListingFactory(country_code="FR", region="Île-de-France")
    rules = pricing_rules_for_listings(listing_ids=[provence.pk, paris.pk], start=SATURDAY, end=SATURDAY)
    assert rules[provence.pk].season_on(SATURDAY).name == "Lavender"
    assert rules[paris.pk].season_on(SATURDAY).name == "Summer"
    assert rules[paris.pk].season_on(dt.date(2027, 12, 1)) is None


def test_events_apply_within_their_radius_only():
    LocalEvent.objects.create(
        name="Olympics",
        location=Point(2.3522, 48.8566, srid=4326),
        radius_km=10,
        starts_on=dt.date(2027, 7, 26),
        ends_on=dt.date(2027, 8, 11),
        uplift_pct=150,
    )
    near = ListingFactory(location=Point(2.40, 48.88, srid=4326))  # ~4.3 km away
    far = ListingFactory(location=Point(2.60, 48.90, srid=4326))  # ~18.6 km away
    rules = pricing_rules_for_listings(
        listing_ids=[near.pk, far.pk], start=dt.date(2027, 8, 1), end=dt.date(2027, 8, 3)
    )
    assert rules[near.pk].event_on(dt.date(2027, 8, 1)).name == "Olympics"
    assert rules[far.pk].event_on(dt.date(2027, 8, 1)) is None
    # Outside the dates: not loaded at all.
    later = pricing_rules_for(listing=near, start=dt.date(2027, 9, 1), end=dt.date(2027, 9, 5))
    assert later.events == ()


def test_host_settings_replace_platform_percentages_and_add_bounds():
    listing = ListingFactory()
    ListingPricing.objects.create(
        listing=listing,
        weekend_premium_pct=10,
        high_season_pct=50,
        min_price=D("90"),
        max_price=D("400"),
        guests_included=2,
        extra_guest_fee=D("20"),
    )
    rules = pricing_rules_for(listing=listing, start=SATURDAY, end=SATURDAY)
    assert rules.weekday_pct == {4: 10, 5: 10}
    assert rules.season_pct["high"] == 50 and rules.season_pct["low"] == -15
    assert (rules.min_price, rules.max_price) == (D("90"), D("400"))
    assert (rules.guests_included, rules.extra_guest_fee) == (2, D("20"))


def test_listing_without_settings_gets_platform_defaults():
    listing = ListingFactory()
    rules = pricing_rules_for(listing=listing, start=SATURDAY, end=SATURDAY)
    assert rules.weekday_pct == {4: 20, 5: 20}
    assert rules.min_price is None and rules.extra_guest_fee == 0


def test_rules_of_many_listings_load_in_one_query():
    listings = [ListingFactory() for _ in range(12)]
    ListingPricing.objects.create(listing=listings[0], smart_pricing=True)
    with CaptureQueriesContext(connection) as queries:
        rules = pricing_rules_for_listings(listing_ids=[item.pk for item in listings], start=TODAY, end=SATURDAY)
    assert len(rules) == 12
    assert len(queries) == 1


def test_quote_reads_host_prices_and_rules_by_itself(settings):
    """Called like the booking service with only the calendar prices: rules come from the database."""
    listing = ListingFactory(base_price=D("100"), cleaning_fee=D("0"))
    today = timezone.localdate()
    monday = today + dt.timedelta(days=(7 - today.weekday()) % 7 + 7)
    calendar_set_nights(listing=listing, start=monday, end=monday + dt.timedelta(days=1), price=D("150"))
    quote = price_quote(listing=listing, check_in=monday, check_out=monday + dt.timedelta(days=7), guests=1)
    prices = [n.price for n in quote.nights]
    assert prices == [D("150.00"), D("100.00"), D("100.00"), D("100.00"), D("120.00"), D("120.00"), D("100.00")]
    assert quote.as_dict()["nights"][4]["reasons"] == ["Weekend +20%"]


def test_default_seasons_command_is_idempotent_and_feeds_the_rules():
    call_command("pricing_seed_seasons", stdout=io.StringIO())
    count = SeasonPeriod.objects.count()
    call_command("pricing_seed_seasons", stdout=io.StringIO())
    assert SeasonPeriod.objects.count() == count > 100
    listing = ListingFactory(country_code="FR", region="Île-de-France")
    rules = pricing_rules_for(listing=listing, start=dt.date(2027, 8, 10), end=dt.date(2027, 8, 11))
    assert rules.season_on(dt.date(2027, 8, 10)).name == "Summer holidays"
    alps = ListingFactory(country_code="FR", region="auvergne-rhône-alpes")
    rules = pricing_rules_for(listing=alps, start=dt.date(2027, 2, 10), end=dt.date(2027, 2, 11))
    assert rules.season_on(dt.date(2027, 2, 10)).name == "Ski season"
