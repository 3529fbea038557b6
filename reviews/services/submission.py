"""Writing, publishing and answering reviews.

The double-blind: a review is private to its author until both sides of the
booking have written theirs (published together, at once) or the window closes
(``reviews_publish_due``, run by beat). Publication refreshes the rating
aggregates in the same transaction. Submitting locks the listing row then the
booking row (the project's fixed lock order), so the two sides submitting at
the same moment still publish exactly once.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from airbnb.events import Event, emit
from bookings.models import Booking, BookingStatus
from listings.localtime import local_today_sql
from listings.locks import listing_lock

from ..errors import (
    ResponseAlreadyPosted,
    ReviewAlreadySubmitted,
    ReviewNotAllowed,
    ReviewNotFound,
    ReviewNotOpen,
    ReviewNotPublished,
    ReviewWindowClosed,
)
from ..models import GUEST_CATEGORIES, REVIEW_WINDOW_DAYS, STAY_CATEGORIES, Review
from ..selectors import review_direction_for, review_window_closes_at, review_window_last_day
from .aggregates import listing_rating_refresh, user_rating_refresh

logger = logging.getLogger(__name__)
D = Review.Direction
COMMENT_MAX = 5000
PRIVATE_NOTE_MAX = 2000
RESPONSE_MAX = 2000


def _valid_rating(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5


def review_validate(*, direction: str, overall, categories, comment: str, private_note: str) -> dict:
    """Check ratings and texts; returns the cleaned values or raises ``ValidationError`` by field."""
    errors: dict[str, list[str]] = {}
    if not _valid_rating(overall):
        errors["overall"] = [gettext("Rate from 1 to 5 stars.")]
    expected = STAY_CATEGORIES if direction == D.GUEST_TO_HOST else GUEST_CATEGORIES
    if not isinstance(categories, dict):
        errors["categories"] = [gettext("Give a rating for each category.")]
    else:
        problems = [
            gettext("%(category)s: rate from 1 to 5 stars.") % {"category": label}
            for code, label in expected.items()
            if not _valid_rating(categories.get(code))
        ]
        unknown = sorted(set(categories) - set(expected))
        if unknown:
            problems.append(gettext("Unknown categories: %(codes)s.") % {"codes": ", ".join(map(str, unknown))})
        if problems:
            errors["categories"] = problems
    comment = (comment or "").strip()
    if not comment:
        errors["comment"] = [
            gettext("Write a few words about the stay.")
            if direction == D.GUEST_TO_HOST
            else gettext("Write a few words about your guest.")
        ]
    elif len(comment) > COMMENT_MAX:
        errors["comment"] = [
            gettext("Keep it under %(max)s characters (this one has %(length)s).")
            % {"max": COMMENT_MAX, "length": len(comment)}
        ]
    private_note = (private_note or "").strip()
    if private_note and direction != D.GUEST_TO_HOST:
        errors["private_note"] = [gettext("Only guests can leave a private note.")]
    elif len(private_note) > PRIVATE_NOTE_MAX:
        errors["private_note"] = [
            gettext("Keep it under %(max)s characters (this one has %(length)s).")
            % {"max": PRIVATE_NOTE_MAX, "length": len(private_note)}
        ]
    if errors:
        raise ValidationError(errors)
    return {
        "overall": overall,
        "categories": {code: categories[code] for code in expected},
        "comment": comment,
        "private_note": private_note,
    }


def review_submit(
    *,
    booking_id: int,
    author,
    overall: int,
    categories: dict,
    comment: str,
    private_note: str = "",
    now: dt.datetime | None = None,
) -> Review:
    """Write ``author``'s review of a completed stay (the guest's of the stay, or the host's of the guest).

    Publishes both reviews at once when the other side already wrote theirs,
    refreshing the listing's and both people's ratings, and notifies the
    reviewed party. Raises ``ReviewNotFound`` (404: not your booking),
    ``ReviewNotOpen`` (409: stay not completed), ``ReviewWindowClosed`` (409),
    ``ReviewAlreadySubmitted`` (409) or ``ValidationError`` (400, by field).
    Nothing is written unless everything is valid.
    """
    now = now or timezone.now()
    try:
        booking = Booking.objects.select_related("listing").get(pk=booking_id)
    except Booking.DoesNotExist:
        raise ReviewNotFound() from None
    direction = review_direction_for(booking=booking, user=author)
    if direction is None:
        raise ReviewNotFound()
    cleaned = review_validate(
        direction=direction, overall=overall, categories=categories, comment=comment, private_note=private_note
    )
    with transaction.atomic():
        listing_lock(listing_id=booking.listing_id, fields=("id", "host_id"))
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("listing", "guest", "listing__host")
            .get(pk=booking_id)
        )
        if booking.status != BookingStatus.COMPLETED:
            raise ReviewNotOpen(message=gettext("You can review this stay once it is completed, after check-out."))
        closes_at = review_window_closes_at(booking)
        if now >= closes_at:
            last_day = review_window_last_day(booking)
            raise ReviewWindowClosed(
                message=gettext("The 14 days to review this stay ended on %(date)s.")
                % {"date": date_format(last_day, "MONTH_DAY_FORMAT")}
            )
        reviews = {
            review.direction: review
            for review in Review.objects.filter(booking=booking).select_related("author", "subject")
        }
        if direction in reviews:
            raise ReviewAlreadySubmitted()
        as_guest = direction == D.GUEST_TO_HOST
        try:
            with transaction.atomic():
                review = Review.objects.create(
                    booking=booking,
                    listing_id=booking.listing_id,
                    author=author,
                    subject=booking.listing.host if as_guest else booking.guest,
                    direction=direction,
                    **cleaned,
                )
        except IntegrityError:
            # Only reachable around the booking lock; the constraint held.
            raise ReviewAlreadySubmitted() from None
        other = reviews.get(D.HOST_TO_GUEST if as_guest else D.GUEST_TO_HOST)
        if other is not None:
            _publish(booking=booking, reviews=[other, review], now=now)
        else:
            emit(Event.REVIEW_WAITING, review=review, booking=booking, closes_at=closes_at)
    return review


def reviews_publish_due(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Publish the reviews whose window has closed without the other side's review (beat task).

    One short transaction per booking (listing, then booking locked, like
    submissions); returns how many reviews were published.
    """
    now = now or timezone.now()
    # Closed where the listing is: check-out + 14 days <= the listing's today.
    last_check_out = local_today_sql("booking__listing__time_zone", now=now) - dt.timedelta(days=REVIEW_WINDOW_DAYS)
    booking_ids = list(
        Review.objects.filter(published_at__isnull=True, booking__check_out__lte=last_check_out)
        .order_by("booking_id")
        .values_list("booking_id", flat=True)
        .distinct()[:batch]
    )
    published = 0
    for booking_id in booking_ids:
        listing_id = Booking.objects.filter(pk=booking_id).values_list("listing_id", flat=True).first()
        with transaction.atomic():
            listing_lock(listing_id=listing_id, fields=("id",))
            booking = (
                Booking.objects.select_for_update(of=("self",))
                .select_related("listing", "guest", "listing__host")
                .get(pk=booking_id)
            )
            if now < review_window_closes_at(booking):
                continue
            pending = list(
                Review.objects.filter(booking=booking, published_at__isnull=True).select_related("author", "subject")
            )
            if pending:
                published += _publish(booking=booking, reviews=pending, now=now)
    return published


def _publish(*, booking: Booking, reviews: list[Review], now: dt.datetime) -> int:
    """Make ``reviews`` public and refresh the aggregates they feed (inside the caller's transaction)."""
    ids = [review.pk for review in reviews if review.published_at is None]
    count = Review.objects.filter(pk__in=ids, published_at__isnull=True).update(published_at=now)
    listing_rating_refresh(listing_id=booking.listing_id)
    for subject_id in {review.subject_id for review in reviews}:
        user_rating_refresh(user_id=subject_id)
    for review in reviews:
        review.published_at = now
        emit(Event.REVIEW_PUBLISHED, review=review, booking=booking)
    return count


def review_respond(*, review_id: int, user, response: str, now: dt.datetime | None = None) -> Review:
    """Post the reviewed party's one public response to a published review.

    Raises ``ReviewNotFound`` (404: not visible to ``user``), ``ReviewNotAllowed``
    (403: not about you), ``ReviewNotPublished`` (409), ``ResponseAlreadyPosted``
    (409) or ``ValidationError`` (empty or too long).
    """
    now = now or timezone.now()
    response = (response or "").strip()
    with transaction.atomic():
        review = (
            Review.objects.select_for_update(of=("self",))
            .select_related("author", "subject", "listing")
            .filter(pk=review_id)
            .first()
        )
        visible = (
            review is not None
            and review.hidden_at is None
            and (review.published_at or review.author_id == user.pk or review.subject_id == user.pk)
        )
        if not visible:
            raise ReviewNotFound()
        if review.subject_id != user.pk:
            raise ReviewNotAllowed(message=gettext("Only the person this review is about can respond to it."))
        if review.published_at is None:
            raise ReviewNotPublished(message=gettext("You can respond once the review is published."))
        if review.responded_at is not None:
            raise ResponseAlreadyPosted()
        if not response:
            raise ValidationError({"response": [gettext("Write your response.")]})
        if len(response) > RESPONSE_MAX:
            raise ValidationError(
                {
                    "response": [
                        gettext("Keep it under %(max)s characters (this one has %(length)s).")
                        % {"max": RESPONSE_MAX, "length": len(response)}
                    ]
                }
            )
        review.response = response
        review.responded_at = now
        review.save(update_fields=["response", "responded_at"])
        emit(Event.REVIEW_RESPONDED, review=review)
    return review
