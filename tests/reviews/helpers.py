"""Completed stays made through the real booking service, then moved into the past."""

from __future__ import annotations

import itertools

from django.db import transaction

from bookings.models import Booking, BookingStatus
from bookings.state import booking_transition
from tests.bookings.helpers import book, days

_starts = itertools.count(5, 4)


def stay(*, guest, listing, nights: int = 2, checked_out_days_ago: int = 1, complete: bool = True) -> Booking:
    """A confirmed booking whose stay ended ``checked_out_days_ago`` days ago, completed unless told not to."""
    booking = book(guest=guest, listing=listing, start=next(_starts), nights=nights)
    Booking.objects.filter(pk=booking.pk).update(
        check_in=days(-checked_out_days_ago - nights), check_out=days(-checked_out_days_ago)
    )
    if complete:
        with transaction.atomic():
            locked = Booking.objects.select_for_update().get(pk=booking.pk)
            booking_transition(locked, BookingStatus.COMPLETED, reason="check-out passed")
    booking.refresh_from_db()
    return booking


GUEST_CATEGORIES_5 = {"cleanliness": 5, "communication": 5, "house_rules": 5}


def stay_categories(**overrides) -> dict:
    ratings = {"cleanliness": 5, "accuracy": 5, "check_in": 5, "communication": 5, "location": 5, "value": 5}
    ratings.update(overrides)
    return ratings
