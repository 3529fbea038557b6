"""Pricing errors: stable codes for the API, readable messages for pages."""

from airbnb.api.errors import ApiError


class PriceOutOfRange(ApiError):
    default_code = "price_out_of_range"
    default_detail = "This price is outside your minimum and maximum price."


class PricingRangeInvalid(ApiError):
    default_code = "invalid_range"
    default_detail = "The date range is not valid."


class PricingSettingsInvalid(ApiError):
    default_code = "validation_error"
    default_detail = "These pricing settings are not valid."
