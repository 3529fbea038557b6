"""A booking's state changes, written into the conversation of its guest and listing.

Called by the bookings outbox consumer once per ``BookingEvent``, inside its
transaction (so each event is written once). Also keeps the host's reply
windows: a booking request opens one; the host accepting or declining answers it.
"""

from __future__ import annotations

from django.db.models import F, Value
from django.db.models.functions import Greatest

from bookings.models import BookingEvent, BookingStatus

from ..models import Message, ReplyWindow
from .threads import message_system_post, thread_for_booking

S = BookingStatus


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def booking_event_text(event: BookingEvent) -> str | None:
    """The system line for an event, or None for events the conversation doesn't show."""
    booking = event.booking
    guest, host = booking.guest.display_name, booking.listing.host.display_name
    dates = f"{booking.check_in:%a %d %b} – {booking.check_out:%a %d %b %Y}"
    to, came_from = event.to_status, event.from_status
    if to == S.AWAITING_HOST:
        return (
            f"{guest} requested to book {dates} for {_plural(booking.guests, 'guest')}. "
            f"{host} has 24 hours to accept or decline."
        )
    if to == S.CONFIRMED:
        return f"Reservation confirmed: {dates}, {_plural(booking.guests, 'guest')}. Reference {booking.reference}."
    if to == S.DECLINED:
        return f"{host} declined the request for {dates}."
    if to == S.EXPIRED and came_from == S.AWAITING_HOST:
        return f"The request for {dates} expired: {host} didn't answer in time."
    if to == S.CANCELLED_BY_GUEST:
        return f"{guest} cancelled the reservation for {dates}."
    if to == S.CANCELLED_BY_HOST:
        return f"{host} cancelled the reservation for {dates}."
    if to == S.COMPLETED:
        return "The stay is over. You both have 14 days to review each other."
    return None


def booking_event_to_thread(*, event: BookingEvent) -> Message | None:
    """Post the event's system line in the booking's thread (created if missing).

    When the booking is made (the first event after payment), the guest's
    message to the host is relayed into the thread first. Returns the system
    message, or None when the event isn't shown (payment failures, lapsed holds).
    """
    text = booking_event_text(event)
    if text is None:
        return None
    booking = event.booking
    thread = thread_for_booking(booking=booking)
    made = event.from_status == S.PENDING_PAYMENT and event.to_status in (S.AWAITING_HOST, S.CONFIRMED)
    if made and booking.message_to_host.strip():
        message_system_post(thread=thread, body=booking.message_to_host.strip(), sender_id=booking.guest_id)
    message = message_system_post(thread=thread, body=text, actor_id=event.actor_id)
    if event.to_status == S.AWAITING_HOST:
        ReplyWindow.objects.bulk_create(
            [
                ReplyWindow(
                    thread=thread,
                    host_id=booking.listing.host_id,
                    kind=ReplyWindow.Kind.REQUEST,
                    booking=booking,
                    opened_at=event.created_at,
                )
            ],
            ignore_conflicts=True,
        )
    elif event.actor_id is not None and event.actor_id == booking.listing.host_id:
        # Accepting or declining a request answers it, like a message would.
        ReplyWindow.objects.filter(thread=thread, replied_at__isnull=True).update(
            replied_at=Greatest(F("opened_at"), Value(event.created_at))
        )
    return message
