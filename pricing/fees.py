"""A stay's price lines and the platform's fee rates: the one place that names them.

``price_quote`` writes a quote as lines with these codes; bookings freeze that
breakdown, refunds read it back, the API and the booking box show it, and the
search SQL repeats the arithmetic (``search.pricing_sql``). All of them take the
codes, the host's earning lines and the rates from here, so a new fee is one
enum member, one line in ``price_quote`` and, if the host earns it, one entry in
``HOST_EARNING_LINES`` (docs/architecture.md, "Adding a fee").

Rates come from settings (``PRICING_GUEST_SERVICE_FEE``, ``PRICING_HOST_SERVICE_FEE``,
``PRICING_TAX_RATE``, defaults in ``airbnb/settings/base.py`` only).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.conf import settings


class QuoteLineCode(StrEnum):
    """The ``code`` of each line of a quote (and of a booking's frozen ``price_breakdown``)."""

    ACCOMMODATION = "accommodation"  # the nights, extra-guest fees included
    DISCOUNT = "discount"  # weekly or monthly stay discount (negative)
    CLEANING_FEE = "cleaning_fee"
    SERVICE_FEE = "service_fee"  # the guest's service fee (the platform's)
    TAXES = "taxes"  # occupancy taxes (collected for the authorities)


# The host's part of a stay: what the guest service fee, taxes and the host fee are
# charged on, and what a cancellation's host share is measured against.
HOST_EARNING_LINES: tuple[QuoteLineCode, ...] = (
    QuoteLineCode.ACCOMMODATION,
    QuoteLineCode.DISCOUNT,
    QuoteLineCode.CLEANING_FEE,
)


@dataclass(frozen=True)
class FeeRates:
    """The platform's rates, as fractions: guest service fee, host service fee, occupancy tax."""

    guest_service: Decimal
    host_service: Decimal
    tax: Decimal

    @classmethod
    def current(cls) -> FeeRates:
        """The rates in force now (from settings)."""
        return cls(
            guest_service=Decimal(str(settings.PRICING_GUEST_SERVICE_FEE)),
            host_service=Decimal(str(settings.PRICING_HOST_SERVICE_FEE)),
            tax=Decimal(str(settings.PRICING_TAX_RATE)),
        )

    def as_dict(self) -> dict[str, str]:
        """As frozen in a quote's ``fee_rates`` (strings, JSON-safe)."""
        return {"guest_service": str(self.guest_service), "host_service": str(self.host_service), "tax": str(self.tax)}


def breakdown_line(breakdown: dict, code: QuoteLineCode) -> Decimal:
    """The amount of ``code`` in a frozen breakdown (``Quote.as_dict()``); 0 when absent."""
    return sum((Decimal(line["amount"]) for line in breakdown.get("lines", []) if line["code"] == code), Decimal("0"))


def breakdown_sum(breakdown: dict, codes: Iterable[QuoteLineCode]) -> Decimal:
    return sum((breakdown_line(breakdown, code) for code in codes), Decimal("0"))


def host_earnings(breakdown: dict) -> Decimal:
    """What the host's lines of a frozen breakdown add up to, before the host fee."""
    return breakdown_sum(breakdown, HOST_EARNING_LINES)
