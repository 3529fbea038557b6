"""Listing and wishlist errors: their codes (a client switches on them) and default messages."""

from enum import StrEnum

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
    message = "This listing does not exist or was deleted."


class NotListingOwner(PermissionDenied):
    message = "Only the host of this listing can change it."


class NotWishlistOwner(NotFound):
    message = "No such wishlist."


class ListingNotSaveable(ApplicationError):
    code = ListingErrorCode.LISTING_NOT_AVAILABLE
    message = "Only listings open for booking can be saved."


class ListingNotReady(ApplicationError):
    code = ListingErrorCode.LISTING_NOT_READY
    message = "This listing is missing what guests need before it can be published."


class ListingHasBookings(ApplicationError):
    code = ListingErrorCode.LISTING_HAS_BOOKINGS
    message = "This listing has upcoming bookings."


class ListingStatusInvalid(ApplicationError):
    code = ListingErrorCode.INVALID_STATUS
    message = "This listing cannot change that way."


class LastPhoto(ApplicationError):
    code = ListingErrorCode.LAST_PHOTO
    message = "A published listing needs at least one photo."
