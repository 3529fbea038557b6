"""Consuming the booking outbox: one email to the guest and one to the host per event.

Events are written in the same transaction as the state change, so a rolled-back
change never notifies anyone, and a crash after commit only delays the email
(``outbox_dispatch`` runs on commit and on beat). Rows are claimed with
``FOR UPDATE SKIP LOCKED`` so several workers never send the same email twice.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from ..models import BookingEvent, BookingStatus

logger = logging.getLogger(__name__)
S = BookingStatus

SUBJECTS = {
    S.PENDING_PAYMENT: None,  # no email while the card is being authorised
    S.PAYMENT_FAILED: ("Your booking did not go through", None),
    S.AWAITING_HOST: ("Request sent: {listing}", "New booking request: {listing}"),
    S.CONFIRMED: ("Booking confirmed: {listing}", "New reservation: {listing}"),
    S.DECLINED: ("Your request was declined: {listing}", None),
    S.EXPIRED: ("Your request expired: {listing}", "A booking request expired: {listing}"),
    S.CANCELLED_BY_GUEST: ("You cancelled your booking: {listing}", "A guest cancelled: {listing}"),
    S.CANCELLED_BY_HOST: ("Your host cancelled: {listing}", "You cancelled a reservation: {listing}"),
    S.COMPLETED: ("How was your stay at {listing}?", "Your guest checked out: {listing}"),
}


def _body(event: BookingEvent, for_host: bool) -> str:
    booking = event.booking
    who = booking.guest.display_name if for_host else booking.listing.host.display_name
    lines = [
        f"Booking {booking.reference} at {booking.listing.title}",
        f"{booking.check_in:%a %d %b %Y} to {booking.check_out:%a %d %b %Y}, {booking.guests} guest(s)",
        f"Status: {S(event.to_status).label}",
        f"Total: {booking.total} {booking.currency}",
    ]
    if booking.refund_amount is not None and event.to_status in (S.CANCELLED_BY_GUEST, S.CANCELLED_BY_HOST):
        lines.append(f"Refund: {booking.refund_amount} {booking.currency}")
    if event.reason:
        lines.append(f"Note: {event.reason}")
    lines.append(f"{'Guest' if for_host else 'Host'}: {who}")
    return "\n".join(lines)


def outbox_dispatch(*, batch: int = 200) -> int:
    """Send the emails of unprocessed events; returns how many events were handled."""
    handled = 0
    with transaction.atomic():
        events = list(
            BookingEvent.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(processed_at__isnull=True)
            .select_related("booking", "booking__guest", "booking__listing", "booking__listing__host")
            .order_by("id")[:batch]
        )
        messages = []
        for event in events:
            subjects = SUBJECTS.get(event.to_status)
            if subjects:
                guest_subject, host_subject = subjects
                booking = event.booking
                title = booking.listing.title
                if guest_subject:
                    messages.append(
                        (
                            guest_subject.format(listing=title),
                            _body(event, False),
                            settings.DEFAULT_FROM_EMAIL,
                            [booking.guest.email],
                        )
                    )
                if host_subject:
                    messages.append(
                        (
                            host_subject.format(listing=title),
                            _body(event, True),
                            settings.DEFAULT_FROM_EMAIL,
                            [booking.listing.host.email],
                        )
                    )
            handled += 1
        if messages:
            send_mass_mail(messages, fail_silently=False)
        BookingEvent.objects.filter(pk__in=[e.pk for e in events]).update(processed_at=timezone.now())
    return handled
