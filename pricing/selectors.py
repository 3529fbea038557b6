"""Price quotes: the one place a stay's price is computed.

Every page, the API and the booking service call ``price_quote`` so they all show
the same numbers, and a booking freezes the quote it was made with.

Money is ``Decimal``; every shown line is rounded to cents (half-up) first and the
total is the sum of the shown lines, so a receipt always adds up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

CENT = Decimal("0.01")
WEEK = 7
MONTH = 28


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class NightLine:
    date: dt.date
    price: Decimal
    source: str  # "base" or "host" (a per-night price set by the host)


@dataclass(frozen=True)
class QuoteLine:
    code: str
    label: str
    amount: Decimal


@dataclass(frozen=True)
class Quote:
    currency: str
    check_in: dt.date
    check_out: dt.date
    guests: int
    nights: list[NightLine]
    lines: list[QuoteLine]
    host_fee: Decimal
    fee_rates: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0"))

    @property
    def nights_count(self) -> int:
        return len(self.nights)

    @property
    def nightly_average(self) -> Decimal:
        return money(sum((n.price for n in self.nights), Decimal("0")) / max(len(self.nights), 1))

    def line(self, code: str) -> Decimal:
        return sum((line.amount for line in self.lines if line.code == code), Decimal("0"))

    @property
    def host_payout(self) -> Decimal:
        """What the host earns: accommodation after discounts, plus cleaning, less the host fee."""
        earned = self.line("accommodation") + self.line("discount") + self.line("cleaning_fee")
        return money(earned - self.host_fee)

    def as_dict(self) -> dict:
        """JSON-safe form, frozen on bookings and returned by the API."""
        return {
            "currency": self.currency,
            "check_in": self.check_in.isoformat(),
            "check_out": self.check_out.isoformat(),
            "guests": self.guests,
            "nights": [{"date": n.date.isoformat(), "price": str(n.price), "source": n.source} for n in self.nights],
            "lines": [{"code": ln.code, "label": ln.label, "amount": str(ln.amount)} for ln in self.lines],
            "total": str(self.total),
            "host_fee": str(self.host_fee),
            "host_payout": str(self.host_payout),
            "fee_rates": self.fee_rates,
        }


def _rate(name: str, default: str) -> Decimal:
    return Decimal(str(getattr(settings, name, default)))


def price_quote(
    *,
    listing,
    check_in: dt.date,
    check_out: dt.date,
    guests: int,
    night_prices: dict[dt.date, Decimal] | None = None,
) -> Quote:
    """Quote a stay.

    ``night_prices`` are the host's per-night prices (from the calendar); when
    omitted they are read from the calendar here. Length-of-stay discounts: the
    monthly one from 28 nights, else the weekly one from 7 nights. The guest service
    fee and taxes apply to accommodation after discount plus cleaning.

    Raises ``ValueError`` when check-out is not after check-in.
    """
    if check_out <= check_in:
        raise ValueError("check_out must be after check_in")
    if night_prices is None:
        from bookings.selectors import calendar_night_prices

        night_prices = calendar_night_prices(listing_id=listing.pk, start=check_in, end=check_out)

    nights: list[NightLine] = []
    day = check_in
    while day < check_out:
        custom = night_prices.get(day)
        if custom is not None:
            nights.append(NightLine(day, money(Decimal(custom)), "host"))
        else:
            nights.append(NightLine(day, money(Decimal(listing.base_price)), "base"))
        day += dt.timedelta(days=1)

    accommodation = money(sum((n.price for n in nights), Decimal("0")))
    count = len(nights)
    lines = [QuoteLine("accommodation", f"{count} night{'s' if count != 1 else ''}", accommodation)]

    discount_pct = 0
    discount_label = ""
    if count >= MONTH and listing.monthly_discount_pct:
        discount_pct, discount_label = listing.monthly_discount_pct, "Monthly stay discount"
    elif count >= WEEK and listing.weekly_discount_pct:
        discount_pct, discount_label = listing.weekly_discount_pct, "Weekly stay discount"
    discount = Decimal("0")
    if discount_pct:
        discount = -money(accommodation * Decimal(discount_pct) / 100)
        lines.append(QuoteLine("discount", f"{discount_label} ({discount_pct}%)", discount))

    cleaning = money(Decimal(listing.cleaning_fee))
    if cleaning:
        lines.append(QuoteLine("cleaning_fee", "Cleaning fee", cleaning))

    fee_base = accommodation + discount + cleaning
    service_rate = _rate("PRICING_GUEST_SERVICE_FEE", "0.12")
    lines.append(QuoteLine("service_fee", "Service fee", money(fee_base * service_rate)))

    tax_rate = _rate("PRICING_TAX_RATE", "0")
    if tax_rate:
        lines.append(QuoteLine("taxes", "Occupancy taxes", money(fee_base * tax_rate)))

    host_rate = _rate("PRICING_HOST_SERVICE_FEE", "0.03")
    return Quote(
        currency=listing.currency,
        check_in=check_in,
        check_out=check_out,
        guests=guests,
        nights=nights,
        lines=lines,
        host_fee=money(fee_base * host_rate),
        fee_rates={"guest_service": str(service_rate), "host_service": str(host_rate), "tax": str(tax_rate)},
    )
