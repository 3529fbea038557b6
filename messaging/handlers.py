"""What messaging does when other apps say something happened: notifications, emails, conversation lines.

Registered with ``airbnb.events`` (imported by ``MessagingConfig.ready``). The
texts people read live here, next to the code that sends them; producers only
say what happened. Every handler runs in its producer's transaction (see
``airbnb.events`` for each event's delivery), so a rolled-back change notifies
nobody.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from airbnb.events import Event, handles
from bookings.models import Booking, BookingEvent, BookingStatus
from reviews.models import Review

from .masking import contact_details_mask
from .models import NotificationCategory
from .services.booking_events import booking_events_to_threads
from .services.notifications import NotificationDraft, notify, notify_many

# --- bookings ------------------------------------------------------------------------------

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


def _booking_drafts(event: BookingEvent) -> list[NotificationDraft]:
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


@handles(Event.BOOKING_CHANGED)
def booking_changed(*, events: list[BookingEvent]) -> None:
    """Notify the guests and hosts of a batch of booking events and post them in their conversations, in order."""
    notify_many(drafts=[draft for event in events for draft in _booking_drafts(event)])
    booking_events_to_threads(events=events)


# --- reviews -------------------------------------------------------------------------------

D = Review.Direction


def _review_url(review: Review, listing=None) -> str:
    if review.direction == D.GUEST_TO_HOST:
        return (listing or review.listing).get_absolute_url() + "#reviews"
    return reverse("reviews:profile", kwargs={"pk": review.subject_id}) + "?about=guest"


def _notify_review(**kwargs) -> None:
    notify(category=NotificationCategory.REVIEW, **kwargs)


@handles(Event.REVIEW_WAITING)
def review_waiting(*, review: Review, booking: Booking, closes_at: dt.datetime) -> None:
    """Tell the other side a review of them waits: they read it once they review too (or the window ends)."""
    deadline = f"{closes_at - dt.timedelta(days=1):%b} {(closes_at - dt.timedelta(days=1)).day}"
    if review.direction == D.GUEST_TO_HOST:
        title = f"{review.author.display_name} reviewed their stay at {booking.listing.title}"
        body = f"Review your guest by {deadline} to read what they wrote. Reviews are published together."
    else:
        title = f"{review.author.display_name} reviewed you"
        body = f"Review your stay at {booking.listing.title} by {deadline} to read what they wrote."
    _notify_review(
        user=review.subject, title=title, body=body, url=reverse("reviews:write", kwargs={"booking_id": booking.pk})
    )


@handles(Event.REVIEW_PUBLISHED)
def review_published(*, review: Review, booking: Booking) -> None:
    if review.direction == D.GUEST_TO_HOST:
        title = f"{review.author.display_name}'s review of {booking.listing.title} is published"
    else:
        title = f"{review.author.display_name}'s review of you is published"
    _notify_review(
        user=review.subject, title=title, body=review.comment[:300], url=_review_url(review, booking.listing)
    )


@handles(Event.REVIEW_RESPONDED)
def review_responded(*, review: Review) -> None:
    _notify_review(
        user=review.author,
        title=f"{review.subject.display_name} responded to your review",
        body=review.response[:300],
        url=_review_url(review),
    )


# --- wishlists -----------------------------------------------------------------------------


@handles(Event.WISHLIST_AVAILABILITY_CHANGED)
def wishlist_availability_changed(*, alerts) -> None:
    """One notification per alert (repeated changes before delivery were already merged into one)."""
    for alert in alerts:
        notify(
            user=alert.user,
            category=NotificationCategory.BOOKING,
            title=f"Availability changed at {alert.listing.title}",
            body="A place in your wishlists has new or fewer free nights. Check it before it goes.",
            url=alert.listing.get_absolute_url(),
            group_key=f"wishlist-{alert.listing_id}",
        )
