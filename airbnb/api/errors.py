"""One JSON error body for every API failure.

Every 4xx/5xx under ``/api/`` answers::

    {"error": {"code": "validation_error", "message": "...", "fields": {"email": ["..."]}}}

``code`` is stable and machine-readable; ``message`` is for humans; ``fields`` is
present for validation errors. Services raise ``ApiError`` subclasses (or Django's
``ValidationError``) and never build responses themselves.
"""

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from airbnb.db.routing import replica_failed

logger = logging.getLogger(__name__)


class ApiError(exceptions.APIException):
    """A domain error with a stable code, raised by services and mapped to JSON here."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "bad_request"
    default_detail = "The request could not be processed."

    def __init__(self, detail=None, code=None, *, extra: dict | None = None):
        super().__init__(detail=detail, code=code)
        self.extra = extra or {}


class Conflict(ApiError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The request conflicts with the current state."


class RequestTooLarge(ApiError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"
    default_detail = "The request body is too large."


_CODES = {
    exceptions.ValidationError: "validation_error",
    exceptions.ParseError: "parse_error",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


def error_body(code: str, message: str, fields: dict | None = None, **extra) -> dict:
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    body.update(extra)
    return {"error": body}


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
        exc = exceptions.ParseError("The request has too many fields or files, or is malformed.")

    response = drf_exception_handler(exc, context)
    if response is None:
        # Unhandled: log with the request id, answer the same JSON shape.
        logger.exception("Unhandled API error", exc_info=exc)
        return Response(
            error_body("server_error", "Something went wrong on our side; it has been logged."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )

    if isinstance(exc, ApiError):
        code = getattr(exc.detail, "code", None) or exc.default_code
        body = error_body(str(code), str(exc.detail), **exc.extra)
    elif isinstance(exc, exceptions.ValidationError):
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
    return JsonResponse(error_body("not_found", "No API endpoint or object at this address."), status=404)


def api_server_error(request):
    return JsonResponse(error_body("server_error", "Something went wrong on our side; it has been logged."), status=500)
