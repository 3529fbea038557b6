"""What every listing write shares: who may act. The listing row lock is ``listings.locks``."""

from __future__ import annotations

from ..errors import NotListingOwner
from ..models import Listing
from ..selectors import listing_can_edit


def ensure_can_edit(listing: Listing, actor) -> None:
    """Raise ``NotListingOwner`` (403) unless ``actor`` may change ``listing``."""
    if not listing_can_edit(listing, actor):
        raise NotListingOwner()
