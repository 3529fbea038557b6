"""Errors the reviews services raise; each maps to an HTTP status and a stable API code."""

from rest_framework import status

from airbnb.api.errors import ApiError, Conflict


class ReviewNotFound(ApiError):
    """Nothing here for this user: also what strangers get, so they learn nothing."""

    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"
    default_detail = "There is no booking or review here for you."


class ReviewNotAllowed(ApiError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "permission_denied"
    default_detail = "You cannot do this with this review."


class ReviewNotOpen(Conflict):
    default_code = "review_not_open"
    default_detail = "Reviews open once the stay is completed."


class ReviewWindowClosed(Conflict):
    default_code = "review_window_closed"
    default_detail = "The 14 days to review this stay are over."


class ReviewAlreadySubmitted(Conflict):
    default_code = "review_already_submitted"
    default_detail = "You have already reviewed this stay."


class ReviewNotPublished(Conflict):
    default_code = "review_not_published"
    default_detail = "This review isn't published yet."


class ResponseAlreadyPosted(Conflict):
    default_code = "response_already_posted"
    default_detail = "You have already responded to this review."


class ReviewAlreadyReported(Conflict):
    default_code = "already_reported"
    default_detail = "You have already reported this review. Our team will look at it."
