"""Double booking is impossible: many real threads, each with its own PostgreSQL connection.

These tests commit for real (``transaction=True``) so the threads' transactions see
each other exactly as concurrent web workers would.
"""

import random
import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from availability.models import CalendarNight
from bookings.models import Booking, BookingStatus
from bookings.services import booking as svc
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import VISA, days
from tests.conftest import bearer_client
from tests.listings.factories import ListingFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_concurrently(functions):
    """Start all functions at the same instant (barrier) in their own threads; return results."""
    barrier = threading.Barrier(len(functions))
    results: list = [None] * len(functions)

    def runner(index, fn):
        try:
            barrier.wait()
            results[index] = fn()
        except BaseException as exc:  # noqa: BLE001 - collected and asserted on by the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i, fn)) for i, fn in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a booking thread hung"
    return results


def overlaps(a, b) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def assert_calendar_matches(listing, winners):
    nights = list(CalendarNight.objects.filter(listing=listing).values_list("date", "booking_id"))
    dates = [d for d, _ in nights]
    assert len(dates) == len(set(dates)), "a night is taken twice"
    expected = {}
    for booking in winners:
        for offset in range(booking.nights):
            expected[booking.check_in + (days(1) - days(0)) * offset] = booking.pk
    assert dict(nights) == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM listings_listing, unnest(unavailable) r WHERE id = %s", [listing.pk])
        ranges = cursor.fetchone()[0]
    assert ranges <= len(winners)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_random_overlapping_ranges_from_24_threads(seed):
    rng = random.Random(seed)
    listing = ListingFactory(instant_book=True, max_guests=4, max_nights=30)
    guests = [UserFactory() for _ in range(24)]
    ranges = []
    for _ in guests:
        start = rng.randint(1, 20)
        ranges.append((start, start + rng.randint(1, 5)))

    def attempt(guest, start, end):
        return lambda: svc.booking_create(
            guest=guest,
            listing_id=listing.pk,
            check_in=days(start),
            check_out=days(end),
            guests=2,
            payment_method=VISA,
        )

    results = run_concurrently([attempt(g, s, e) for g, (s, e) in zip(guests, ranges, strict=True)])

    unexpected = [r for r in results if isinstance(r, BaseException) and not isinstance(r, svc.DatesUnavailable)]
    assert not unexpected, unexpected
    winners = [r for r in results if isinstance(r, Booking)]
    losers = [rng_range for rng_range, r in zip(ranges, results, strict=True) if isinstance(r, svc.DatesUnavailable)]
    assert winners, "someone must win"
    assert len(winners) + len(losers) == len(guests)
    won_ranges = [((w.check_in - days(0)).days, (w.check_out - days(0)).days) for w in winners]
    for i, a in enumerate(won_ranges):
        for b in won_ranges[i + 1 :]:
            assert not overlaps(a, b), f"double booking {a} {b}"
    for loser in losers:
        assert any(overlaps(loser, w) for w in won_ranges), f"{loser} lost although it overlaps no winner"
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == len(winners)
    assert_calendar_matches(listing, Booking.objects.filter(status=BookingStatus.CONFIRMED))


def test_thirty_guests_same_dates_exactly_one_wins_through_the_api():
    listing = ListingFactory(instant_book=True, max_guests=4)
    clients = [bearer_client(UserFactory()) for _ in range(30)]
    body = {
        "listing": listing.pk,
        "check_in": days(30).isoformat(),
        "check_out": days(33).isoformat(),
        "guests": 2,
        "payment_method": VISA,
    }

    def attempt(client: APIClient):
        return lambda: client.post("/api/v1/bookings/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))

    responses = run_concurrently([attempt(c) for c in clients])
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 29
    for r in responses:
        if r.status_code == 409:
            assert r.json()["error"]["code"] == "dates_unavailable"
    assert CalendarNight.objects.filter(listing=listing).count() == 3
    assert Booking.objects.filter(status="confirmed").count() == 1


def test_same_idempotency_key_from_ten_threads_makes_one_booking():
    listing = ListingFactory(instant_book=True)
    guest = UserFactory()
    clients = [bearer_client(guest) for _ in range(10)]
    key = str(uuid.uuid4())
    body = {
        "listing": listing.pk,
        "check_in": days(40).isoformat(),
        "check_out": days(42).isoformat(),
        "guests": 1,
        "payment_method": VISA,
    }
    responses = run_concurrently(
        [lambda c=c: c.post("/api/v1/bookings/", body, format="json", HTTP_IDEMPOTENCY_KEY=key) for c in clients]
    )
    assert Booking.objects.count() == 1
    booking_id = Booking.objects.get().pk
    for r in responses:
        assert r.status_code in (201, 409), r.content
        if r.status_code == 201:
            assert r.json()["id"] == booking_id
        else:
            assert r.json()["error"]["code"] == "idempotency_in_progress"
    assert sum(r.status_code == 201 for r in responses) >= 1
    # After the first finished, a retry replays the same booking.
    replay = clients[0].post("/api/v1/bookings/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert replay.status_code == 201 and replay.json()["id"] == booking_id
    assert replay["Idempotent-Replayed"] == "true"


def test_concurrent_host_block_and_guest_booking_never_both_win():
    for attempt_no in range(5):
        listing = ListingFactory(instant_book=True)
        guest = UserFactory()
        from availability.errors import NightsBooked
        from availability.services import calendar_block_range

        results = run_concurrently(
            [
                lambda listing=listing: calendar_block_range(listing=listing, start=days(10), end=days(12)),
                lambda listing=listing, guest=guest: svc.booking_create(
                    guest=guest,
                    listing_id=listing.pk,
                    check_in=days(11),
                    check_out=days(13),
                    guests=1,
                    payment_method=VISA,
                ),
            ]
        )
        block_won = results[0] == 2
        booking_won = isinstance(results[1], Booking)
        assert block_won != booking_won, (attempt_no, results)
        if block_won:
            assert isinstance(results[1], svc.DatesUnavailable)
        else:
            assert isinstance(results[0], NightsBooked)
        assert (
            CalendarNight.objects.filter(listing=listing).values("date").distinct().count()
            == CalendarNight.objects.filter(listing=listing).count()
        )


def test_disjoint_stays_all_succeed_concurrently_with_captured_payments():
    """Serialising on the listing lock must not produce false conflicts; money matches."""
    listing = ListingFactory(instant_book=True, base_price=Decimal("99"))
    guests = [UserFactory() for _ in range(20)]
    results = run_concurrently(
        [
            (
                lambda g=g, i=i: svc.booking_create(
                    guest=g,
                    listing_id=listing.pk,
                    check_in=days(2 * i + 1),
                    check_out=days(2 * i + 3),
                    guests=1,
                    payment_method=VISA,
                )
            )
            for i, g in enumerate(guests)
        ]
    )
    winners = [r for r in results if isinstance(r, Booking)]
    assert len(winners) == 20, [r for r in results if not isinstance(r, Booking)]
    for booking in Booking.objects.filter(status="confirmed").select_related("payment"):
        assert booking.payment.status == "captured"
        assert booking.payment.amount == booking.total
