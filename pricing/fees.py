"""A stay's price lines and the platform's fee rates: the one place that names them.

``price_quote`` writes a quote as lines with these codes; bookings freeze that
breakdown, refunds read it back, the API and the booking box show it, and the
search SQL repeats the arithmetic (``search.pricing_sql``). All of them take the
codes, the host's flat fees, the host's earning lines and the rates from here, so
a new host-set fee is one enum member and one ``HOST_FLAT_FEES`` entry here
(docs/architecture.md, "Adding a host-set fee").

Rates come from settings (``PRICING_GUEST_SERVICE_FEE``, ``PRICING_HOST_SERVICE_FEE``,
``PRICING_TAX_RATE``, defaults in ``airbnb/settings/base.py`` only).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _


class QuoteLineCode(StrEnum):
    """The ``code`` of each line of a quote (and of a booking's frozen ``price_breakdown``)."""

    ACCOMMODATION = "accommodation"  # the nights, extra-guest fees included
    DISCOUNT = "discount"  # weekly or monthly stay discount (negative)
    CLEANING_FEE = "cleaning_fee"
    SERVICE_FEE = "service_fee"  # the guest's service fee (the platform's)
    TAXES = "taxes"  # occupancy taxes (collected for the authorities)


@dataclass(frozen=True)
class HostFlatFee:
    """A fee the host sets once per stay: its quote line, the listing field holding it, its label."""

    code: QuoteLineCode
    field: str
    label: str  # a lazy translation: str() it in the reader's language


# Every flat fee is the host's money: it joins the nights in what the guest service
# fee, taxes and the host fee are charged on, and is refunded in full while the stay
# has not started (``bookings.policies``). ``price_quote``, refunds and the search SQL
# read this tuple; a new fee is a listing field (in ``LISTING_PRICE_FIELDS``) and a line here.
HOST_FLAT_FEES: tuple[HostFlatFee, ...] = (HostFlatFee(QuoteLineCode.CLEANING_FEE, "cleaning_fee", _("Cleaning fee")),)

# The host's part of a stay: what the guest service fee, taxes and the host fee are
# charged on, and what a cancellation's host share is measured against.
HOST_EARNING_LINES: tuple[QuoteLineCode, ...] = (
    QuoteLineCode.ACCOMMODATION,
    QuoteLineCode.DISCOUNT,
    *(fee.code for fee in HOST_FLAT_FEES),
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


# --- line labels, in the reader's language ----------------------------------------------
#
# A line's label is rendered from its code and ``params`` when it is read, never stored
# translated: a booking's frozen breakdown keeps the English label (for support and old
# rows) and ``params``, and each reader sees the label in their own language.

_LEGACY_DISCOUNT = re.compile(r"^(Weekly|Monthly) stay discount \((\d+)%\)$")


def quote_line_label(code: str, params: Mapping) -> str:
    """The label of a quote line in the active language, from its code and params.

    ``params``: ``nights`` and, with extra guests, ``extra`` and ``currency`` (accommodation);
    ``period`` ("weekly" or "monthly") and ``pct`` (discount).
    """
    if code == QuoteLineCode.ACCOMMODATION:
        nights = int(params.get("nights", 0))
        if params.get("extra"):
            return ngettext(
                "%(count)s night (incl. %(amount)s %(currency)s extra-guest fee)",
                "%(count)s nights (incl. %(amount)s %(currency)s extra-guest fee)",
                nights,
            ) % {
                "count": nights,
                "amount": number_format(Decimal(params["extra"]), decimal_pos=2),
                "currency": params.get("currency", ""),
            }
        return ngettext("%(count)s night", "%(count)s nights", nights) % {"count": nights}
    if code == QuoteLineCode.DISCOUNT:
        text = (
            gettext("Monthly stay discount (%(pct)s%%)")
            if params.get("period") == "monthly"
            else gettext("Weekly stay discount (%(pct)s%%)")
        )
        return text % {"pct": params.get("pct", "")}
    if code == QuoteLineCode.SERVICE_FEE:
        return gettext("Service fee")
    if code == QuoteLineCode.TAXES:
        return gettext("Occupancy taxes")
    for fee in HOST_FLAT_FEES:
        if fee.code == code:
            return str(fee.label)
    return str(code)


def _frozen_line_params(line: dict, breakdown: dict) -> dict | None:
    """The params of a frozen line; rebuilt from the breakdown for rows frozen before lines had them."""
    if "params" in line:
        return line["params"]
    code = line.get("code")
    if code == QuoteLineCode.ACCOMMODATION:
        extra = breakdown.get("extra_guests") or {}
        params = {"nights": len(breakdown.get("nights") or [])}
        if extra.get("count") and Decimal(extra.get("total") or 0):
            params.update(extra=extra["total"], currency=breakdown.get("currency", ""))
        return params
    if code == QuoteLineCode.DISCOUNT:
        match = _LEGACY_DISCOUNT.match(line.get("label", ""))
        return {"period": match[1].lower(), "pct": int(match[2])} if match else None
    return {}


def breakdown_line_label(line: dict, breakdown: dict) -> str:
    """The label of one line of a quote dict (fresh or frozen on a booking), in the active language."""
    params = _frozen_line_params(line, breakdown)
    return line.get("label", "") if params is None else quote_line_label(line["code"], params)


def breakdown_for_reader(breakdown: dict) -> dict:
    """A quote dict with its line labels in the active language (what the API returns)."""
    if not breakdown.get("lines"):
        return breakdown
    lines = [{**line, "label": breakdown_line_label(line, breakdown)} for line in breakdown["lines"]]
    return {**breakdown, "lines": lines}


def breakdown_line(breakdown: dict, code: QuoteLineCode) -> Decimal:
    """The amount of ``code`` in a frozen breakdown (``Quote.as_dict()``); 0 when absent."""
    return sum((Decimal(line["amount"]) for line in breakdown.get("lines", []) if line["code"] == code), Decimal("0"))


def breakdown_sum(breakdown: dict, codes: Iterable[QuoteLineCode]) -> Decimal:
    return sum((breakdown_line(breakdown, code) for code in codes), Decimal("0"))


def host_earnings(breakdown: dict) -> Decimal:
    """What the host's lines of a frozen breakdown add up to, before the host fee."""
    return breakdown_sum(breakdown, HOST_EARNING_LINES)
