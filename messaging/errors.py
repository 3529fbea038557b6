"""Messaging errors and their default messages (their codes are shared ones and listings')."""

from django.utils.translation import gettext_lazy as _

from airbnb.errors import ApplicationError, CommonErrorCode, NotFound, PermissionDenied
from listings.errors import ListingErrorCode


class ThreadNotFound(NotFound):
    """Not a participant (or no such thread): strangers learn nothing, not even that it exists."""

    message = _("No conversation here.")


class ListingNotFound(ApplicationError):
    code = ListingErrorCode.LISTING_NOT_FOUND
    message = _("This listing does not exist or is not published.")


class MessageNotAllowed(PermissionDenied):
    message = _("You cannot send messages in this conversation.")


class InquiryInvalid(ApplicationError):
    code = ListingErrorCode.OWN_LISTING
    message = _("You can't send an inquiry about your own listing.")


class RateLimited(ApplicationError):
    code = CommonErrorCode.RATE_LIMITED
    message = _("You're sending messages too quickly. Wait a moment and try again.")
