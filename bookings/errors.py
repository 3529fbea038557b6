"""Booking errors: their codes (a client switches on them) and default messages.

docs/booking.md lists which step raises which code and what a client should do.
"""

import datetime as dt
from enum import StrEnum

from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

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
    message = _("This booking request is not valid.")


class ListingNotBookable(ApplicationError):
    code = ListingErrorCode.LISTING_NOT_FOUND
    message = _("This listing does not exist or is not open for booking.")


class DatesUnavailable(ApplicationError):
    code = BookingErrorCode.DATES_UNAVAILABLE
    message = _("These dates are not available.")


class PriceChanged(ApplicationError):
    code = BookingErrorCode.PRICE_CHANGED
    message = _("The price of this stay changed.")


class PaymentDeclined(ApplicationError):
    code = DeclineCode.CARD_DECLINED
    message = _("Your card was declined.")


class PaymentsUnavailable(ApplicationError):
    code = PaymentErrorCode.PAYMENTS_UNAVAILABLE
    message = _("We could not reach the payment service. Nothing was charged; please try again.")


class NotAllowed(PermissionDenied):
    message = _("You cannot do this with this booking.")


class IllegalTransition(ApplicationError):
    code = BookingErrorCode.ILLEGAL_TRANSITION
    message = _("This booking cannot change that way.")


# --- messages with values, shared by the services and the booking box ----------------------


def month_day(day: dt.date) -> str:
    """A day as a short month and day in the active language ("Dec 16", "16 dic", "16. Dez")."""
    # Translators: a Django date format for a short month and day; "M j" gives "Dec 16", "j M" gives "16 Dec".
    return date_format(day, pgettext("date format", "M j"))


def stay_too_short_message(check_in: dt.date, min_nights: int) -> str:
    return ngettext(
        "Stays starting %(day)s need at least %(count)s night.",
        "Stays starting %(day)s need at least %(count)s nights.",
        min_nights,
    ) % {"day": month_day(check_in), "count": min_nights}


def dates_unavailable_message(alternatives: list[tuple[dt.date, dt.date]]) -> str:
    """ "These dates are not available.", with the nearest free stay of the same length when there is one."""
    if not alternatives:
        return gettext("These dates are not available.")
    start, end = alternatives[0]
    return gettext("These dates are not available. Try %(start)s - %(end)s.") % {
        "start": month_day(start),
        "end": month_day(end),
    }
