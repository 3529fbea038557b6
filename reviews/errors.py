"""Errors the reviews services raise: their codes (a client switches on them) and default messages."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from airbnb.errors import ApplicationError, NotFound, PermissionDenied


class ReviewErrorCode(StrEnum):
    REVIEW_NOT_OPEN = "review_not_open"
    REVIEW_WINDOW_CLOSED = "review_window_closed"
    REVIEW_ALREADY_SUBMITTED = "review_already_submitted"
    REVIEW_NOT_PUBLISHED = "review_not_published"
    RESPONSE_ALREADY_POSTED = "response_already_posted"
    ALREADY_REPORTED = "already_reported"


class ReviewNotFound(NotFound):
    """Nothing here for this user: also what strangers get, so they learn nothing."""

    message = _("There is no booking or review here for you.")


class ReviewNotAllowed(PermissionDenied):
    message = _("You cannot do this with this review.")


class ReviewNotOpen(ApplicationError):
    code = ReviewErrorCode.REVIEW_NOT_OPEN
    message = _("Reviews open once the stay is completed.")


class ReviewWindowClosed(ApplicationError):
    code = ReviewErrorCode.REVIEW_WINDOW_CLOSED
    message = _("The 14 days to review this stay are over.")


class ReviewAlreadySubmitted(ApplicationError):
    code = ReviewErrorCode.REVIEW_ALREADY_SUBMITTED
    message = _("You have already reviewed this stay.")


class ReviewNotPublished(ApplicationError):
    code = ReviewErrorCode.REVIEW_NOT_PUBLISHED
    message = _("This review isn't published yet.")


class ResponseAlreadyPosted(ApplicationError):
    code = ReviewErrorCode.RESPONSE_ALREADY_POSTED
    message = _("You have already responded to this review.")


class ReviewAlreadyReported(ApplicationError):
    code = ReviewErrorCode.ALREADY_REPORTED
    message = _("You have already reported this review. Our team will look at it.")
