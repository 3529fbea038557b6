"""Consuming the booking outbox: notifications to guest and host, and the conversation's system line.

Events are written in the same transaction as the state change, so a rolled-back
change never notifies anyone, and a crash after commit only delays the
notifications (``outbox_dispatch`` runs on beat). Rows are claimed with
``FOR UPDATE SKIP LOCKED`` so several workers never process an event twice.
For a claimed batch, ``messaging`` writes the in-app notifications, queues the
emails (sent after commit by its Celery tasks, honouring each user's opt-outs)
and posts the system lines in the bookings' threads, each kind of row in one
statement for the whole batch (``docs/benchmarks.md``, "Outbox": 0.6 ms and 0.06
statements per event, where one event at a time cost 5.6 ms and 14).
If the batch fails, its events are published one by one so that an event that
fails is logged and left for the next run without holding back the others.
"""

from __future__ import annotations

import logging
import time

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from messaging.masking import contact_details_mask
from messaging.models import NotificationCategory
from messaging.services.booking_events import booking_events_to_threads
from messaging.services.notifications import NotificationDraft, notify_many

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
    message = booking.message_to_host.strip()
    if for_host and message and event.from_status == S.PENDING_PAYMENT:
        # Contact details stay masked until the booking is confirmed, as in the conversation.
        shown = message if event.to_status == S.CONFIRMED else contact_details_mask(message)
        lines.append(f"Message from {who}: {shown}")
    return "\n".join(lines)


def _urls(event: BookingEvent) -> tuple[str, str]:
    """Where the guest's and the host's notifications lead."""
    booking = event.booking
    if event.to_status == S.COMPLETED:
        review = reverse("reviews:write", kwargs={"booking_id": booking.pk})
        return review, review
    return (
        reverse("bookings:trip_detail", kwargs={"pk": booking.pk}),
        reverse("bookings:host_reservation_detail", kwargs={"pk": booking.pk}),
    )


def _drafts(event: BookingEvent) -> list[NotificationDraft]:
    """The guest's and the host's notifications of one event (none for some events)."""
    subjects = SUBJECTS.get(event.to_status)
    if not subjects:
        return []
    booking = event.booking
    guest_subject, host_subject = subjects
    guest_url, host_url = _urls(event)
    title = booking.listing.title
    drafts = []
    if guest_subject:
        drafts.append(
            NotificationDraft(
                user=booking.guest,
                category=NotificationCategory.BOOKING,
                title=guest_subject.format(listing=title),
                body=_body(event, False),
                url=guest_url,
            )
        )
    if host_subject:
        drafts.append(
            NotificationDraft(
                user=booking.listing.host,
                category=NotificationCategory.BOOKING,
                title=host_subject.format(listing=title),
                body=_body(event, True),
                url=host_url,
            )
        )
    return drafts


def booking_events_publish(events: list[BookingEvent]) -> None:
    """Notify the guests and hosts of these events and post them in their conversations, in order."""
    notify_many(drafts=[draft for event in events for draft in _drafts(event)])
    booking_events_to_threads(events=events)


def _publish(events: list[BookingEvent]) -> list[int]:
    """Publish a claimed batch; returns the ids published. One bad event costs only itself."""
    try:
        with transaction.atomic():
            booking_events_publish(events)
        return [event.pk for event in events]
    except Exception:
        if len(events) == 1:
            # Logged with its traceback and retried next run.
            logger.exception("Publishing booking event %s failed", events[0].pk)
            return []
        logger.warning("Publishing a batch of %d booking events failed; publishing them one by one", len(events))
    return [pk for event in events for pk in _publish([event])]


def outbox_dispatch(*, batch: int = 200) -> int:
    """Publish unprocessed events (notifications, emails, thread lines); returns how many were processed."""
    with transaction.atomic():
        events = list(
            BookingEvent.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(processed_at__isnull=True)
            .select_related("booking", "booking__guest", "booking__listing", "booking__listing__host")
            .order_by("id")[:batch]
        )
        if not events:
            return 0
        done = _publish(events)
        BookingEvent.objects.filter(pk__in=done).update(processed_at=timezone.now())
    return len(done)


def outbox_drain(*, batch: int = 200, seconds: float = 8.0) -> int:
    """Publish batches until the outbox is empty or ``seconds`` have passed; returns how many.

    One batch per beat tick would cap the outbox at ``batch`` events per tick,
    far below what bookings produce at peak (two events each). Runs that overlap
    (a long drain and the next tick) take different rows (``SKIP LOCKED``), so
    several worker processes drain a backlog together.
    """
    deadline = time.monotonic() + seconds
    total = 0
    while True:
        done = outbox_dispatch(batch=batch)
        total += done
        if done < batch or time.monotonic() >= deadline:
            return total
