"""What every listing write shares: who may act. The listing row lock is ``listings.locks``."""

from __future__ import annotations

from rest_framework import status

from airbnb.api.errors import ApiError

from ..models import Listing
from ..selectors import listing_can_edit


class NotListingOwner(ApiError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "permission_denied"
    default_detail = "Only the host of this listing can change it."


def ensure_can_edit(listing: Listing, actor) -> None:
    """Raise ``NotListingOwner`` (403) unless ``actor`` may change ``listing``."""
    if not listing_can_edit(listing, actor):
        raise NotListingOwner()
