"""Calendar errors: their codes (a client switches on them) and default messages."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from airbnb.errors import ApplicationError, CommonErrorCode


class AvailabilityErrorCode(StrEnum):
    NIGHTS_BOOKED = "nights_booked"


class CalendarRangeInvalid(ApplicationError):
    code = CommonErrorCode.INVALID_RANGE
    message = _("The date range is not valid.")


class NightsBooked(ApplicationError):
    code = AvailabilityErrorCode.NIGHTS_BOOKED
    message = _("Some of these nights are booked.")
