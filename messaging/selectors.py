"""Reads of conversations and notifications: only ever the user's own (staff may read threads)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce

from bookings.models import Booking, BookingStatus

from .masking import contact_details_mask
from .models import Message, Notification, NotificationCategory, NotificationPreference, Thread
from .system_lines import message_text

# Contact details are shown once a booking between the two is confirmed (and stay shown after the stay).
REVEALING_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.COMPLETED)
THREAD_MESSAGES_PAGE = 50


def thread_group_key(thread: Thread) -> str:
    """The notification group of a thread (one unread notification and one throttled email)."""
    return f"thread:{thread.pk}"


def _revealing_booking(guest_ref, host_ref) -> Exists:
    return Exists(Booking.objects.filter(guest_id=guest_ref, listing__host_id=host_ref, status__in=REVEALING_STATUSES))


def thread_contact_details_revealed(thread: Thread) -> bool:
    """Whether a booking between the thread's guest and host is confirmed (or completed)."""
    revealed = getattr(thread, "revealed", None)
    if revealed is None:
        revealed = Booking.objects.filter(
            guest_id=thread.guest_id, listing__host_id=thread.host_id, status__in=REVEALING_STATUSES
        ).exists()
    return revealed


def thread_list_for(*, user) -> QuerySet[Thread]:
    """The user's conversations (as guest or host), latest activity first, ready for the inbox.

    Each thread carries ``my_unread`` and ``revealed`` and has its listing, both
    people and the last message (with its sender) joined: no query per row.
    """
    return (
        Thread.objects.filter(Q(guest=user) | Q(host=user))
        .select_related("listing", "guest", "host", "last_message", "last_message__sender")
        .annotate(
            my_unread=Case(When(guest=user, then=F("guest_unread")), default=F("host_unread")),
            revealed=_revealing_booking(OuterRef("guest_id"), OuterRef("host_id")),
        )
        .order_by(F("last_message_at").desc(nulls_last=True), "-id")
    )


def thread_get_for(*, user, pk: int) -> Thread:
    """One thread for a participant, or for staff; raises ``Thread.DoesNotExist`` for anyone else."""
    threads = Thread.objects.select_related("listing", "guest", "host", "booking").annotate(
        revealed=_revealing_booking(OuterRef("guest_id"), OuterRef("host_id"))
    )
    if not user.is_staff:
        threads = threads.filter(Q(guest=user) | Q(host=user))
    return threads.get(pk=pk)


@dataclass(frozen=True)
class MessageView:
    """A message as one viewer sees it (contact details masked when they must be)."""

    id: int
    body: str
    created_at: object
    sender_name: str
    mine: bool
    is_system: bool
    masked: bool


def message_body_for(*, message: Message, viewer, revealed: bool) -> tuple[str, bool]:
    """The body ``viewer`` may read and whether it was masked.

    System lines in the active language (the reader's); raw for its sender, once a booking is confirmed, and for
    staff (moderation); masked for the other participant before that.
    """
    if message.sender_id is None:
        return message_text(message), False
    if revealed or message.sender_id == viewer.pk or viewer.is_staff:
        return message.body, False
    masked = contact_details_mask(message.body)
    return masked, masked != message.body


def thread_messages_for(
    *, thread: Thread, viewer, after: int | None = None, before: int | None = None, limit: int = THREAD_MESSAGES_PAGE
) -> list[MessageView]:
    """Messages of a thread in order, as ``viewer`` sees them.

    ``after``: the messages after that id (polling, oldest first); ``before``: the
    ``limit`` messages before that id; neither: the latest ``limit``.
    """
    messages = Message.objects.filter(thread=thread).select_related("sender")
    if after is not None:
        rows = list(messages.filter(pk__gt=after).order_by("pk")[:limit])
    else:
        if before is not None:
            messages = messages.filter(pk__lt=before)
        rows = list(messages.order_by("-pk")[:limit])[::-1]
    revealed = thread_contact_details_revealed(thread)
    views = []
    for message in rows:
        body, masked = message_body_for(message=message, viewer=viewer, revealed=revealed)
        views.append(
            MessageView(
                id=message.pk,
                body=body,
                created_at=message.created_at,
                sender_name=message.sender.display_name if message.sender_id else "",
                mine=message.sender_id == viewer.pk,
                is_system=message.sender_id is None,
                masked=masked,
            )
        )
    return views


def inbox_unread_count(*, user) -> int:
    """Unread messages over all the user's conversations (the header badge): two indexed sums."""
    as_guest = Thread.objects.filter(guest=user).aggregate(n=Coalesce(Sum("guest_unread"), 0))["n"]
    as_host = Thread.objects.filter(host=user).aggregate(n=Coalesce(Sum("host_unread"), 0))["n"]
    return int(as_guest) + int(as_host)


def host_inbox_unread_count(*, user) -> int:
    """Unread messages in the conversations where ``user`` is the host (hosting mode's Inbox badge)."""
    return int(Thread.objects.filter(host=user).aggregate(n=Coalesce(Sum("host_unread"), 0))["n"])


def unread_badge_counts(*, user) -> tuple[int, int]:
    """(unread messages, unread notifications) for the header, in one query over indexed rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT (SELECT COALESCE(SUM(guest_unread), 0) FROM messaging_thread WHERE guest_id = %(user)s)
                 + (SELECT COALESCE(SUM(host_unread), 0) FROM messaging_thread WHERE host_id = %(user)s),
                   (SELECT count(*) FROM messaging_notification WHERE user_id = %(user)s AND read_at IS NULL)
            """,
            {"user": user.pk},
        )
        messages, notifications = cursor.fetchone()
    return int(messages), int(notifications)


def notifications_for(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-updated_at", "-id")


def notifications_unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_preferences_for(*, user) -> dict[str, bool]:
    """Email on/off per category (on unless the user turned it off)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("category", "email"))
    return {category: chosen.get(category, True) for category in NotificationCategory.values}


def booking_of_participant(*, user, booking_id: int) -> Booking | None:
    """The booking ``booking_id`` if ``user`` is its guest or its listing's host, else None."""
    return (
        Booking.objects.filter(pk=booking_id)
        .filter(Q(guest=user) | Q(listing__host=user))
        .select_related("guest", "listing")
        .first()
    )
