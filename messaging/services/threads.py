"""Conversations: starting an inquiry, sending messages, system lines, read state.

Every write to a thread locks its row first, so the unread counters and the
last-message pointer stay exact under concurrent sends. Sending is rate-limited
per user in the database (a per-user advisory lock makes the count exact).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from listings.models import Listing
from listings.selectors import listing_get_public

from ..errors import InquiryInvalid, ListingNotFound, MessageNotAllowed, RateLimited, ThreadNotFound
from ..masking import contact_details_mask
from ..models import MESSAGE_MAX_LENGTH, Message, NotificationCategory, ReplyWindow, Thread
from ..selectors import thread_contact_details_revealed, thread_group_key
from .notifications import notifications_mark_read, notify

# High half of the advisory lock key taken per sender ("MSGS"); the low half is the user id.
SEND_LOCK_NAMESPACE = 0x4D534753


def _limits() -> tuple[int, int]:
    return (
        int(getattr(settings, "MESSAGING_RATE_PER_MINUTE", 10)),
        int(getattr(settings, "MESSAGING_RATE_PER_HOUR", 100)),
    )


def message_validate_body(body) -> str:
    """The body to store: stripped, non-empty, at most 2000 characters; else ``ValidationError``."""
    text = (body or "").strip() if isinstance(body, str) else ""
    if not text:
        raise ValidationError({"body": [gettext("Write a message before sending.")]})
    if len(text) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {
                "body": [
                    gettext("Messages can be at most %(limit_value)d characters (this one has %(show_value)d).")
                    % {"limit_value": MESSAGE_MAX_LENGTH, "show_value": len(text)}
                ]
            }
        )
    return text


def _rate_limit(*, sender, now: dt.datetime) -> None:
    per_minute, per_hour = _limits()
    with connection.cursor() as cursor:
        # Serialises one user's sends, so two parallel requests can't both slip under the limit.
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEND_LOCK_NAMESPACE << 32 | (sender.pk & 0xFFFFFFFF)])
    recent = Message.objects.filter(sender=sender, created_at__gt=now - dt.timedelta(hours=1)).aggregate(
        minute=Count("id", filter=Q(created_at__gt=now - dt.timedelta(minutes=1))), hour=Count("id")
    )
    if recent["minute"] >= per_minute:
        raise RateLimited(retry_after=60)
    if recent["hour"] >= per_hour:
        raise RateLimited(
            message=gettext("You've sent a lot of messages in the last hour. Try again later."), retry_after=3600
        )


def _thread_locked(thread_id: int, *, related: bool = True) -> Thread | None:
    """The thread, its row locked; with ``related`` also its listing, guest and host (for notifying them)."""
    threads = Thread.objects.select_for_update(of=("self",)).filter(pk=thread_id)
    if related:
        threads = threads.select_related("listing", "guest", "host")
    return threads.first()


def _append(*, thread: Thread, sender_id: int | None, body: str, exclude_unread: set[int]) -> Message:
    """Insert a message and move the thread's pointers; the thread row must be locked."""
    message = Message.objects.create(thread=thread, sender_id=sender_id, body=body)
    updates = {"last_message": message, "last_message_at": message.created_at}
    if thread.guest_id not in exclude_unread:
        updates["guest_unread"] = F("guest_unread") + 1
    if thread.host_id not in exclude_unread:
        updates["host_unread"] = F("host_unread") + 1
    Thread.objects.filter(pk=thread.pk).update(**updates)
    thread.last_message, thread.last_message_at = message, message.created_at
    return message


def message_send(*, thread_id: int, sender, body: str, now: dt.datetime | None = None) -> Message:
    """Send ``body`` from ``sender`` in a thread and notify the other participant.

    Raises ``ThreadNotFound`` (404) for non-participants, ``MessageNotAllowed``
    (403) for staff reading someone else's thread, ``ValidationError`` (empty or
    over 2000 characters) and ``RateLimited`` (429). A host's message answers
    the open inquiry or request (response rate).
    """
    text = message_validate_body(body)
    now = now or timezone.now()
    with transaction.atomic():
        thread = _thread_locked(thread_id)
        role = thread.role_of(sender) if thread else None
        if role is None:
            if thread is not None and sender.is_staff:
                raise MessageNotAllowed(message=gettext("Staff can read this conversation but not write in it."))
            raise ThreadNotFound()
        _rate_limit(sender=sender, now=now)
        message = _append(thread=thread, sender_id=sender.pk, body=text, exclude_unread={sender.pk})
        if role == "host":
            ReplyWindow.objects.filter(thread=thread, replied_at__isnull=True).update(
                replied_at=Greatest(F("opened_at"), Value(message.created_at))
            )
        recipient = thread.other_party(sender)
        shown = text if thread_contact_details_revealed(thread) else contact_details_mask(text)
        name = sender.display_name
        with translation.override(recipient.language or settings.LANGUAGE_CODE):
            notify(
                user=recipient,
                category=NotificationCategory.MESSAGE,
                title=gettext("New message from %(name)s") % {"name": name},
                body=gettext("About %(listing)s:\n%(message)s")
                % {"listing": thread.listing.title, "message": shown[:500]},
                url=reverse("messaging:thread", kwargs={"pk": thread.pk}),
                group_key=thread_group_key(thread),
                group_title=lambda count: (
                    ngettext("%(count)s new message from %(name)s", "%(count)s new messages from %(name)s", count)
                    % {"count": count, "name": name}
                ),
            )
    return message


def _thread_get_or_create(*, guest, listing: Listing) -> Thread:
    thread = Thread.objects.filter(guest=guest, listing=listing).first()
    if thread is not None:
        return thread
    try:
        with transaction.atomic():
            return Thread.objects.create(guest=guest, host_id=listing.host_id, listing=listing)
    except IntegrityError:
        return Thread.objects.get(guest=guest, listing=listing)


def thread_start_inquiry(*, guest, listing_id: int, body: str) -> Thread:
    """ "Contact host": the guest's conversation about a listing (created once), with their message.

    Opens a reply window for the host's response rate unless one is open.
    Raises ``ListingNotFound`` (404), ``InquiryInvalid`` (own listing), and what
    ``message_send`` raises; nothing is saved when it raises.
    """
    text = message_validate_body(body)
    try:
        listing = listing_get_public(pk=listing_id)
    except Listing.DoesNotExist:
        raise ListingNotFound() from None
    if listing.host_id == guest.pk:
        raise InquiryInvalid()
    with transaction.atomic():
        thread = _thread_get_or_create(guest=guest, listing=listing)
        message = message_send(thread_id=thread.pk, sender=guest, body=text)
        ReplyWindow.objects.bulk_create(
            [
                ReplyWindow(
                    thread=thread, host_id=listing.host_id, kind=ReplyWindow.Kind.INQUIRY, opened_at=message.created_at
                )
            ],
            ignore_conflicts=True,
        )
    return thread


def thread_for_booking(*, booking) -> Thread:
    """The conversation of a booking's guest and listing (created if missing), pointed at the booking."""
    thread = _thread_get_or_create(guest=booking.guest, listing=booking.listing)
    if thread.booking_id != booking.pk:
        Thread.objects.filter(pk=thread.pk).update(booking=booking)
        thread.booking = booking
    return thread


def message_system_post(
    *, thread: Thread, body: str, actor_id: int | None = None, sender_id: int | None = None
) -> Message:
    """Add a system line (or, with ``sender_id``, a participant's message relayed by the platform).

    Unread for both participants except ``actor_id`` (who did what the line says)
    and the sender. No rate limit and no notification: the caller notifies.
    """
    with transaction.atomic():
        # Only the row and its participant ids: loading the listing (geometry, calendar
        # multirange) cost most of a booking event's publishing.
        locked = _thread_locked(thread.pk, related=False)
        return _append(
            thread=locked, sender_id=sender_id, body=body[:MESSAGE_MAX_LENGTH], exclude_unread={actor_id, sender_id}
        )


def thread_mark_read(*, thread_id: int, user, upto: int | None = None) -> int:
    """Mark the thread read by ``user`` up to message ``upto`` (default: the latest).

    Returns how many messages stay unread for them. Staff reading someone else's
    thread change nothing; strangers get ``ThreadNotFound``. Once nothing is
    unread, the thread's notification is read and its pending email cancelled.
    """
    with transaction.atomic():
        thread = _thread_locked(thread_id)
        role = thread.role_of(user) if thread else None
        if role is None:
            if thread is not None and user.is_staff:
                return 0
            raise ThreadNotFound()
        last_id = thread.last_message_id or 0
        upto = last_id if upto is None else max(0, min(int(upto), last_id))
        read_upto = max(getattr(thread, f"{role}_read_upto"), upto)
        unread = Message.objects.filter(thread=thread, pk__gt=read_upto).exclude(sender_id=user.pk).count()
        Thread.objects.filter(pk=thread.pk).update(**{f"{role}_read_upto": read_upto, f"{role}_unread": unread})
        if unread == 0:
            notifications_mark_read(user=user, group_key=thread_group_key(thread))
    return unread
