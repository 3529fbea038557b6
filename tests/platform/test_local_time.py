"""Every date rule of a stay on the listing's own clock, at the edges of the world's time zones.

Listings in Pacific/Kiritimati (UTC+14), Pacific/Honolulu (UTC-10), Europe/Oslo and
America/New_York (both across their DST changes). The server runs in UTC; the clock
is moved with time-machine, so "now" is exact to the second.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.gis.geos import Point
from django.http import QueryDict
from django.utils import timezone, translation

from availability.errors import CalendarRangeInvalid
from availability.services import calendar_block_range
from bookings.models import Booking, BookingStatus
from bookings.services.booking import BookingInvalid, booking_cancellation_preview, booking_create
from bookings.tasks import bookings_complete_finished_task
from hosttools.selectors import listings_overview
from listings.localtime import listing_check_in_at, listing_today, zone_label
from listings.services.listing import listing_create, listing_update
from payments.models import PayoutEntry
from pricing.models import AreaDemand
from pricing.rules import night_price
from pricing.selectors import price_quote, price_suggestions, pricing_rules_for
from pricing.services.demand import demand_cell, demand_refresh
from search.models import SearchListing
from search.params import SearchForm
from search.selectors import listing_search
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import VISA
from tests.listings.factories import ListingFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
# (zone, a point inside it)
PLACES = {
    "Pacific/Kiritimati": Point(-157.40, 1.87, srid=4326),
    "Pacific/Honolulu": Point(-157.86, 21.31, srid=4326),
    "Europe/Oslo": Point(10.75, 59.91, srid=4326),
    "America/New_York": Point(-74.00, 40.71, srid=4326),
    "Asia/Tokyo": Point(139.69, 35.68, srid=4326),
}


def at(zone: str, *args) -> dt.datetime:
    """An aware instant given as wall-clock time in ``zone``."""
    return dt.datetime(*args, tzinfo=ZoneInfo(zone))


def place(zone: str, **fields):
    fields.setdefault("instant_book", True)
    fields.setdefault("base_price", Decimal("100"))
    fields.setdefault("cleaning_fee", Decimal("0"))
    return ListingFactory(location=PLACES[zone], time_zone="", check_in_time=dt.time(16), **fields)


def book(listing, check_in: dt.date, nights: int = 2, guest=None) -> Booking:
    return booking_create(
        guest=guest or UserFactory(),
        listing_id=listing.pk,
        check_in=check_in,
        check_out=check_in + dt.timedelta(days=nights),
        guests=1,
        payment_method=VISA,
    )


# --- the zone itself ------------------------------------------------------------------------------


@pytest.mark.parametrize("zone", sorted(PLACES))
def test_the_zone_is_derived_from_the_map_point(zone):
    assert place(zone).time_zone == zone


def test_a_new_listing_takes_its_zone_from_its_point_and_follows_it_when_moved(user):
    listing = listing_create(host=user, title="Flat", property_type="apartment", room_type="entire")
    assert listing.time_zone == "UTC"  # no point yet
    listing = listing_update(listing=listing, actor=user, location=PLACES["Asia/Tokyo"])
    assert listing.time_zone == "Asia/Tokyo"
    # The host corrects the zone; an unrelated edit keeps it.
    listing = listing_update(listing=listing, actor=user, time_zone="Asia/Seoul")
    listing = listing_update(listing=listing, actor=user, title="Flat in Tokyo")
    assert listing.time_zone == "Asia/Seoul"
    # Moved to another place without choosing a zone: it follows the new point.
    listing = listing_update(listing=listing, actor=user, location=PLACES["Europe/Oslo"])
    assert listing.time_zone == "Europe/Oslo"
    # Moved and given a zone in the same edit: the host's choice wins.
    listing = listing_update(
        listing=listing, actor=user, location=PLACES["America/New_York"], time_zone="America/Toronto"
    )
    assert listing.time_zone == "America/Toronto"


def test_the_api_shows_the_zone_and_refuses_an_unknown_one(user, user_api):
    listing = place("Asia/Tokyo", host=user)
    body = user_api.get(f"/api/v1/listings/{listing.pk}/").json()
    assert body["time_zone"] == "Asia/Tokyo"
    response = user_api.patch(f"/api/v1/listings/{listing.pk}/", {"time_zone": "Mars/Olympus"}, format="json")
    assert response.status_code == 400
    assert "time_zone" in str(response.json())
    listing.refresh_from_db()
    assert listing.time_zone == "Asia/Tokyo"
    response = user_api.patch(f"/api/v1/listings/{listing.pk}/", {"time_zone": "Asia/Seoul"}, format="json")
    assert response.status_code == 200 and response.json()["time_zone"] == "Asia/Seoul"


def test_zone_labels_read_as_a_place():
    with translation.override("en"):
        assert zone_label("Asia/Tokyo") == "Tokyo time"
        assert zone_label("America/New_York") == "New York time"
        assert zone_label("UTC") == "UTC"
    with translation.override("es"):
        assert zone_label("Asia/Tokyo") == "hora de Tokyo"
    with translation.override("de"):
        assert zone_label("Europe/Oslo") == "Ortszeit Oslo"


# --- check-in instants, cancellation deadlines, payouts -------------------------------------------

DEADLINES = {"flexible": dt.timedelta(hours=24), "moderate": dt.timedelta(days=5), "strict": dt.timedelta(days=7)}
# Check-in days just after a DST change (Oslo: 2027-03-28 and 2027-10-31; New York:
# 2027-03-14 and 2027-11-07), so the deadline crosses it, and ordinary days elsewhere.
ARRIVALS = [
    ("Pacific/Kiritimati", dt.date(2027, 3, 20)),
    ("Pacific/Honolulu", dt.date(2027, 3, 20)),
    ("Europe/Oslo", dt.date(2027, 3, 29)),
    ("Europe/Oslo", dt.date(2027, 11, 1)),
    ("America/New_York", dt.date(2027, 3, 15)),
    ("America/New_York", dt.date(2027, 11, 8)),
]


@pytest.mark.parametrize(("zone", "arrival"), ARRIVALS)
@pytest.mark.parametrize("policy", sorted(DEADLINES))
def test_cancellation_one_minute_either_side_of_each_deadline(zone, arrival, policy):
    listing = place(zone, cancellation_policy=policy)
    with time_machine.travel(at(zone, 2027, 1, 5, 12), tick=False):
        booking = book(listing, arrival)
    check_in_at = listing_check_in_at(listing, arrival)
    assert check_in_at == at(zone, arrival.year, arrival.month, arrival.day, 16)
    deadline = check_in_at - DEADLINES[policy]
    early = booking_cancellation_preview(booking=booking, user=booking.guest, now=deadline - dt.timedelta(minutes=1))
    late = booking_cancellation_preview(booking=booking, user=booking.guest, now=deadline + dt.timedelta(minutes=1))
    assert early.refund > late.refund
    if policy == "strict":  # 7 days: half the nights before, nothing after
        assert not early.full and early.lines[0][0] == "Nights" and early.refund > 0 and late.refund == 0
    else:
        assert early.full and early.refund == booking.total and not late.full


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Honolulu", "Europe/Oslo", "America/New_York"])
def test_strict_full_refund_ends_14_days_before_local_check_in(zone):
    listing = place(zone, cancellation_policy="strict")
    arrival = dt.date(2027, 3, 29)  # Oslo's first days of summer time; New York's second week
    deadline = listing_check_in_at(listing, arrival) - dt.timedelta(days=14)
    with time_machine.travel(deadline - dt.timedelta(hours=2), tick=False):
        booking = book(listing, arrival)
    early = booking_cancellation_preview(booking=booking, user=booking.guest, now=deadline - dt.timedelta(minutes=1))
    late = booking_cancellation_preview(booking=booking, user=booking.guest, now=deadline + dt.timedelta(minutes=1))
    assert early.full and not late.full


def test_strict_48_hour_grace_counts_from_the_booking_instant():
    listing = place("Pacific/Kiritimati", cancellation_policy="strict")
    booked = at("Pacific/Kiritimati", 2027, 1, 5, 23, 30)
    with time_machine.travel(booked, tick=False):
        booking = book(listing, dt.date(2027, 3, 20))
    inside = booking_cancellation_preview(booking=booking, user=booking.guest, now=booked + dt.timedelta(hours=47))
    after = booking_cancellation_preview(booking=booking, user=booking.guest, now=booked + dt.timedelta(hours=49))
    assert inside.full and not after.full


def test_a_tokyo_check_in_at_16_is_07_utc_and_the_payout_follows_it():
    listing = place("Asia/Tokyo")
    with time_machine.travel(at("Asia/Tokyo", 2027, 1, 5, 12), tick=False):
        booking = book(listing, dt.date(2027, 2, 1))
    assert listing_check_in_at(listing, dt.date(2027, 2, 1)) == dt.datetime(2027, 2, 1, 7, tzinfo=UTC)
    payout = PayoutEntry.objects.get(booking=booking)
    assert payout.release_at == dt.datetime(2027, 2, 2, 7, tzinfo=UTC)  # 24 hours after check-in


# --- "today" ------------------------------------------------------------------------------------


def test_a_honolulu_guest_at_23_30_books_tonight_although_utc_says_tomorrow():
    listing = place("Pacific/Honolulu")
    now = at("Pacific/Honolulu", 2027, 1, 1, 23, 30)  # 2027-01-02 09:30 UTC
    with time_machine.travel(now, tick=False):
        assert listing_today(listing) == dt.date(2027, 1, 1)
        booking = book(listing, dt.date(2027, 1, 1), nights=1)
        assert booking.status == BookingStatus.CONFIRMED
        with pytest.raises(BookingInvalid, match="past"):
            book(listing, dt.date(2026, 12, 31), nights=1)


def test_in_kiritimati_yesterday_is_past_while_utc_still_says_today():
    listing = place("Pacific/Kiritimati")
    now = at("Pacific/Kiritimati", 2027, 1, 2, 0, 30)  # 2027-01-01 10:30 UTC
    with time_machine.travel(now, tick=False):
        assert listing_today(listing) == dt.date(2027, 1, 2)
        with pytest.raises(BookingInvalid, match="past"):
            book(listing, dt.date(2027, 1, 1), nights=1)
        with pytest.raises(CalendarRangeInvalid):
            calendar_block_range(listing=listing, start=dt.date(2027, 1, 1), end=dt.date(2027, 1, 2))
        assert calendar_block_range(listing=listing, start=dt.date(2027, 1, 2), end=dt.date(2027, 1, 3)) == 1


def test_a_booking_at_23_30_local_on_the_day_of_arrival_in_every_zone():
    for zone in ("Pacific/Kiritimati", "Pacific/Honolulu", "Europe/Oslo", "America/New_York"):
        listing = place(zone)
        with time_machine.travel(at(zone, 2027, 6, 10, 23, 30), tick=False):
            booking = book(listing, dt.date(2027, 6, 10), nights=1)
        assert booking.status == BookingStatus.CONFIRMED, zone


def test_stays_complete_when_check_out_day_comes_where_the_listing_is():
    honolulu, kiritimati = place("Pacific/Honolulu"), place("Pacific/Kiritimati")
    with time_machine.travel(at("UTC", 2027, 1, 5, 12), tick=False):
        slow = book(honolulu, dt.date(2027, 1, 8))
        fast = book(kiritimati, dt.date(2027, 1, 8))
    # Both check out on Jan 10. At 09:30 UTC on Jan 10 it is already the 10th in Kiritimati
    # (23:30) but still the 9th in Honolulu (23:30): only the Kiritimati stay is over.
    with time_machine.travel(dt.datetime(2027, 1, 10, 9, 30, tzinfo=UTC), tick=False):
        assert bookings_complete_finished_task() == 1
    assert Booking.objects.get(pk=fast.pk).status == BookingStatus.COMPLETED
    assert Booking.objects.get(pk=slow.pk).status == BookingStatus.CONFIRMED
    with time_machine.travel(at("Pacific/Honolulu", 2027, 1, 10, 0, 1), tick=False):
        assert bookings_complete_finished_task() == 1
    assert Booking.objects.get(pk=slow.pk).status == BookingStatus.COMPLETED


# --- search "tonight" near midnight UTC --------------------------------------------------------------


def _found(api_client, listing, check_in: dt.date) -> bool:
    lng, lat = listing.location.x, listing.location.y
    response = api_client.get(
        "/api/v1/search/",
        {
            "bbox": f"{lng - 0.05},{lat - 0.05},{lng + 0.05},{lat + 0.05}",
            "checkin": check_in.isoformat(),
            "checkout": (check_in + dt.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200, response.content
    return listing.pk in [card["id"] for card in response.json()["results"]]


@pytest.mark.parametrize(
    ("utc_now", "expect"),
    [
        # 23:30 UTC on Jan 1: Kiritimati and Oslo are on Jan 2, Honolulu and New York on Jan 1.
        (
            dt.datetime(2027, 1, 1, 23, 30, tzinfo=UTC),
            {"Pacific/Kiritimati": False, "Europe/Oslo": False, "Pacific/Honolulu": True, "America/New_York": True},
        ),
        # 00:30 UTC on Jan 2: New York and Honolulu are still on Jan 1.
        (
            dt.datetime(2027, 1, 2, 0, 30, tzinfo=UTC),
            {"Pacific/Kiritimati": False, "Europe/Oslo": False, "Pacific/Honolulu": True, "America/New_York": True},
        ),
        # 10:30 UTC on Jan 1: Kiritimati has just reached Jan 2 (00:30), Oslo is on Jan 1.
        (
            dt.datetime(2027, 1, 1, 10, 30, tzinfo=UTC),
            {"Pacific/Kiritimati": False, "Europe/Oslo": True, "Pacific/Honolulu": True, "America/New_York": True},
        ),
    ],
)
def test_search_for_tonight_on_jan_1_from_a_clock_near_midnight_utc(api_client, utc_now, expect):
    listings = {zone: place(zone) for zone in expect}
    with time_machine.travel(utc_now, tick=False):
        found = {zone: _found(api_client, listing, dt.date(2027, 1, 1)) for zone, listing in listings.items()}
    assert found == expect


# --- area demand counts nights ahead from the listing's today ------------------------------------------
# pricing.rules.demand_adjustment: a low-demand night 15+ days ahead is 10% off, within 14 days 20% off.
# The quote, Smart Pricing's suggestions, the host's "tonight" and the search statement all count from
# the listing's own date, so they agree with each other near midnight UTC.


def _low_demand(listing, night: dt.date) -> None:
    listing.refresh_from_db(fields=["public_location"])  # the database sets it; area rules read it
    cell_lat, cell_lng = demand_cell(lat=listing.public_location.y, lng=listing.public_location.x)
    AreaDemand.objects.create(
        cell_lat=cell_lat, cell_lng=cell_lng, date=night, score=Decimal("0.10"),
        listings=1, booked=0, searches=0, views=0, bookings=0, computed_at=timezone.now(),
    )  # fmt: skip


def _search_nightly(listing, night: dt.date, extra: str = "") -> dict[int, Decimal]:
    """The search statement's nightly price per listing found around ``listing`` for one night."""
    lng, lat = listing.location.x, listing.location.y
    query = (
        f"bbox={lng - 0.05},{lat - 0.05},{lng + 0.05},{lat + 0.05}&currency=EUR"
        f"&checkin={night}&checkout={night + dt.timedelta(days=1)}{extra}"
    )
    form = SearchForm(QueryDict(query))
    assert form.is_valid(), form.errors
    return {card.listing.pk: card.price_value for card in listing_search(form.params()).cards}


@pytest.mark.parametrize(
    ("zone", "utc_now", "night", "expected"),
    [
        # 20:00 UTC on Jan 5 is 10:00 on Jan 6 in Kiritimati: Jan 20 is 14 nights ahead there (15 in UTC).
        ("Pacific/Kiritimati", dt.datetime(2027, 1, 5, 20, tzinfo=UTC), dt.date(2027, 1, 20), Decimal("80.00")),
        # 05:00 UTC on Jan 5 is 19:00 on Jan 4 in Honolulu: Jan 19 is 15 nights ahead there (14 in UTC).
        ("Pacific/Honolulu", dt.datetime(2027, 1, 5, 5, tzinfo=UTC), dt.date(2027, 1, 19), Decimal("90.00")),
    ],
)
def test_demand_counts_nights_ahead_from_the_listings_today_in_quote_search_and_suggestions(
    zone, utc_now, night, expected
):
    listing = place(zone, currency="EUR")
    _low_demand(listing, night)
    with time_machine.travel(utc_now, tick=False):
        quote = price_quote(listing=listing, check_in=night, check_out=night + dt.timedelta(days=1), guests=1)
        assert quote.nights[0].price == expected
        assert _search_nightly(listing, night) == {listing.pk: expected}
        assert _search_nightly(listing, night, f"&price_max={expected}") == {listing.pk: expected}
        assert _search_nightly(listing, night, f"&price_max={expected - 1}") == {}
        (suggested,) = price_suggestions(listing=listing, start=night, end=night + dt.timedelta(days=1))
        assert suggested.rule_price == expected


def test_the_hosts_tonight_and_demand_refresh_keep_honolulus_tonight_while_utc_says_tomorrow(settings):
    settings.PRICING_DEMAND_MIN_SIGNALS = 1
    listing = place("Pacific/Honolulu")
    now = at("Pacific/Honolulu", 2027, 1, 4, 19)  # 2027-01-05 05:00 UTC
    with time_machine.travel(now, tick=False):
        book(listing, dt.date(2027, 1, 4), nights=1)  # tonight, where the listing is
        demand_refresh()
        listing.refresh_from_db(fields=["public_location"])
        cell_lat, cell_lng = demand_cell(lat=listing.public_location.y, lng=listing.public_location.x)
        nights = set(AreaDemand.objects.filter(cell_lat=cell_lat, cell_lng=cell_lng).values_list("date", flat=True))
        assert dt.date(2027, 1, 4) in nights  # the booked night keeps its score: it is still tonight there
        (row,) = listings_overview(host=listing.host)
        expected = night_price(
            base=listing.base_price, day=dt.date(2027, 1, 4),
            rules=pricing_rules_for(listing=listing, start=dt.date(2027, 1, 4), end=dt.date(2027, 1, 5)),
            today=dt.date(2027, 1, 4),
        )[0]  # fmt: skip
        assert row.tonight == expected


def test_the_search_row_follows_the_listings_zone(user):
    listing = place("Europe/Oslo", host=user)
    assert SearchListing.objects.get(listing_id=listing.pk).time_zone == "Europe/Oslo"
    listing_update(listing=listing, actor=user, location=PLACES["Asia/Tokyo"])
    assert SearchListing.objects.get(listing_id=listing.pk).time_zone == "Asia/Tokyo"
    listing_update(listing=listing, actor=user, time_zone="Asia/Seoul")
    assert SearchListing.objects.get(listing_id=listing.pk).time_zone == "Asia/Seoul"
