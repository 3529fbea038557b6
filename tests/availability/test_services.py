"""Calendar writes: ranges, overrides, the search column and the wishlist announcement, on the real database."""

import datetime as dt
from decimal import Decimal
from unittest import TestCase

import pytest
from django.db import connection, transaction

from availability import services as cal
from availability.errors import CalendarRangeInvalid
from availability.models import CalendarNight
from listings.models import Wishlist, WishlistAlert, WishlistItem
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import days
from tests.listings.factories import ListingFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def listing():
    return ListingFactory(instant_book=True, base_price=D("100"))


def taken(listing) -> list[dt.date]:
    return list(
        CalendarNight.objects.filter(listing=listing, status__in=["held", "booked", "blocked"])
        .order_by("date")
        .values_list("date", flat=True)
    )


def rows(listing) -> dict[dt.date, tuple]:
    return {
        night.date: (night.status, night.price, night.min_nights)
        for night in CalendarNight.objects.filter(listing=listing)
    }


def unavailable_ranges(listing) -> list[tuple[dt.date, dt.date]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lower(r), upper(r) FROM listings_listing, unnest(unavailable) r WHERE id = %s ORDER BY 1",
            [listing.pk],
        )
        return cursor.fetchall()


def saved_by(listing, *, check_in=None, check_out=None):
    owner = UserFactory()
    wishlist = Wishlist.objects.create(owner=owner, name="Later", check_in=check_in, check_out=check_out)
    WishlistItem.objects.create(wishlist=wishlist, listing=listing)
    return owner


@pytest.mark.parametrize(("start", "end"), [(5, 5), (7, 5), (-2, 3), (1, 400), (700, 740)])
def test_invalid_ranges_rejected(listing, start, end):
    with pytest.raises(CalendarRangeInvalid):
        cal.calendar_block_range(listing=listing, start=days(start), end=days(end))
    assert taken(listing) == []


def test_block_keeps_overrides_and_unblock_leaves_them_available(listing):
    cal.calendar_set_nights(listing=listing, start=days(10), end=days(11), price=D("150"))
    assert cal.calendar_block_range(listing=listing, start=days(9), end=days(12)) == 3
    assert rows(listing) == {
        days(9): ("blocked", None, None),
        days(10): ("blocked", D("150.00"), None),
        days(11): ("blocked", None, None),
    }
    assert unavailable_ranges(listing) == [(days(9), days(12))]

    assert cal.calendar_unblock_range(listing=listing, start=days(9), end=days(12)) == 3
    # Plain blocks are gone; the night with the host's price stays, available again.
    assert rows(listing) == {days(10): ("available", D("150.00"), None)}
    assert unavailable_ranges(listing) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"price": D("9.99")}, "The nightly price must be between 10 and 100,000."),
        ({"price": D("100000.01")}, "The nightly price must be between 10 and 100,000."),
        ({"min_nights": 0}, "Minimum nights must be between 1 and 365."),
        ({"min_nights": 366}, "Minimum nights must be between 1 and 365."),
        ({}, "Give a price or a minimum number of nights."),
    ],
)
def test_set_nights_refuses_values_out_of_bounds_and_writes_nothing(listing, changes, message):
    with pytest.raises(CalendarRangeInvalid) as exc:
        cal.calendar_set_nights(listing=listing, start=days(10), end=days(12), **changes)
    assert exc.value.message == message
    assert not CalendarNight.objects.filter(listing=listing).exists()


def test_set_nights_merges_overrides_and_clearing_removes_rows_left_empty(listing):
    assert cal.calendar_set_nights(listing=listing, start=days(10), end=days(13), price=D("150")) == 3
    cal.calendar_set_nights(listing=listing, start=days(11), end=days(12), min_nights=3)
    cal.calendar_block_range(listing=listing, start=days(12), end=days(13))
    assert rows(listing) == {
        days(10): ("available", D("150.00"), None),
        days(11): ("available", D("150.00"), 3),
        days(12): ("blocked", D("150.00"), None),
    }
    cal.calendar_set_nights(listing=listing, start=days(10), end=days(13), clear_price=True)
    # Night 10 had only a price: its row is gone. A minimum and a block keep theirs.
    assert rows(listing) == {days(11): ("available", None, 3), days(12): ("blocked", None, None)}
    # Overrides never change which nights are taken.
    assert unavailable_ranges(listing) == [(days(12), days(13))]


def test_refresh_rewrites_the_search_column_from_the_rows_leaving_the_past_out(listing):
    CalendarNight.objects.bulk_create(
        [
            CalendarNight(listing=listing, date=days(-5), status="blocked"),
            CalendarNight(listing=listing, date=days(3), status="blocked"),
            CalendarNight(listing=listing, date=days(4), status="blocked"),
            CalendarNight(listing=listing, date=days(8), status="available", price=D("130")),
        ]
    )
    assert unavailable_ranges(listing) == []  # rows written without the service: stale until refreshed
    cal.calendar_refresh_unavailable(listing_id=listing.pk)
    assert unavailable_ranges(listing) == [(days(3), days(5))]


def test_calendar_change_on_a_listing_nobody_saved_enqueues_no_alert(django_capture_on_commit_callbacks):
    listing = ListingFactory(instant_book=True)
    with django_capture_on_commit_callbacks() as callbacks:
        cal.calendar_block_range(listing=listing, start=days(10), end=days(12))
    assert callbacks == []
    # Saved by a guest: the same change now schedules the alert.
    WishlistItem.objects.create(wishlist=Wishlist.objects.create(owner=UserFactory(), name="Later"), listing=listing)
    with django_capture_on_commit_callbacks() as callbacks:
        cal.calendar_block_range(listing=listing, start=days(14), end=days(15))
    assert len(callbacks) == 1


def test_the_alert_names_the_changed_nights(listing, django_capture_on_commit_callbacks):
    overlapping = saved_by(listing, check_in=days(11), check_out=days(14))
    saved_by(listing, check_in=days(30), check_out=days(32))
    with django_capture_on_commit_callbacks(execute=True):
        cal.calendar_block_range(listing=listing, start=days(10), end=days(12))
    # Only the list whose dates overlap the blocked nights (not the one for day 30) is told.
    assert list(WishlistAlert.objects.values_list("user_id", flat=True)) == [overlapping.pk]


def test_a_rolled_back_write_announces_nothing(listing, django_capture_on_commit_callbacks):
    saved_by(listing)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            cal.calendar_block_range(listing=listing, start=days(10), end=days(12))
            raise RuntimeError("the caller fails after the write")
    assert callbacks == []
    assert taken(listing) == [] and unavailable_ranges(listing) == []
    assert not WishlistAlert.objects.exists()


def test_a_broker_outage_does_not_fail_the_calendar_write(listing, monkeypatch, django_capture_on_commit_callbacks):
    saved_by(listing)

    def broker_down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cal.wishlist_availability_changed, "delay", broker_down)
    # assertLogs, not caplog: the suite may run with -p no:logging.
    with TestCase().assertLogs("availability.services", level="WARNING") as logs:
        with django_capture_on_commit_callbacks(execute=True):
            assert cal.calendar_block_range(listing=listing, start=days(10), end=days(12)) == 2
    assert taken(listing) == [days(10), days(11)]
    [record] = logs.records
    assert record.getMessage() == f"could not enqueue the wishlist alert for listing {listing.pk}"
    assert isinstance(record.exc_info[1], ConnectionError)
