"""May this user see this review, or review this stay? One answer for pages, the API and services.

Not-found (404) for anything the user may not see: an unpublished review of
someone else, a stay they were not part of (the double-blind keeps even its
existence private).
"""

from __future__ import annotations

from django.utils.translation import gettext

from bookings.models import Booking

from .errors import ReviewNotFound
from .models import Review
from .selectors import review_direction_for, review_visible_to


def access_review(user, review_id) -> Review:
    """A published review, or the user's own unpublished one; ``ReviewNotFound`` (404) otherwise."""
    try:
        return review_visible_to(user).select_related("author", "subject").get(pk=int(review_id))
    except (Review.DoesNotExist, TypeError, ValueError):
        raise ReviewNotFound(message=gettext("No review with this id.")) from None


def access_stay_to_review(user, booking_id) -> tuple[Booking, str]:
    """The stay and the direction (guest -> host or back) ``user`` may review it in; else ``ReviewNotFound``."""
    try:
        booking = Booking.objects.select_related("listing", "listing__host", "guest").get(pk=int(booking_id))
    except (Booking.DoesNotExist, TypeError, ValueError):
        raise ReviewNotFound(message=gettext("No booking to review here.")) from None
    direction = review_direction_for(booking=booking, user=user)
    if direction is None:
        raise ReviewNotFound(message=gettext("No booking to review here."))
    return booking, direction
