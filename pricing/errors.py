"""Pricing errors: their codes (a client switches on them) and default messages."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from airbnb.errors import ApplicationError, CommonErrorCode


class PricingErrorCode(StrEnum):
    PRICE_OUT_OF_RANGE = "price_out_of_range"


class PriceOutOfRange(ApplicationError):
    code = PricingErrorCode.PRICE_OUT_OF_RANGE
    message = _("This price is outside your minimum and maximum price.")


class PricingRangeInvalid(ApplicationError):
    code = CommonErrorCode.INVALID_RANGE
    message = _("The date range is not valid.")


class PricingSettingsInvalid(ApplicationError):
    code = CommonErrorCode.VALIDATION_ERROR
    message = _("These pricing settings are not valid.")
