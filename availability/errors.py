"""Calendar errors: stable codes for the API, readable messages for pages."""

from airbnb.api.errors import ApiError, Conflict


class CalendarRangeInvalid(ApiError):
    default_code = "invalid_range"
    default_detail = "The date range is not valid."


class NightsBooked(Conflict):
    default_code = "nights_booked"
    default_detail = "Some of these nights are booked."
