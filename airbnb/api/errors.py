"""One JSON error body for every API failure, and one table from error code to HTTP status.

Every 4xx/5xx under ``/api/`` answers::

    {"error": {"code": "validation_error", "message": "...", "fields": {"email": ["..."]}}}

``code`` is stable and machine-readable; ``message`` is for humans; ``fields`` is
present for validation errors. Services raise ``airbnb.errors.ApplicationError``
(or Django's ``ValidationError``) and never build responses or choose a status:
``HTTP_STATUS_BY_CODE`` does, here and nowhere else (docs/architecture.md, "Errors").
A code without a status fails ``tests/platform/test_errors.py``.
"""

import logging
from enum import StrEnum

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from airbnb.db.routing import replica_failed
from airbnb.errors import ApplicationError, CommonErrorCode, error_body
from availability.errors import AvailabilityErrorCode
from bookings.errors import BookingErrorCode
from hosttools.errors import FeedErrorCode, HosttoolsErrorCode
from listings.errors import ListingErrorCode
from payments.errors import DeclineCode, PaymentErrorCode
from pricing.errors import PricingErrorCode
from reviews.errors import ReviewErrorCode

logger = logging.getLogger(__name__)

__all__ = ["ERROR_CODES", "HTTP_STATUS_BY_CODE", "error_body", "exception_handler"]

_C, _B, _L = CommonErrorCode, BookingErrorCode, ListingErrorCode

HTTP_STATUS_BY_CODE: dict[StrEnum, int] = {
    # shared
    _C.BAD_REQUEST: 400,
    _C.VALIDATION_ERROR: 400,
    _C.PARSE_ERROR: 400,
    _C.INVALID_RANGE: 400,
    _C.IDEMPOTENCY_KEY_INVALID: 400,
    _C.NOT_AUTHENTICATED: 401,
    _C.AUTHENTICATION_FAILED: 401,
    _C.PERMISSION_DENIED: 403,
    _C.NOT_FOUND: 404,
    _C.METHOD_NOT_ALLOWED: 405,
    _C.NOT_ACCEPTABLE: 406,
    _C.CONFLICT: 409,
    _C.IDEMPOTENCY_IN_PROGRESS: 409,
    _C.REQUEST_TOO_LARGE: 413,
    _C.UNSUPPORTED_MEDIA_TYPE: 415,
    _C.IDEMPOTENCY_KEY_REUSED: 422,
    _C.THROTTLED: 429,
    _C.RATE_LIMITED: 429,
    _C.SERVER_ERROR: 500,
    # listings
    _L.LISTING_NOT_FOUND: 404,
    _L.OWN_LISTING: 400,
    _L.LISTING_NOT_AVAILABLE: 400,
    _L.LISTING_NOT_READY: 409,
    _L.LISTING_HAS_BOOKINGS: 409,
    _L.BOOKING_IN_PROGRESS: 409,
    _L.INVALID_STATUS: 409,
    _L.LAST_PHOTO: 409,
    # availability, pricing
    AvailabilityErrorCode.NIGHTS_BOOKED: 409,
    PricingErrorCode.PRICE_OUT_OF_RANGE: 400,
    # payments
    PaymentErrorCode.PAYMENTS_UNAVAILABLE: 503,
    PaymentErrorCode.NOT_A_HOST: 403,
    PaymentErrorCode.PAYOUTS_UNAVAILABLE: 503,
    PaymentErrorCode.PAYOUT_GATEWAY_ERROR: 502,
    PaymentErrorCode.PAYLOAD_INVALID: 400,
    PaymentErrorCode.SIGNATURE_MISSING: 400,
    PaymentErrorCode.SIGNATURE_INVALID: 400,
    PaymentErrorCode.WEBHOOKS_NOT_CONFIGURED: 503,
    **{code: 402 for code in DeclineCode},
    # bookings
    _B.BOOKING_INVALID: 400,
    _B.DATES_INVALID: 400,
    _B.DATES_IN_PAST: 400,
    _B.DATES_OUT_OF_WINDOW: 400,
    _B.STAY_TOO_LONG: 400,
    _B.STAY_TOO_SHORT: 400,
    _B.GUESTS_INVALID: 400,
    _B.TOO_MANY_GUESTS: 400,
    _B.DATES_UNAVAILABLE: 409,
    _B.HOLD_EXPIRED: 409,
    _B.PRICE_CHANGED: 409,
    _B.REQUEST_EXPIRED: 409,
    _B.STAY_OVER: 409,
    _B.USE_DECLINE: 409,
    _B.NOT_CANCELLABLE: 409,
    _B.ILLEGAL_TRANSITION: 409,
    _B.BOOKING_NOT_COMPLETED: 409,
    # reviews
    **{code: 409 for code in ReviewErrorCode},
    # hosttools
    **{code: 400 for code in HosttoolsErrorCode},
    **{code: 400 for code in FeedErrorCode},
}

# Every code by its value: a stored code (an idempotent replay) back to its member.
ERROR_CODES: dict[str, StrEnum] = {str(code): code for code in HTTP_STATUS_BY_CODE}


class RequestTooLarge(exceptions.APIException):
    """Django's "body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``" as DRF sees it (pages answer 400 for it)."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = str(CommonErrorCode.REQUEST_TOO_LARGE)
    default_detail = _("The request body is too large.")


_CODES = {
    exceptions.ValidationError: CommonErrorCode.VALIDATION_ERROR,
    exceptions.ParseError: CommonErrorCode.PARSE_ERROR,
    exceptions.AuthenticationFailed: CommonErrorCode.AUTHENTICATION_FAILED,
    exceptions.NotAuthenticated: CommonErrorCode.NOT_AUTHENTICATED,
    exceptions.PermissionDenied: CommonErrorCode.PERMISSION_DENIED,
    exceptions.NotFound: CommonErrorCode.NOT_FOUND,
    exceptions.MethodNotAllowed: CommonErrorCode.METHOD_NOT_ALLOWED,
    exceptions.NotAcceptable: CommonErrorCode.NOT_ACCEPTABLE,
    exceptions.UnsupportedMediaType: CommonErrorCode.UNSUPPORTED_MEDIA_TYPE,
    exceptions.Throttled: CommonErrorCode.THROTTLED,
}


def application_error_response(exc: ApplicationError) -> Response:
    """The API's answer to an ``ApplicationError``: its code's status and the one body."""
    set_rollback()  # as DRF does for its own errors (a view inside ATOMIC_REQUESTS writes nothing)
    return Response(error_body(exc.code, exc.message, **exc.extra), status=HTTP_STATUS_BY_CODE[exc.code])


def _flatten_message(detail) -> str:
    if isinstance(detail, list) and detail:
        return _flatten_message(detail[0])
    if isinstance(detail, dict) and detail:
        key, value = next(iter(detail.items()))
        inner = _flatten_message(value)
        return inner if key in ("non_field_errors", "detail") else f"{key}: {inner}"
    return str(detail)


def exception_handler(exc, context):
    """DRF exception handler producing the project's error body."""
    if replica_failed(exc):
        return None  # DRF raises it on: the routing middleware runs the view again on the primary
    if isinstance(exc, ApplicationError):
        return application_error_response(exc)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()  # over DATA_UPLOAD_MAX_MEMORY_SIZE: Django pages answer 400, never a 500
    elif isinstance(exc, SuspiciousOperation):
        # e.g. more than DATA_UPLOAD_MAX_NUMBER_FIELDS / _FILES in one body.
        exc = exceptions.ParseError(gettext("The request has too many fields or files, or is malformed."))

    response = drf_exception_handler(exc, context)
    if response is None:
        # Unhandled: log with the request id, answer the same JSON shape.
        logger.exception("Unhandled API error", exc_info=exc)
        return Response(
            error_body("server_error", gettext("Something went wrong on our side; it has been logged.")),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )

    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body = error_body("validation_error", _flatten_message(detail), fields=detail)
    else:
        code = _CODES.get(type(exc)) or getattr(exc, "default_code", "error")
        body = error_body(code, _flatten_message(exc.detail))
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            body["error"]["retry_after"] = int(exc.wait)
    response.data = body
    return response


def api_not_found(request, exception=None):
    return JsonResponse(error_body("not_found", gettext("No API endpoint or object at this address.")), status=404)


def api_server_error(request):
    return JsonResponse(
        error_body("server_error", gettext("Something went wrong on our side; it has been logged.")), status=500
    )
