"""Cancellation policies: what a guest gets back, in exact numbers.

Times are compared with the instant of check-in: the listing's check-in time on the
check-in date in the listing's own time zone (``listings.localtime.listing_check_in_at``).
"Unspent nights" are the nights that have not started yet at cancellation time.

* Flexible: full refund until 24 hours before check-in. After that, the first
  unspent night is kept and the other unspent nights are refunded.
* Moderate: full refund until 5 days before check-in. After that, 50% of the
  unspent nights is refunded.
* Strict: full refund if cancelled within 48 hours of booking and at least 14 days
  before check-in; 50% of the nights until 7 days before check-in; nothing after.

Everywhere: the cleaning fee is refunded if the stay has not started; the guest
service fee only with a full refund; taxes follow the amounts they were charged on.
A host who cancels refunds everything (see ``booking_cancel_by_host``).

What guests and hosts read about each policy is ``listings.models.POLICY_TEXT``
(next to the listing's ``cancellation_policy`` choices); keep the two in step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

from pricing.fees import HOST_FLAT_FEES, QuoteLineCode, breakdown_line, breakdown_sum, host_earnings
from pricing.selectors import money


@dataclass(frozen=True)
class RefundQuote:
    refund: Decimal
    kept: Decimal
    lines: list[tuple[str, Decimal]]
    full: bool
    explanation: str
    # The part of the refund that is the host's money (nights and cleaning), which
    # reduces the host's payout; fees and taxes are the platform's.
    host_share_refunded: Decimal = Decimal("0")

    def as_dict(self) -> dict:
        return {
            "refund": str(self.refund),
            "kept": str(self.kept),
            "full_refund": self.full,
            "lines": [{"label": label, "amount": str(amount)} for label, amount in self.lines],
            "explanation": self.explanation,
        }


def refund_quote(
    *,
    policy: str,
    breakdown: dict,
    check_in: dt.datetime,
    nights: int,
    booked_at: dt.datetime,
    now: dt.datetime,
    full: bool = False,
) -> RefundQuote:
    """What a cancellation at ``now`` refunds, from the booking's frozen price breakdown.

    ``full=True`` forces a full refund (host cancellations, unconfirmed requests).
    """
    total = Decimal(breakdown["total"])
    accommodation = breakdown_sum(breakdown, (QuoteLineCode.ACCOMMODATION, QuoteLineCode.DISCOUNT))
    flat_fees = [(str(fee.label), breakdown_line(breakdown, fee.code)) for fee in HOST_FLAT_FEES]
    flat_total = sum((amount for _, amount in flat_fees), Decimal("0"))
    service = breakdown_line(breakdown, QuoteLineCode.SERVICE_FEE)
    taxes = breakdown_line(breakdown, QuoteLineCode.TAXES)

    before = check_in - now
    started = before <= dt.timedelta(0)
    nights_spent = 0 if not started else min(nights, (now - check_in).days + 1)
    unspent = nights - nights_spent
    per_night = accommodation / nights if nights else Decimal("0")

    if full:
        return _full(total, breakdown, gettext("Everything you paid is refunded."))

    if policy == "flexible":
        if before >= dt.timedelta(hours=24):
            return _full(total, breakdown)
        refunded_nights = max(unspent - 1, 0)
        fraction = Decimal(1)
        why = gettext("Cancelled less than 24 hours before check-in: the first unspent night is kept.")
    elif policy == "moderate":
        if before >= dt.timedelta(days=5):
            return _full(total, breakdown)
        refunded_nights = unspent
        fraction = Decimal("0.5")
        why = gettext("Cancelled less than 5 days before check-in: 50%% of the unspent nights is refunded.") % {}
    elif policy == "strict":
        if now - booked_at <= dt.timedelta(hours=48) and before >= dt.timedelta(days=14):
            return _full(total, breakdown)
        if before >= dt.timedelta(days=7):
            refunded_nights = nights
            fraction = Decimal("0.5")
            why = gettext("Cancelled at least 7 days before check-in: 50%% of the nights is refunded.") % {}
        else:
            refunded_nights = 0
            fraction = Decimal(0)
            why = gettext("Cancelled less than 7 days before check-in: the nights are not refundable.")
    else:
        raise ValueError(f"unknown cancellation policy {policy!r}")

    nights_refund = money(per_night * refunded_nights * fraction)
    # Flat fees (cleaning...) come back in full while the stay has not started.
    fees_refund = flat_total if not started else Decimal("0")
    taxed_base = accommodation + flat_total
    taxes_refund = money(taxes * (nights_refund + fees_refund) / taxed_base) if taxes and taxed_base else Decimal("0")
    lines = [(gettext("Nights"), nights_refund)]
    if not started:
        lines += [(label, amount) for label, amount in flat_fees if amount]
    if taxes_refund:
        lines.append((gettext("Taxes"), taxes_refund))
    refund = nights_refund + fees_refund + taxes_refund
    if service and refund:
        why = gettext("%(explanation)s The service fee is not refunded.") % {"explanation": why}
    return RefundQuote(refund, total - refund, lines, False, why, nights_refund + fees_refund)


def _full(total: Decimal, breakdown: dict, why: str = "") -> RefundQuote:
    host_share = host_earnings(breakdown)
    why = why or gettext("You are within the free cancellation period.")
    return RefundQuote(total, Decimal("0"), [(gettext("Full refund"), total)], True, why, host_share)
