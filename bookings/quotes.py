"""What the booking box shows: a stay's price, its live availability and alternatives.

One read used by the listing page, the checkout page and the quote API, so they
all agree on whether dates can be booked and what they cost. Nothing here writes;
``booking_create`` re-checks everything under the listing lock.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext

from availability.selectors import calendar_nearest_available, calendar_nights, calendar_taken_dates
from listings.localtime import listing_today
from pricing.fees import QuoteLineCode, breakdown_line_label
from pricing.selectors import Quote, money, price_quote

from .errors import stay_too_short_message
from .services.booking import BookingInvalid, booking_validate_request


@dataclass(frozen=True)
class BookingBox:
    """The answer for one (listing, dates, guests).

    ``reason`` is ``None`` when the stay can be booked, else ``{"code", "message"}``
    with the first problem found (invalid request, too short, or nights taken).
    ``alternatives`` are free stays of the same length near the wanted dates,
    offered when nights are taken.
    """

    check_in: dt.date
    check_out: dt.date
    guests: int
    quote: Quote
    reason: dict | None
    alternatives: list[tuple[dt.date, dt.date]] = field(default_factory=list)

    @property
    def available(self) -> bool:
        return self.reason is None

    @property
    def nights(self) -> int:
        return (self.check_out - self.check_in).days

    @property
    def reason_code(self) -> str | None:
        return self.reason["code"] if self.reason else None

    @property
    def query(self) -> str:
        """This stay as a query string (``check_in=...&check_out=...&guests=...``)."""
        return stay_query(self.check_in, self.check_out, self.guests)

    @property
    def alternative_stays(self) -> list[dict]:
        """Alternatives with their query strings, for links that re-fill a dates form."""
        return [{"check_in": a, "check_out": b, "query": stay_query(a, b, self.guests)} for a, b in self.alternatives]

    def as_dict(self) -> dict:
        """The quote API's body."""
        return {
            "available": self.available,
            "reason": self.reason,
            "quote": self.quote.as_dict(),
            "alternatives": [{"check_in": a.isoformat(), "check_out": b.isoformat()} for a, b in self.alternatives],
        }


def stay_query(check_in: dt.date, check_out: dt.date, guests: int) -> str:
    return urlencode({"check_in": check_in.isoformat(), "check_out": check_out.isoformat(), "guests": guests})


def booking_box(*, listing, check_in: dt.date, check_out: dt.date, guests: int, user=None) -> BookingBox:
    """Quote a stay and say whether ``user`` could book it now.

    Applies the booking service's request checks (own listing, past dates, window,
    length, capacity), the minimum stay starting on ``check_in`` (per-night
    override or the listing's) and the calendar. Anonymous visitors (``user`` None
    or anonymous) get the same answer minus the own-listing check.

    Raises ``ValueError`` when ``check_out`` is not after ``check_in`` (forms and
    serializers reject that first).
    """
    if check_out <= check_in:
        raise ValueError("check_out must be after check_in")
    today = listing_today(listing)
    reason = None
    try:
        booking_validate_request(
            listing=listing,
            guest=user if user is not None and user.is_authenticated else AnonymousUser(),
            check_in=check_in,
            check_out=check_out,
            guests=guests,
            today=today,
        )
    except BookingInvalid as exc:
        reason = {"code": str(exc.code), "message": exc.message}
    rows = calendar_nights(listing_id=listing.pk, start=check_in, end=check_out)
    arrival = rows.get(check_in)
    min_nights = arrival.min_nights if arrival and arrival.min_nights else listing.min_nights
    nights = (check_out - check_in).days
    if reason is None and nights < min_nights:
        reason = {
            "code": "stay_too_short",
            "message": stay_too_short_message(check_in, min_nights),
        }
    taken = any(row.status != "available" for row in rows.values())
    if reason is None and taken:
        reason = {"code": "dates_unavailable", "message": gettext("These dates are not available.")}
    alternatives = []
    if taken and check_in >= today:
        alternatives = calendar_nearest_available(listing=listing, check_in=check_in, nights=nights, today=today)
    quote = price_quote(
        listing=listing,
        check_in=check_in,
        check_out=check_out,
        guests=guests,
        night_prices={d: r.price for d, r in rows.items() if r.price is not None},
    )
    return BookingBox(check_in, check_out, guests, quote, reason, alternatives)


# --- presentation of a breakdown -------------------------------------------------------


@dataclass(frozen=True)
class BreakdownLine:
    code: str
    label: str
    amount: Decimal
    # Accommodation only: the average nightly price, shown as "€120 x 3 nights".
    nightly_average: Decimal | None = None

    @property
    def is_credit(self) -> bool:
        return self.amount < 0

    @property
    def magnitude(self) -> Decimal:
        return abs(self.amount)


def breakdown_lines(breakdown: dict) -> list[BreakdownLine]:
    """Receipt lines of a quote dict (``Quote.as_dict()`` or a booking's frozen breakdown)."""
    nights = breakdown.get("nights") or []
    average = money(sum((Decimal(n["price"]) for n in nights), Decimal("0")) / len(nights)) if nights else None
    return [
        BreakdownLine(
            code=line["code"],
            label=breakdown_line_label(line, breakdown),
            amount=Decimal(line["amount"]),
            nightly_average=average if line["code"] == QuoteLineCode.ACCOMMODATION else None,
        )
        for line in breakdown.get("lines", [])
    ]


# --- the availability calendar -------------------------------------------------------


@dataclass(frozen=True)
class CalendarDay:
    date: dt.date
    available: bool
    past: bool
    chosen: bool = False  # a night of the stay being quoted


@dataclass(frozen=True)
class CalendarMonth:
    first: dt.date
    weeks: list[list[CalendarDay | None]]  # None pads days outside the month
    unavailable_ranges: list[tuple[dt.date, dt.date]]  # inclusive first and last taken night

    @property
    def fully_available(self) -> bool:
        return not self.unavailable_ranges


def availability_months(
    *,
    listing,
    months: int = 3,
    today: dt.date | None = None,
    chosen: tuple[dt.date, dt.date] | None = None,
) -> list[CalendarMonth]:
    """Month grids (Monday first) from this month on, marking nights that cannot be booked.

    Past days count as unavailable but are not listed as taken ranges (the text
    alternative names booked or blocked nights only). ``chosen`` (check-in,
    check-out) marks the nights of a stay being quoted. One query for all months.
    """
    today = today or listing_today(listing)
    first = today.replace(day=1)
    starts = [first]
    for _ in range(months):
        last = starts[-1]
        starts.append((last + dt.timedelta(days=32)).replace(day=1))
    taken = calendar_taken_dates(listing_id=listing.pk, start=max(first, today), end=starts[-1])
    grid = calendar.Calendar(firstweekday=calendar.MONDAY)
    result = []
    for start in starts[:-1]:
        weeks = [
            [
                CalendarDay(
                    day,
                    available=day >= today and day not in taken,
                    past=day < today,
                    chosen=chosen is not None and chosen[0] <= day < chosen[1],
                )
                if day.month == start.month
                else None
                for day in week
            ]
            for week in grid.monthdatescalendar(start.year, start.month)
        ]
        ranges: list[tuple[dt.date, dt.date]] = []
        for day in sorted(d for d in taken if d.year == start.year and d.month == start.month):
            if ranges and ranges[-1][1] + dt.timedelta(days=1) == day:
                ranges[-1] = (ranges[-1][0], day)
            else:
                ranges.append((day, day))
        result.append(CalendarMonth(start, weeks, ranges))
    return result
