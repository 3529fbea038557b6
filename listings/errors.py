"""Listing and wishlist errors: their codes (a client switches on them) and default messages."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from airbnb.errors import ApplicationError, NotFound, PermissionDenied


class ListingErrorCode(StrEnum):
    LISTING_NOT_FOUND = "listing_not_found"
    OWN_LISTING = "own_listing"  # a host booking or asking about their own listing
    LISTING_NOT_AVAILABLE = "listing_not_available"
    LISTING_NOT_READY = "listing_not_ready"
    LISTING_HAS_BOOKINGS = "listing_has_bookings"
    BOOKING_IN_PROGRESS = "booking_in_progress"
    INVALID_STATUS = "invalid_status"
    LAST_PHOTO = "last_photo"


class ListingGone(NotFound):
    message = _("This listing does not exist or was deleted.")


class NotListingOwner(PermissionDenied):
    message = _("Only the host of this listing can change it.")


class NotWishlistOwner(NotFound):
    message = _("No such wishlist.")


class ListingNotSaveable(ApplicationError):
    code = ListingErrorCode.LISTING_NOT_AVAILABLE
    message = _("Only listings open for booking can be saved.")


class ListingNotReady(ApplicationError):
    code = ListingErrorCode.LISTING_NOT_READY
    message = _("This listing is missing what guests need before it can be published.")


class ListingHasBookings(ApplicationError):
    code = ListingErrorCode.LISTING_HAS_BOOKINGS
    message = _("This listing has upcoming bookings.")


class ListingStatusInvalid(ApplicationError):
    code = ListingErrorCode.INVALID_STATUS
    message = _("This listing cannot change that way.")


class LastPhoto(ApplicationError):
    code = ListingErrorCode.LAST_PHOTO
    message = _("A published listing needs at least one photo.")
