"""Booking errors: their codes (a client switches on them) and default messages.

docs/booking.md lists which step raises which code and what a client should do.
"""

from enum import StrEnum

from airbnb.errors import ApplicationError, PermissionDenied
from listings.errors import ListingErrorCode
from payments.errors import DeclineCode, PaymentErrorCode


class BookingErrorCode(StrEnum):
    BOOKING_INVALID = "booking_invalid"
    DATES_INVALID = "dates_invalid"
    DATES_IN_PAST = "dates_in_past"
    DATES_OUT_OF_WINDOW = "dates_out_of_window"
    STAY_TOO_LONG = "stay_too_long"
    STAY_TOO_SHORT = "stay_too_short"
    GUESTS_INVALID = "guests_invalid"
    TOO_MANY_GUESTS = "too_many_guests"
    DATES_UNAVAILABLE = "dates_unavailable"
    HOLD_EXPIRED = "hold_expired"
    PRICE_CHANGED = "price_changed"
    REQUEST_EXPIRED = "request_expired"
    STAY_OVER = "stay_over"
    USE_DECLINE = "use_decline"
    NOT_CANCELLABLE = "not_cancellable"
    ILLEGAL_TRANSITION = "illegal_transition"
    BOOKING_NOT_COMPLETED = "booking_not_completed"


class BookingInvalid(ApplicationError):
    code = BookingErrorCode.BOOKING_INVALID
    message = "This booking request is not valid."


class ListingNotBookable(ApplicationError):
    code = ListingErrorCode.LISTING_NOT_FOUND
    message = "This listing does not exist or is not open for booking."


class DatesUnavailable(ApplicationError):
    code = BookingErrorCode.DATES_UNAVAILABLE
    message = "These dates are not available."


class PriceChanged(ApplicationError):
    code = BookingErrorCode.PRICE_CHANGED
    message = "The price of this stay changed."


class PaymentDeclined(ApplicationError):
    code = DeclineCode.CARD_DECLINED
    message = "Your card was declined."


class PaymentsUnavailable(ApplicationError):
    code = PaymentErrorCode.PAYMENTS_UNAVAILABLE
    message = "We could not reach the payment service. Nothing was charged; please try again."


class NotAllowed(PermissionDenied):
    message = "You cannot do this with this booking."


class IllegalTransition(ApplicationError):
    code = BookingErrorCode.ILLEGAL_TRANSITION
    message = "This booking cannot change that way."
