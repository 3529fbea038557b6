"""What messaging does when other apps say something happened: notifications, emails, conversation lines.

Registered with ``airbnb.events`` (imported by ``MessagingConfig.ready``). The
texts people read live here, next to the code that sends them; producers only
say what happened. Each notification is written in its recipient's language
(``recipient_language``), whatever the language of the request or worker that
caused it. Every handler runs in its producer's transaction (see
``airbnb.events`` for each event's delivery), so a rolled-back change notifies
nobody.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from airbnb.events import Event, handles
from bookings.models import Booking, BookingEvent, BookingStatus
from reviews.models import Review

from .masking import contact_details_mask
from .models import NotificationCategory
from .services.booking_events import booking_events_to_threads
from .services.notifications import NotificationDraft, notify, notify_many

# --- bookings ------------------------------------------------------------------------------

S = BookingStatus

# (guest's subject, host's subject) per status the booking moved to; None: that side gets nothing.
SUBJECTS = {
    S.PENDING_PAYMENT: None,  # no email while the card is being authorised
    S.PAYMENT_FAILED: (_("Your booking did not go through"), None),
    S.AWAITING_HOST: (_("Request sent: %(listing)s"), _("New booking request: %(listing)s")),
    S.CONFIRMED: (_("Booking confirmed: %(listing)s"), _("New reservation: %(listing)s")),
    S.DECLINED: (_("Your request was declined: %(listing)s"), None),
    S.EXPIRED: (_("Your request expired: %(listing)s"), _("A booking request expired: %(listing)s")),
    S.CANCELLED_BY_GUEST: (_("You cancelled your booking: %(listing)s"), _("A guest cancelled: %(listing)s")),
    S.CANCELLED_BY_HOST: (_("Your host cancelled: %(listing)s"), _("You cancelled a reservation: %(listing)s")),
    S.COMPLETED: (_("How was your stay at %(listing)s?"), _("Your guest checked out: %(listing)s")),
}


def recipient_language(user) -> str:
    """The language a notification to ``user`` is written in: theirs, else the site's."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def _amount(amount, currency: str) -> str:
    return gettext("%(amount)s %(currency)s") % {"amount": number_format(amount, 2), "currency": currency}


def _body(event: BookingEvent, for_host: bool) -> str:
    """The notification's text, in the active language (the recipient's)."""
    booking = event.booking
    who = booking.guest.display_name if for_host else booking.listing.host.display_name
    values = {
        "reference": booking.reference,
        "listing": booking.listing.title,
        "check_in": date_format(booking.check_in, "D d M Y"),
        "check_out": date_format(booking.check_out, "D d M Y"),
        "count": booking.guests,
        "status": str(S(event.to_status).label),
        "total": _amount(booking.total, booking.currency),
        "name": who,
    }
    lines = [
        gettext("Booking %(reference)s at %(listing)s") % values,
        ngettext(
            "%(check_in)s to %(check_out)s, %(count)s guest",
            "%(check_in)s to %(check_out)s, %(count)s guests",
            values["count"],
        )
        % values,
        gettext("Status: %(status)s") % values,
        gettext("Total: %(total)s") % values,
    ]
    if booking.refund_amount is not None and event.to_status in (S.CANCELLED_BY_GUEST, S.CANCELLED_BY_HOST):
        lines.append(gettext("Refund: %(amount)s") % {"amount": _amount(booking.refund_amount, booking.currency)})
    if event.reason:
        # Reasons the code writes are English msgids (gettext_noop where stored); a person's own words pass through.
        lines.append(gettext("Note: %(note)s") % {"note": gettext(event.reason)})
    lines.append((gettext("Guest: %(name)s") if for_host else gettext("Host: %(name)s")) % values)
    message = booking.message_to_host.strip()
    if for_host and message and event.from_status == S.PENDING_PAYMENT:
        # Contact details stay masked until the booking is confirmed, as in the conversation.
        shown = message if event.to_status == S.CONFIRMED else contact_details_mask(message)
        lines.append(gettext("Message from %(name)s: %(message)s") % {"name": who, "message": shown})
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
    """The guest's and the host's notifications of one event (none for some events), each in its reader's language."""
    subjects = SUBJECTS.get(event.to_status)
    if not subjects:
        return []
    booking = event.booking
    guest_url, host_url = _urls(event)
    drafts = []
    for user, subject, for_host, url in (
        (booking.guest, subjects[0], False, guest_url),
        (booking.listing.host, subjects[1], True, host_url),
    ):
        if not subject:
            continue
        with translation.override(recipient_language(user)):
            drafts.append(
                NotificationDraft(
                    user=user,
                    category=NotificationCategory.BOOKING,
                    title=str(subject) % {"listing": booking.listing.title},
                    body=_body(event, for_host),
                    url=url,
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
    with translation.override(recipient_language(review.subject)):
        values = {
            "name": review.author.display_name,
            "listing": booking.listing.title,
            "deadline": date_format(closes_at - dt.timedelta(days=1), "MONTH_DAY_FORMAT"),
        }
        if review.direction == D.GUEST_TO_HOST:
            title = gettext("%(name)s reviewed their stay at %(listing)s") % values
            body = (
                gettext("Review your guest by %(deadline)s to read what they wrote. Reviews are published together.")
                % values
            )
        else:
            title = gettext("%(name)s reviewed you") % values
            body = gettext("Review your stay at %(listing)s by %(deadline)s to read what they wrote.") % values
        _notify_review(
            user=review.subject,
            title=title,
            body=body,
            url=reverse("reviews:write", kwargs={"booking_id": booking.pk}),
        )


@handles(Event.REVIEW_PUBLISHED)
def review_published(*, review: Review, booking: Booking) -> None:
    with translation.override(recipient_language(review.subject)):
        values = {"name": review.author.display_name, "listing": booking.listing.title}
        if review.direction == D.GUEST_TO_HOST:
            title = gettext("%(name)s's review of %(listing)s is published") % values
        else:
            title = gettext("%(name)s's review of you is published") % values
        _notify_review(
            user=review.subject, title=title, body=review.comment[:300], url=_review_url(review, booking.listing)
        )


@handles(Event.REVIEW_RESPONDED)
def review_responded(*, review: Review) -> None:
    with translation.override(recipient_language(review.author)):
        _notify_review(
            user=review.author,
            title=gettext("%(name)s responded to your review") % {"name": review.subject.display_name},
            body=review.response[:300],
            url=_review_url(review),
        )


# --- wishlists -----------------------------------------------------------------------------


@handles(Event.WISHLIST_AVAILABILITY_CHANGED)
def wishlist_availability_changed(*, alerts) -> None:
    """One notification per alert (repeated changes before delivery were already merged into one)."""
    for alert in alerts:
        with translation.override(recipient_language(alert.user)):
            notify(
                user=alert.user,
                category=NotificationCategory.BOOKING,
                title=gettext("Availability changed at %(listing)s") % {"listing": alert.listing.title},
                body=gettext("A place in your wishlists has new or fewer free nights. Check it before it goes."),
                url=alert.listing.get_absolute_url(),
                group_key=f"wishlist-{alert.listing_id}",
            )
