"""Shared helpers for booking tests."""

import datetime as dt

from django.utils import timezone

from bookings.services.booking import booking_create

VISA = "pm_card_visa"
DECLINED = "pm_card_chargeDeclined"
NO_FUNDS = "pm_card_chargeDeclinedInsufficientFunds"
PROCESSING_ERROR = "pm_card_chargeDeclinedProcessingError"
TIMEOUT = "pm_card_timeout"


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def book(*, guest, listing, start: int, nights: int, guests: int = 2, card: str = VISA):
    return booking_create(
        guest=guest,
        listing_id=listing.pk,
        check_in=days(start),
        check_out=days(start + nights),
        guests=guests,
        payment_method=card,
    )
