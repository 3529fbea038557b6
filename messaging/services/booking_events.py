"""A booking's state changes, written into the conversation of its guest and listing.

Called by the bookings outbox consumer with a claimed batch of ``BookingEvent``
rows, inside its transaction (so each event is written once). Also keeps the
host's reply windows: a booking request opens one; the host accepting or
declining answers it.

A batch costs a handful of statements whatever its size (find or create the
threads and lock them, insert the lines, move each thread's pointers and unread
counts, open and answer reply windows); the result is the same as posting each
event's lines one by one in order.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Sequence

from django.db import connection
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest

from bookings.models import BookingEvent, BookingStatus

from .. import system_lines
from ..models import MESSAGE_MAX_LENGTH, Message, ReplyWindow, Thread

S = BookingStatus


def booking_event_line(event: BookingEvent) -> tuple[str, dict] | None:
    """What the conversation says about an event (a ``system_lines`` kind and its parameters), or None."""
    booking = event.booking
    to, came_from = event.to_status, event.from_status
    kind = {
        S.AWAITING_HOST: system_lines.AWAITING_HOST,
        S.CONFIRMED: system_lines.CONFIRMED,
        S.DECLINED: system_lines.DECLINED,
        S.CANCELLED_BY_GUEST: system_lines.CANCELLED_BY_GUEST,
        S.CANCELLED_BY_HOST: system_lines.CANCELLED_BY_HOST,
        S.COMPLETED: system_lines.COMPLETED,
    }.get(to)
    if to == S.EXPIRED and came_from == S.AWAITING_HOST:
        kind = system_lines.EXPIRED
    if kind is None:
        return None
    params = {
        "guest": booking.guest.display_name,
        "host": booking.listing.host.display_name,
        "check_in": booking.check_in.isoformat(),
        "check_out": booking.check_out.isoformat(),
        "guests": booking.guests,
        "reference": booking.reference,
    }
    return kind, params


def booking_event_text(event: BookingEvent) -> str | None:
    """The system line for an event in English (as stored in ``Message.body``), or None if not shown."""
    line = booking_event_line(event)
    return system_lines.system_line_english(*line) if line else None


def _threads_locked(pairs: set[tuple[int, int, int]]) -> dict[tuple[int, int], Thread]:
    """The threads of these (guest, listing, host) pairs, created where missing, rows locked in id order."""

    def locked(keys) -> list[Thread]:
        match = functools.reduce(operator.or_, (Q(guest_id=guest, listing_id=listing) for guest, listing in keys))
        return list(
            Thread.objects.select_for_update()
            .filter(match)
            .only("id", "guest_id", "host_id", "listing_id", "booking_id")
            .order_by("id")
        )

    threads = {(t.guest_id, t.listing_id): t for t in locked({(g, li) for g, li, _ in pairs})}
    missing = [(g, li, h) for g, li, h in pairs if (g, li) not in threads]
    if missing:
        # ignore_conflicts: a guest's inquiry may create the same thread at this moment; it is read back below.
        Thread.objects.bulk_create(
            [Thread(guest_id=g, listing_id=li, host_id=h) for g, li, h in missing], ignore_conflicts=True
        )
        threads.update({(t.guest_id, t.listing_id): t for t in locked({(g, li) for g, li, _ in missing})})
    return threads


def _reply_windows(ops: list[tuple[str, Thread, BookingEvent]]) -> None:
    """Open and answer reply windows in event order, batching the operations that commute."""
    opens: dict[int, ReplyWindow] = {}
    answers: dict[int, object] = {}

    def flush_opens():
        ReplyWindow.objects.bulk_create(list(opens.values()), ignore_conflicts=True)
        opens.clear()

    def flush_answers():
        for thread_id, at in answers.items():
            ReplyWindow.objects.filter(thread_id=thread_id, replied_at__isnull=True).update(
                replied_at=Greatest(F("opened_at"), Value(at))
            )
        answers.clear()

    for kind, thread, event in ops:
        if kind == "open":
            if thread.pk in answers:
                flush_answers()
            # A second request while one waits joins it (one open window per thread), as the insert would.
            opens.setdefault(
                thread.pk,
                ReplyWindow(
                    thread_id=thread.pk,
                    host_id=thread.host_id,
                    kind=ReplyWindow.Kind.REQUEST,
                    booking_id=event.booking_id,
                    opened_at=event.created_at,
                ),
            )
        else:
            if thread.pk in opens:
                flush_opens()
            answers.setdefault(thread.pk, event.created_at)
    if opens:
        flush_opens()
    if answers:
        flush_answers()


def booking_events_to_threads(*, events: Sequence[BookingEvent]) -> list[Message]:
    """Post each event's system line in its booking's thread (created if missing); returns the lines posted.

    When a booking is made (the first event after payment), the guest's message
    to the host is relayed into the thread first. Lines are unread for both
    participants except the one who did what the line says (and the sender of a
    relayed message). Events the conversation doesn't show (payment failures,
    lapsed holds) post nothing. ``events`` need ``booking``, its ``guest`` and
    ``listing`` loaded.
    """
    shown = [(event, line) for event in events if (line := booking_event_line(event)) is not None]
    if not shown:
        return []
    threads = _threads_locked({(e.booking.guest_id, e.booking.listing_id, e.booking.listing.host_id) for e, _ in shown})
    lines: list[tuple[Thread, Message, set]] = []
    windows: list[tuple[str, Thread, BookingEvent]] = []
    for event, (kind, params) in shown:
        booking = event.booking
        text = system_lines.system_line_english(kind, params)
        thread = threads[(booking.guest_id, booking.listing_id)]
        thread.booking_id = booking.pk
        relayed = booking.message_to_host.strip()
        made = event.from_status == S.PENDING_PAYMENT and event.to_status in (S.AWAITING_HOST, S.CONFIRMED)
        if made and relayed:
            lines.append(
                (
                    thread,
                    Message(thread_id=thread.pk, sender_id=booking.guest_id, body=relayed[:MESSAGE_MAX_LENGTH]),
                    {booking.guest_id},
                )
            )
        lines.append(
            (
                thread,
                Message(
                    thread_id=thread.pk,
                    sender_id=None,
                    body=text[:MESSAGE_MAX_LENGTH],
                    system_kind=kind,
                    system_params=params,
                ),
                {event.actor_id},
            )
        )
        if event.to_status == S.AWAITING_HOST:
            windows.append(("open", thread, event))
        elif event.actor_id is not None and event.actor_id == booking.listing.host_id:
            # Accepting or declining a request answers it, like a message would.
            windows.append(("answer", thread, event))
    messages = Message.objects.bulk_create([message for _, message, _ in lines])

    moved: dict[int, list] = {}  # thread id -> [last message id, its time, guest unread +, host unread +, booking id]
    for (thread, _, excluded), message in zip(lines, messages, strict=True):
        row = moved.setdefault(thread.pk, [0, None, 0, 0, thread.booking_id])
        row[0], row[1] = message.pk, message.created_at
        row[2] += thread.guest_id not in excluded
        row[3] += thread.host_id not in excluded
    with connection.cursor() as cursor:
        values = ", ".join(["(%s, %s, %s::timestamptz, %s, %s, %s)"] * len(moved))
        cursor.execute(
            f"""
            UPDATE {Thread._meta.db_table} AS t
               SET last_message_id = v.last_id, last_message_at = v.at,
                   guest_unread = t.guest_unread + v.guest_new, host_unread = t.host_unread + v.host_new,
                   booking_id = v.booking_id
              FROM (VALUES {values}) AS v (id, last_id, at, guest_new, host_new, booking_id)
             WHERE t.id = v.id
            """,
            [item for thread_id, row in moved.items() for item in (thread_id, *row)],
        )
    if windows:
        _reply_windows(windows)
    return [message for _, message, _ in lines if message.sender_id is None]
