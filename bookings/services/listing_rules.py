"""The listing rules that depend on bookings, registered with ``listings.hooks``.

Capacity cannot drop below an upcoming party; a listing with upcoming confirmed
stays (or a payment in progress) cannot be deleted, nor unlisted with its future
cancelled; withdrawing a listing declines its open requests. The listing services
ask these under the listing row lock (``listings.services.listing``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext, ngettext

from airbnb.errors import ApplicationError
from listings.errors import ListingErrorCode, ListingHasBookings
from listings.hooks import BookingRules
from listings.models import Listing
from listings.services.listing import stay_dates_label

from ..models import ACTIVE_STATUSES, Booking, BookingStatus
from ..selectors import listing_upcoming_bookings
from .booking import booking_decline

logger = logging.getLogger(__name__)


def upcoming_party_above(*, listing_id: int, above: int) -> Booking | None:
    """The upcoming active booking with the largest party above ``above`` guests, or None."""
    upcoming = listing_upcoming_bookings(listing_id=listing_id, statuses=ACTIVE_STATUSES)
    larger = [booking for booking in upcoming if booking.guests > above]
    return max(larger, key=lambda booking: booking.guests) if larger else None


def withdrawal_check(*, listing: Listing, action: str) -> list[int]:
    """Raise ``ListingHasBookings`` if confirmed stays or payments in progress are upcoming.

    Returns the ids of open requests (awaiting the host), which the caller
    declines after its transaction. Runs under the listing lock, so no new
    booking can start meanwhile.
    """
    upcoming = listing_upcoming_bookings(
        listing_id=listing.pk,
        statuses=(BookingStatus.CONFIRMED, BookingStatus.PENDING_PAYMENT, BookingStatus.AWAITING_HOST),
    )
    confirmed = [b for b in upcoming if b.status == BookingStatus.CONFIRMED]
    paying = [b for b in upcoming if b.status == BookingStatus.PENDING_PAYMENT]
    if confirmed:
        stays = "; ".join(stay_dates_label(b) for b in confirmed[:3]) + ("; ..." if len(confirmed) > 3 else "")
        count = len(confirmed)
        raise ListingHasBookings(
            message=_confirmed_stays_message(action, count, stays),
            bookings=[_booking_dict(b) for b in confirmed],
        )
    if paying:
        raise ListingHasBookings(
            message=_paying_message(action),
            code=ListingErrorCode.BOOKING_IN_PROGRESS,
            bookings=[_booking_dict(b) for b in paying],
        )
    return [b.pk for b in upcoming if b.status == BookingStatus.AWAITING_HOST]


def _confirmed_stays_message(action: str, count: int, stays: str) -> str:
    """Why the listing can't be withdrawn yet, as one sentence per action (``listings.services.listing``'s)."""
    if action == "delete it":
        text = ngettext(
            "You can't delete it while %(count)s confirmed stay is coming up (%(stays)s). "
            "Cancel those reservations first from your reservations page, so the guests are refunded and told.",
            "You can't delete it while %(count)s confirmed stays are coming up (%(stays)s). "
            "Cancel those reservations first from your reservations page, so the guests are refunded and told.",
            count,
        )
    else:  # "unlist it and cancel its upcoming stays"
        text = ngettext(
            "You can't unlist it and cancel its upcoming stays while %(count)s confirmed stay is coming up "
            "(%(stays)s). Cancel those reservations first from your reservations page, so the guests are "
            "refunded and told.",
            "You can't unlist it and cancel its upcoming stays while %(count)s confirmed stays are coming up "
            "(%(stays)s). Cancel those reservations first from your reservations page, so the guests are "
            "refunded and told.",
            count,
        )
    return text % {"count": count, "stays": stays}


def _paying_message(action: str) -> str:
    if action == "delete it":
        return gettext(
            "A guest is paying for a stay right now, so you can't delete it yet. Try again in a few minutes."
        )
    return gettext(
        "A guest is paying for a stay right now, so you can't unlist it and cancel its upcoming stays yet. "
        "Try again in a few minutes."
    )


def _booking_dict(booking: Booking) -> dict[str, Any]:
    return {
        "id": booking.pk,
        "reference": booking.reference,
        "status": booking.status,
        "check_in": booking.check_in.isoformat(),
        "check_out": booking.check_out.isoformat(),
        "guests": booking.guests,
    }


def requests_decline(*, booking_ids: Iterable[int], actor, reason: str) -> None:
    """Decline open requests through the booking service (each its own transaction, after the listing's)."""
    for booking_id in booking_ids:
        try:
            booking_decline(booking_id=booking_id, host=actor, reason=reason)
        except ApplicationError as exc:
            # Answered, expired or cancelled meanwhile: nothing left to decline.
            logger.info("request %s not declined: %s", booking_id, exc.message)


RULES = BookingRules(
    upcoming_party_above=upcoming_party_above, withdrawal_check=withdrawal_check, requests_decline=requests_decline
)
