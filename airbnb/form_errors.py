"""Where a page shows an application error: one table from error code to form field.

The API answers an ``ApplicationError`` with its code's HTTP status
(``airbnb.api.errors``); a page puts its message next to the field the code is
about, or above the form when the code names none (or the form lacks that field).
Pages decide by the code, never by the exception's class or an HTTP number, so an
error replayed from its stored code (the checkout's idempotency key) lands where
the first one did.
"""

from __future__ import annotations

from enum import StrEnum

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import Http404

from airbnb.api.errors import ERROR_CODES, HTTP_STATUS_BY_CODE
from airbnb.errors import ApplicationError
from bookings.errors import BookingErrorCode
from hosttools.errors import FeedErrorCode, HosttoolsErrorCode
from payments.errors import DeclineCode
from pricing.errors import PricingErrorCode

_B = BookingErrorCode

FORM_FIELD_BY_CODE: dict[StrEnum, str] = {
    # the stay (the checkout's and the booking box's stay form)
    _B.DATES_INVALID: "check_out",
    _B.DATES_IN_PAST: "check_in",
    _B.DATES_OUT_OF_WINDOW: "check_out",
    _B.STAY_TOO_LONG: "check_out",
    _B.STAY_TOO_SHORT: "check_out",
    _B.GUESTS_INVALID: "guests",
    _B.TOO_MANY_GUESTS: "guests",
    # the card
    **{code: "card_number" for code in DeclineCode},
    # a calendar to import
    HosttoolsErrorCode.INVALID_FEED: "url",
    HosttoolsErrorCode.FEED_DUPLICATE: "url",
    HosttoolsErrorCode.FEED_LIMIT: "url",
    **{code: "url" for code in FeedErrorCode},
    # a host's nightly price
    PricingErrorCode.PRICE_OUT_OF_RANGE: "price",
}


def form_field_for(code: str, form: forms.BaseForm) -> str | None:
    """The field of ``form`` an error with ``code`` belongs to; None: above the form."""
    field = FORM_FIELD_BY_CODE.get(code)
    return field if field in form.fields else None


def form_add_application_error(form: forms.BaseForm, exc: ApplicationError) -> None:
    form.add_error(form_field_for(exc.code, form), exc.message)


class ApplicationErrorPageMiddleware:
    """Pages answer an access error (``<app>/access.py``) with the site's 404 or 403 page.

    A view calls ``access_listing(...)`` and lets its ``NotFound`` / ``PermissionDenied``
    propagate: the same page as ``Http404`` / Django's ``PermissionDenied`` would give.
    Other application errors are the view's to show (in its form); one that escapes
    is a bug and stays a 500. DRF views never get here: their handler answers first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ApplicationError):
            return None
        status = HTTP_STATUS_BY_CODE.get(exception.code)
        if status == 404:
            return response_for_exception(request, Http404(exception.message))
        if status == 403:
            return response_for_exception(request, PermissionDenied(exception.message))
        return None


def page_status(exc: ApplicationError) -> int:
    """The status a page answers with when it shows this error (the API's, for the same code)."""
    return HTTP_STATUS_BY_CODE[exc.code]


def application_error_from_body(code: str, body: dict) -> ApplicationError:
    """Rebuild a stored error (``{"error": {"code", "message", **extra}}``) from its code."""
    error = dict(body["error"])
    error.pop("code", None)
    message = error.pop("message")
    return ApplicationError(ERROR_CODES[code], message, **error)
