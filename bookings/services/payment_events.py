"""What bookings tells payments at start-up, and what it does when payments reports an event.

payments sits below bookings and cannot import it (``payments.hooks``); bookings
registers, in ``BookingsConfig.ready``:

* ``BOOKING_STATES``: which booking statuses call for which payment step
  (capture, release, settle) and whose host is paid;
* ``payment_event_handle`` with its lock ``payment_event_lock``: a webhook that
  reports a cancelled authorisation expires a booking still waiting for payment
  or for its host.
"""

from __future__ import annotations

import logging

from listings.locks import listing_lock
from payments.hooks import BookingStates, PaymentEvent, PaymentEventKind
from payments.models import PaymentStatus

from ..models import Booking, BookingStatus
from .booking import booking_expire

logger = logging.getLogger(__name__)
S = BookingStatus

BOOKING_STATES = BookingStates(
    capture=(S.CONFIRMED, S.COMPLETED),
    release=(S.PAYMENT_FAILED, S.DECLINED, S.EXPIRED),
    cancelled=(S.CANCELLED_BY_GUEST, S.CANCELLED_BY_HOST),
    # A guest cancellation keeps the booking's payout (reduced to the host's share by the policy,
    # or cancelled when nothing is left): the host is paid that share at the usual time.
    payable=(S.CONFIRMED, S.COMPLETED, S.CANCELLED_BY_GUEST),
)


def payment_event_lock(booking_id: int) -> None:
    """The listing row first, as every writer of a booking takes it (before payments locks payment and booking)."""
    listing_id = Booking.objects.filter(pk=booking_id).values_list("listing_id", flat=True).first()
    if listing_id is not None:
        listing_lock(listing_id=listing_id, fields=("id",))


def payment_event_handle(event: PaymentEvent) -> None:
    """Bring the booking in line with its payment (inside the webhook's transaction; the booking row is locked).

    A cancelled authorisation expires a booking still ``pending_payment`` or
    ``awaiting_host``; its payment is already ``released``, so the expiry's release
    step calls nobody.
    """
    if event.kind != PaymentEventKind.AUTHORIZATION_CANCELLED:
        return
    status = Booking.objects.filter(pk=event.booking_id).values_list("status", flat=True).get()
    if status in (S.CONFIRMED, S.COMPLETED) and event.previous_status in (
        PaymentStatus.AUTHORIZED,
        PaymentStatus.CREATED,
    ):
        # Capture never succeeded before the hold lapsed: nobody paid for this stay.
        logger.error("booking %s is confirmed but its card authorisation was cancelled", event.booking_id)
    if status in (S.PENDING_PAYMENT, S.AWAITING_HOST):
        booking_expire(booking_id=event.booking_id, reason="card authorisation was cancelled")
