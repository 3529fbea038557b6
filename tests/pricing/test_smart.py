"""Smart Pricing: stored suggestions, automatic application within the guardrails, accept, on/off, bounds."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from availability.models import CalendarNight
from availability.services import calendar_set_nights
from pricing.errors import PriceOutOfRange, PricingRangeInvalid, PricingSettingsInvalid
from pricing.models import ListingPricing, LocalEvent, PriceSuggestion
from pricing.selectors import price_quote, price_suggestions
from pricing.services.host import host_nights_set, listing_pricing_update
from pricing.services.smart import smart_pricing_set, suggestions_accept, suggestions_refresh
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import book
from tests.listings.factories import ListingFactory

D = Decimal
pytestmark = pytest.mark.django_db
PARIS = Point(2.3522, 48.8566, srid=4326)


def day(offset: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=offset)


@pytest.fixture(autouse=True)
def _only_the_event_rule(settings):
    """No weekend premium, so the only rule is the event each test adds: prices do not depend on today's weekday."""
    settings.PRICING_DAY_OF_WEEK_PREMIUM_PCT = {}
    settings.PRICING_SUGGESTION_DAYS = 30


@pytest.fixture
def listing():
    listing = ListingFactory(base_price=D("100"), cleaning_fee=D("0"), location=PARIS, instant_book=True)
    LocalEvent.objects.create(
        name="Trade fair", location=PARIS, radius_km=5, starts_on=day(10), ends_on=day(12), uplift_pct=40
    )
    return listing


def calendar_prices(listing) -> dict[dt.date, Decimal]:
    return dict(CalendarNight.objects.filter(listing=listing, price__isnull=False).values_list("date", "price"))


EXPECTED = {10: D("120.00"), 11: D("140.00"), 12: D("140.00"), 13: D("112.00")}


def test_refresh_stores_suggestions_with_reasons_and_leaves_the_calendar_alone_when_off(listing):
    result = suggestions_refresh(listing_id=listing.pk)
    assert result.suggested == 30 and result.applied == 0
    rows = {row.date: row for row in PriceSuggestion.objects.filter(listing=listing)}
    assert len(rows) == 30
    assert {offset: rows[day(offset)].price for offset in EXPECTED} == EXPECTED
    assert rows[day(9)].price == D("100.00") and rows[day(14)].price == D("100.00")
    assert [r["label"] for r in rows[day(10)].reasons] == [
        "Trade fair +40%",
        "Rising gradually (at most +20% a day)",
    ]
    assert calendar_prices(listing) == {}


def test_smart_pricing_on_applies_suggestions_that_differ_from_the_automatic_price(listing):
    smart_pricing_set(listing=listing, enabled=True)
    # 10: 120 (gradual, rules say 140); 11 and 12: 140 = the rules' price, no need to write it; 13: 112 (gradual).
    assert calendar_prices(listing) == {day(10): D("120.00"), day(13): D("112.00")}
    quote = price_quote(listing=listing, check_in=day(9), check_out=day(15), guests=1)
    assert [n.price for n in quote.nights] == [
        D("100.00"),
        D("120.00"),
        D("140.00"),
        D("140.00"),
        D("112.00"),
        D("100.00"),
    ]
    assert [n.source for n in quote.nights] == ["base", "smart", "rules", "rules", "smart", "base"]
    assert quote.nights[1].reasons[-1].label == "Rising gradually (at most +20% a day)"


def test_smart_pricing_never_touches_booked_nights_or_the_hosts_own_prices(listing):
    calendar_set_nights(listing=listing, start=day(13), end=day(14), price=D("99"))
    booking = book(guest=UserFactory(), listing=listing, start=10, nights=1)
    assert booking.status == "confirmed"
    smart_pricing_set(listing=listing, enabled=True)
    nights = {row.date: row for row in CalendarNight.objects.filter(listing=listing)}
    assert nights[day(10)].status == "booked" and nights[day(10)].price is None
    assert nights[day(13)].price == D("99.00")  # the host's price stays


def test_turning_smart_pricing_off_removes_only_its_prices(listing):
    smart_pricing_set(listing=listing, enabled=True)
    calendar_set_nights(listing=listing, start=day(20), end=day(21), price=D("155"))
    smart_pricing_set(listing=listing, enabled=False)
    assert calendar_prices(listing) == {day(20): D("155.00")}
    assert not PriceSuggestion.objects.filter(listing=listing, applied_price__isnull=False).exists()
    assert ListingPricing.objects.get(listing=listing).smart_pricing is False


def test_a_refresh_follows_new_rules_but_keeps_prices_the_host_took_over(listing):
    smart_pricing_set(listing=listing, enabled=True)
    calendar_set_nights(listing=listing, start=day(13), end=day(14), price=D("130"))  # the host takes night 13 over
    LocalEvent.objects.all().delete()
    suggestions_refresh(listing_id=listing.pk)
    assert calendar_prices(listing) == {day(13): D("130.00")}


def test_kill_switch_removes_surge_from_suggestions_and_applied_prices(listing, settings):
    smart_pricing_set(listing=listing, enabled=True)
    settings.PRICING_SURGE_DISABLED = True
    suggestions_refresh(listing_id=listing.pk)
    assert calendar_prices(listing) == {}
    night = price_suggestions(listing=listing, start=day(10), end=day(11))[0]
    assert night.suggestion == D("100.00")
    assert [r.label for r in night.suggestion_reasons] == ["Demand surge paused platform-wide"]


def test_accepting_suggestions_makes_them_the_hosts_prices(listing):
    count = suggestions_accept(listing=listing, start=day(9), end=day(14))
    assert count == 5
    assert calendar_prices(listing) == {
        day(9): D("100.00"),
        day(10): D("120.00"),
        day(11): D("140.00"),
        day(12): D("140.00"),
        day(13): D("112.00"),
    }
    row = PriceSuggestion.objects.get(listing=listing, date=day(10))
    assert row.accepted_at is not None and row.applied_price is None
    # Host prices now: a later Smart Pricing run does not move them.
    smart_pricing_set(listing=listing, enabled=True)
    assert calendar_prices(listing)[day(11)] == D("140.00")


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (12, 10, "The end date must be after the start date."),
        (-2, 3, "Past nights cannot be changed."),
        (1, 400, "Accept at most 366 nights at once."),
        (700, 760, "Dates more than two years ahead cannot be changed."),
    ],
)
def test_accepting_a_bad_range_is_refused(listing, start, end, message):
    with pytest.raises(PricingRangeInvalid) as caught:
        suggestions_accept(listing=listing, start=day(start), end=day(end))
    assert caught.value.message == message
    assert calendar_prices(listing) == {}


def test_host_prices_outside_their_own_bounds_are_refused_and_nothing_changes(listing):
    listing_pricing_update(listing=listing, min_price=D("80"), max_price=D("200"))
    with pytest.raises(PriceOutOfRange) as caught:
        host_nights_set(listing=listing, start=day(1), end=day(3), price=D("250"))
    assert caught.value.message == "250.00 EUR is above your maximum price of 200.00 EUR."
    with pytest.raises(PriceOutOfRange):
        host_nights_set(listing=listing, start=day(1), end=day(3), price=D("79.99"))
    assert calendar_prices(listing) == {}
    assert host_nights_set(listing=listing, start=day(1), end=day(3), price=D("200")) == 2


def test_suggestions_respect_the_host_bounds(listing):
    listing_pricing_update(listing=listing, max_price=D("125"), min_price=D("105"))
    nights = price_suggestions(listing=listing, start=day(0), end=day(20))
    assert all(D("105") <= night.suggestion <= D("125") for night in nights)
    assert nights[11].suggestion == D("125.00")
    assert [r.code for r in nights[11].suggestion_reasons][-1] == "max_price"


def test_invalid_settings_are_refused_with_field_messages(listing):
    with pytest.raises(PricingSettingsInvalid) as caught:
        listing_pricing_update(listing=listing, min_price=D("300"), max_price=D("200"))
    assert "maximum price must be at least the minimum" in caught.value.message
    with pytest.raises(PricingSettingsInvalid) as caught:
        listing_pricing_update(listing=listing, min_price=D("5"))
    assert caught.value.extra["fields"]["min_price"]
    with pytest.raises(PricingSettingsInvalid):
        listing_pricing_update(listing=listing, smart_pricing=True)
    assert not ListingPricing.objects.filter(listing=listing).exists()
