"""May this user see or change this listing or wishlist? One answer, used by pages, the API and services.

Each function returns the object or raises the same ``ApplicationError``
everywhere (Zulip's ``access_stream_by_id``): not-found (404) for what the user
may not see, so a stranger cannot tell a draft from an id that never existed;
forbidden (403) only for a published listing the user may look at but not change.
Pages turn these into their 404/403 pages (``airbnb.form_errors``' middleware).
"""

from __future__ import annotations

from django.utils.translation import gettext

from airbnb.errors import NotFound

from .errors import ListingGone, NotListingOwner, NotWishlistOwner
from .models import Listing, ListingStatus, Wishlist
from .selectors import listing_can_edit, listing_get_public, listing_get_visible, wishlist_get_for_owner


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound() from None


def access_public_listing(listing_id) -> Listing:
    """A published listing (anyone may see it); ``NotFound`` for drafts, deleted ones and ids that are not numbers."""
    try:
        return listing_get_public(pk=_pk(listing_id))
    except (Listing.DoesNotExist, NotFound):
        raise NotFound(message=gettext("No published listing with this id.")) from None


def access_listing(user, listing_id, *, for_edit: bool = False, host_only: bool = False, hide: bool = False) -> Listing:
    """A listing ``user`` may see (published, or theirs to edit; never a soft-deleted one), host and photos loaded.

    ``ListingGone`` (404) for one they may not see. With ``for_edit`` they must be its
    host or staff (``host_only``: its host, staff act as anyone else):
    ``NotListingOwner`` (403) for a published listing they may only look at, or
    ``ListingGone`` with ``hide`` (the host pages: someone else's listing is "no such listing").
    """
    try:
        listing = listing_get_visible(pk=_pk(listing_id), user=user)
    except (Listing.DoesNotExist, NotFound):
        raise ListingGone() from None
    if not for_edit:
        return listing
    may_edit = listing.host_id == user.pk if host_only else listing_can_edit(listing, user)
    if may_edit:
        return listing
    if hide or listing.status != ListingStatus.PUBLISHED:
        raise ListingGone()
    raise NotListingOwner()


def access_wishlist(user, wishlist_id) -> Wishlist:
    """One of the user's wishlists; ``NotWishlistOwner`` (404) for anyone else's and for missing ones."""
    try:
        return wishlist_get_for_owner(pk=_pk(wishlist_id), user=user)
    except (Wishlist.DoesNotExist, NotFound):
        raise NotWishlistOwner() from None
