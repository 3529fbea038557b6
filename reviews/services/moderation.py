"""Reporting reviews and what staff do about reports (hide the review, or dismiss the report).

Hiding a review takes it out of every page and average: the aggregates it fed
are refreshed in the same transaction, under the listing lock like publication.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from listings.locks import listing_lock

from ..errors import ReviewAlreadyReported, ReviewNotAllowed, ReviewNotFound
from ..models import Review, ReviewReport
from ..selectors import review_public_queryset
from .aggregates import listing_rating_refresh, user_rating_refresh

DETAILS_MAX = 1000


def review_report(*, review_id: int, reporter, reason: str, details: str = "") -> ReviewReport:
    """Flag a published review for moderation, once per person.

    Raises ``ReviewNotFound`` (404: not a public review), ``ReviewNotAllowed``
    (403: your own review), ``ReviewAlreadyReported`` (409) or ``ValidationError``.
    """
    review = review_public_queryset().filter(pk=review_id).first()
    if review is None:
        raise ReviewNotFound()
    if review.author_id == reporter.pk:
        raise ReviewNotAllowed(message=gettext("You can't report your own review."))
    details = (details or "").strip()
    errors = {}
    if reason not in ReviewReport.Reason.values:
        errors["reason"] = [gettext("Choose why you're reporting this review.")]
    if len(details) > DETAILS_MAX:
        errors["details"] = [
            gettext("Keep it under %(max)s characters (this one has %(length)s).")
            % {"max": DETAILS_MAX, "length": len(details)}
        ]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return ReviewReport.objects.create(review=review, reporter=reporter, reason=reason, details=details)
    except IntegrityError:
        raise ReviewAlreadyReported() from None


def _set_hidden(*, review_ids: list[int], hidden: bool) -> int:
    changed = 0
    now = timezone.now()
    for review_id in review_ids:
        listing_id = Review.objects.filter(pk=review_id).values_list("listing_id", flat=True).first()
        if listing_id is None:
            continue
        with transaction.atomic():
            listing_lock(listing_id=listing_id, fields=("id",))
            review = Review.objects.select_for_update().get(pk=review_id)
            if (review.hidden_at is not None) == hidden:
                continue
            review.hidden_at = now if hidden else None
            review.save(update_fields=["hidden_at"])
            if review.published_at is not None:
                if review.direction == Review.Direction.GUEST_TO_HOST:
                    listing_rating_refresh(listing_id=listing_id)
                user_rating_refresh(user_id=review.subject_id)
            changed += 1
    return changed


def review_hide(*, review_ids: list[int]) -> int:
    """Hide reviews (staff): gone from pages and averages. Returns how many changed."""
    return _set_hidden(review_ids=review_ids, hidden=True)


def review_unhide(*, review_ids: list[int]) -> int:
    """Show hidden reviews again (staff) and count them in the averages. Returns how many changed."""
    return _set_hidden(review_ids=review_ids, hidden=False)


def review_reports_resolve(*, report_ids: list[int], staff_user, hide: bool) -> int:
    """Close open reports: hide their reviews (``hide``) or dismiss them. Returns reports closed."""
    open_reports = ReviewReport.objects.filter(pk__in=report_ids, status=ReviewReport.Status.OPEN)
    if hide:
        review_ids = sorted(set(open_reports.values_list("review_id", flat=True)))
        review_hide(review_ids=review_ids)
        # Every open report on a hidden review is settled by hiding it, not only the selected ones.
        open_reports = ReviewReport.objects.filter(review_id__in=review_ids, status=ReviewReport.Status.OPEN)
    status = ReviewReport.Status.HIDDEN if hide else ReviewReport.Status.DISMISSED
    return open_reports.update(status=status, resolved_at=timezone.now(), resolved_by=staff_user)
