"""What every listing write shares: who may act, and the listing row lock."""

from __future__ import annotations

from rest_framework import status

from airbnb.api.errors import ApiError

from ..models import Listing, ListingStatus
from ..selectors import listing_can_edit


class NotListingOwner(ApiError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "permission_denied"
    default_detail = "Only the host of this listing can change it."


class ListingGone(ApiError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"
    default_detail = "This listing does not exist or was deleted."


def ensure_can_edit(listing: Listing, actor) -> None:
    """Raise ``NotListingOwner`` (403) unless ``actor`` may change ``listing``."""
    if not listing_can_edit(listing, actor):
        raise NotListingOwner()


def listing_lock(*, listing_id: int) -> Listing:
    """``SELECT ... FOR UPDATE`` on the listing row, the first lock of every listing write.

    The bookings app takes the same row lock before touching the calendar, so an
    edit and a booking of one listing never interleave. Raises ``ListingGone``
    for a missing or soft-deleted listing. Call inside ``transaction.atomic()``.
    """
    listing = Listing.objects.select_for_update().filter(pk=listing_id).first()
    if listing is None or listing.status == ListingStatus.DELETED:
        raise ListingGone()
    return listing
