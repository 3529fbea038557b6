"""The booking state machine: allowed transitions in one table, every transition recorded."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext

from .errors import IllegalTransition
from .models import Booking, BookingEvent, BookingStatus

S = BookingStatus

TRANSITIONS: dict[str, set[str]] = {
    S.PENDING_PAYMENT: {S.PAYMENT_FAILED, S.AWAITING_HOST, S.CONFIRMED, S.EXPIRED},
    S.AWAITING_HOST: {S.CONFIRMED, S.DECLINED, S.EXPIRED, S.CANCELLED_BY_GUEST},
    S.CONFIRMED: {S.CANCELLED_BY_GUEST, S.CANCELLED_BY_HOST, S.COMPLETED},
    S.PAYMENT_FAILED: set(),
    S.DECLINED: set(),
    S.EXPIRED: set(),
    S.CANCELLED_BY_GUEST: set(),
    S.CANCELLED_BY_HOST: set(),
    S.COMPLETED: set(),
}


def booking_transition(booking: Booking, to: str, *, actor=None, reason: str = "") -> BookingEvent:
    """Move ``booking`` to ``to`` and write the event row (the outbox).

    Must run inside the caller's transaction with the booking row locked.
    Raises ``IllegalTransition`` (HTTP 409) for a transition the table forbids.
    """
    current = booking.status
    if to not in TRANSITIONS[current]:
        raise IllegalTransition(
            message=gettext("A booking that is %(current)s cannot become %(wanted)s.")
            % {"current": str(S(current).label).lower(), "wanted": str(S(to).label).lower()},
        )
    booking.status = to
    now = timezone.now()
    fields = ["status", "updated_at"]
    if to == S.CONFIRMED:
        booking.confirmed_at = now
        fields.append("confirmed_at")
    if to in (S.CANCELLED_BY_GUEST, S.CANCELLED_BY_HOST):
        booking.cancelled_at = now
        fields.append("cancelled_at")
    booking.save(update_fields=fields)
    return BookingEvent.objects.create(booking=booking, from_status=current, to_status=to, actor=actor, reason=reason)
