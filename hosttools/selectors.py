"""Host tools reads: the host's listings, today's arrivals and requests, calendars, earnings.

Every read is scoped to the host: a listing of someone else is "not found".
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR

from availability.models import CalendarNight, NightStatus
from bookings.models import Booking, BookingStatus
from listings.localtime import DEFAULT_ZONE, listing_today, local_today
from listings.models import Listing, ListingStatus
from listings.selectors import host_today
from payments.models import TRANSFERRED_PAYOUT_STATES, PayoutEntry
from pricing.models import ListingCompetitiveness, ListingPricing
from pricing.rules import night_price
from pricing.selectors import NightPricing, price_suggestions_for_listings, pricing_rules_for_listings

from .models import CalendarImport, ImportedNight

S = BookingStatus


def host_listings(*, host) -> QuerySet[Listing]:
    """The host's listings (deleted ones left out), by title."""
    return Listing.objects.filter(host=host).exclude(status=ListingStatus.DELETED).order_by("title", "pk")


def host_listing_get(*, host, listing_id: int) -> Listing:
    """One of the host's listings; ``Listing.DoesNotExist`` for anyone else's (callers answer 404)."""
    return host_listings(host=host).get(pk=listing_id)


# --- Today -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TodayOverview:
    today: dt.date
    arriving: list[Booking]
    departing: list[Booking]
    staying: list[Booking]
    requests: list[Booking]
    feed_errors: list[CalendarImport]


def today_overview(*, host, today: dt.date | None = None, days: int = 7) -> TodayOverview:
    """Check-ins and check-outs in the next ``days`` days, guests staying now, open requests, broken feeds.

    Days are the host's (``listings.selectors.host_today``).
    """
    today = today or host_today(host=host)
    horizon = today + dt.timedelta(days=days)
    mine = Booking.objects.filter(listing__host=host).select_related("listing", "guest")
    confirmed = mine.filter(status__in=(S.CONFIRMED, S.COMPLETED))
    now = timezone.now()
    return TodayOverview(
        today=today,
        arriving=list(confirmed.filter(check_in__gte=today, check_in__lt=horizon).order_by("check_in", "pk")),
        departing=list(confirmed.filter(check_out__gte=today, check_out__lt=horizon).order_by("check_out", "pk")),
        staying=list(confirmed.filter(check_in__lt=today, check_out__gt=today).order_by("check_out", "pk")),
        requests=list(
            mine.filter(status=S.AWAITING_HOST)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .order_by("expires_at", "pk")
        ),
        feed_errors=list(
            CalendarImport.objects.filter(listing__host=host, status=CalendarImport.Status.ERROR)
            .exclude(listing__status=ListingStatus.DELETED)
            .select_related("listing")
        ),
    )


# --- the calendar ------------------------------------------------------------------------


@dataclass(frozen=True)
class DayCell:
    date: dt.date
    in_month: bool
    past: bool
    status: str  # available / held / booked / blocked
    price: Decimal | None  # what a guest pays for this night (before fees); None in the past
    price_source: str  # "host" (the host's price), "smart" (applied by Smart Pricing), "rules", "base"
    price_reasons: tuple[str, ...] = ()
    suggestion: Decimal | None = None
    suggestion_reasons: tuple[str, ...] = ()
    min_nights: int | None = None
    booking: Booking | None = None
    booking_starts: bool = False  # first night of the booking (or of a week row)
    imported: bool = False

    @property
    def taken(self) -> bool:
        return self.status in (NightStatus.HELD, NightStatus.BOOKED, NightStatus.BLOCKED)


@dataclass(frozen=True)
class MonthGrid:
    listing: Listing
    month: dt.date
    weeks: list[list[DayCell]]
    previous_month: dt.date
    next_month: dt.date
    smart_pricing: bool = False
    # Monday first; Django's own abbreviations, in the page's language.
    labels: list[str] = field(default_factory=lambda: [WEEKDAYS_ABBR[day] for day in range(7)])


def _cells(
    *,
    listing: Listing,
    days: list[dt.date],
    rows: dict[dt.date, CalendarNight],
    pricing: dict[dt.date, NightPricing],
    imported: set[dt.date],
    today: dt.date,
    month: dt.date | None = None,
) -> list[DayCell]:
    cells = []
    previous_booking = None
    for index, day in enumerate(days):
        row = rows.get(day)
        night = pricing.get(day)
        status = row.status if row is not None else NightStatus.AVAILABLE
        price, source, reasons = None, "base", ()
        if row is not None and row.price is not None:
            price = row.price
            smart = night is not None and night.applied_price is not None and night.applied_price == row.price
            source = "smart" if smart else "host"
            reasons = tuple(r.label for r in night.suggestion_reasons) if smart else ()
        elif night is not None:
            price = night.rule_price
            source = "rules" if night.rule_reasons else "base"
            reasons = tuple(r.label for r in night.rule_reasons)
        booking = row.booking if row is not None and row.booking_id else None
        cells.append(
            DayCell(
                date=day,
                in_month=month is None or (day.year, day.month) == (month.year, month.month),
                past=day < today,
                status=status,
                price=price,
                price_source=source,
                price_reasons=reasons,
                suggestion=night.suggestion if night else None,
                suggestion_reasons=tuple(r.label for r in night.suggestion_reasons) if night else (),
                min_nights=row.min_nights if row is not None else None,
                booking=booking,
                booking_starts=booking is not None and (booking.pk != previous_booking or index % 7 == 0),
                imported=day in imported,
            )
        )
        previous_booking = booking.pk if booking is not None else None
    return cells


def _calendar_rows(listing_ids: list[int], start: dt.date, end: dt.date) -> dict[int, dict[dt.date, CalendarNight]]:
    result: dict[int, dict[dt.date, CalendarNight]] = {pk: {} for pk in listing_ids}
    rows = CalendarNight.objects.filter(listing_id__in=listing_ids, date__gte=start, date__lt=end).select_related(
        "booking", "booking__guest"
    )
    for row in rows:
        result[row.listing_id][row.date] = row
    return result


def _imported(listing_ids: list[int], start: dt.date, end: dt.date) -> dict[int, set[dt.date]]:
    result: dict[int, set[dt.date]] = {pk: set() for pk in listing_ids}
    for pk, day in ImportedNight.objects.filter(listing_id__in=listing_ids, date__gte=start, date__lt=end).values_list(
        "listing_id", "date"
    ):
        result[pk].add(day)
    return result


def calendar_month(*, listing: Listing, month: dt.date, today: dt.date | None = None) -> MonthGrid:
    """The month grid (Monday first, whole weeks) of one listing with statuses, prices and suggestions."""
    today = today or listing_today(listing)
    month = month.replace(day=1)
    first = month - dt.timedelta(days=month.weekday())
    last_day = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    end = last_day + dt.timedelta(days=7 - last_day.weekday())
    days = [first + dt.timedelta(days=i) for i in range((end - first).days)]
    rows = _calendar_rows([listing.pk], first, end)[listing.pk]
    pricing = {
        night.date: night
        for night in price_suggestions_for_listings(listings=[listing], start=first, end=end, today=today).get(
            listing.pk, []
        )
    }
    cells = _cells(
        listing=listing,
        days=days,
        rows=rows,
        pricing=pricing,
        imported=_imported([listing.pk], first, end)[listing.pk],
        today=today,
        month=month,
    )
    previous_month = (month - dt.timedelta(days=1)).replace(day=1)
    next_month = last_day + dt.timedelta(days=1)
    smart = ListingPricing.objects.filter(listing=listing, smart_pricing=True).exists()
    return MonthGrid(
        listing=listing,
        month=month,
        weeks=[cells[i : i + 7] for i in range(0, len(cells), 7)],
        previous_month=previous_month,
        next_month=next_month,
        smart_pricing=smart,
    )


@dataclass(frozen=True)
class ListingRow:
    listing: Listing
    cells: list[DayCell]


def calendar_multi(
    *, listings: list[Listing], start: dt.date, days: int, today: dt.date | None = None
) -> list[ListingRow]:
    """Several listings side by side for ``days`` days from ``start``: a fixed number of queries.

    ``today`` (which days are drawn as past) defaults to the first listing's (views pass the host's,
    ``host_today``); prices are each listing's own, counted from its own today as its quotes are.
    """
    today = today or (listing_today(listings[0]) if listings else local_today(DEFAULT_ZONE))
    end = start + dt.timedelta(days=days)
    ids = [listing.pk for listing in listings]
    rows = _calendar_rows(ids, start, end)
    imported = _imported(ids, start, end)
    pricing = price_suggestions_for_listings(listings=listings, start=start, end=end)
    day_list = [start + dt.timedelta(days=i) for i in range(days)]
    return [
        ListingRow(
            listing=listing,
            cells=_cells(
                listing=listing,
                days=day_list,
                rows=rows[listing.pk],
                pricing={night.date: night for night in pricing.get(listing.pk, [])},
                imported=imported[listing.pk],
                today=today,
            ),
        )
        for listing in listings
    ]


# --- listings overview -------------------------------------------------------------------


@dataclass(frozen=True)
class ListingOverview:
    listing: Listing
    pricing: ListingPricing | None
    competitiveness: ListingCompetitiveness | None
    tonight: Decimal | None
    feeds: int
    feed_errors: int


def listings_overview(*, host, today: dt.date | None = None) -> list[ListingOverview]:
    """The host's listings with pricing settings, tonight's automatic price, competitiveness and feed health.

    "Tonight" is each listing's own night (``listing_today``), priced as a guest booking it now would be;
    ``today`` forces one date for all.
    """
    listings = list(
        host_listings(host=host).annotate(
            feed_count=Count("ical_imports", distinct=True),
            feed_error_count=Count(
                "ical_imports", filter=Q(ical_imports__status=CalendarImport.Status.ERROR), distinct=True
            ),
        )
    )
    ids = [listing.pk for listing in listings]
    settings_rows = {row.listing_id: row for row in ListingPricing.objects.filter(listing_id__in=ids)}
    competitiveness = {row.listing_id: row for row in ListingCompetitiveness.objects.filter(listing_id__in=ids)}
    tonights = {listing.pk: today or listing_today(listing) for listing in listings}
    days = set(tonights.values()) or {today or host_today(host=host)}
    rules = pricing_rules_for_listings(listing_ids=ids, start=min(days), end=max(days) + dt.timedelta(days=1))
    tonight_prices = {
        listing_id: price
        for listing_id, day, price in CalendarNight.objects.filter(
            listing_id__in=ids, date__in=days, price__isnull=False
        ).values_list("listing_id", "date", "price")
        if tonights[listing_id] == day
    }
    result = []
    for listing in listings:
        tonight = tonight_prices.get(listing.pk)
        if tonight is None and listing.base_price is not None:
            day = tonights[listing.pk]
            tonight = night_price(base=listing.base_price, day=day, rules=rules[listing.pk], today=day)[0]
        result.append(
            ListingOverview(
                listing=listing,
                pricing=settings_rows.get(listing.pk),
                competitiveness=competitiveness.get(listing.pk),
                tonight=tonight,
                feeds=listing.feed_count,
                feed_errors=listing.feed_error_count,
            )
        )
    return result


# --- earnings ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EarningsMonth:
    month: dt.date
    currency: str
    paid: Decimal
    scheduled: Decimal
    cancelled: Decimal
    payouts: int
    awaiting: Decimal = Decimal("0")


def _earnings_sums(zero: Decimal) -> dict:
    """Paid (transferred, net of what cancellations took back), upcoming (scheduled),
    awaiting transfer (due: released or refused), cancelled."""
    status = PayoutEntry.Status
    return {
        "paid": Sum(F("amount") - F("amount_reversed"), filter=Q(status__in=TRANSFERRED_PAYOUT_STATES), default=zero),
        "scheduled": Sum("amount", filter=Q(status=status.SCHEDULED), default=zero),
        "awaiting": Sum("amount", filter=Q(status__in=[status.RELEASED, status.FAILED]), default=zero),
        "cancelled": Sum("amount", filter=Q(status=status.CANCELLED), default=zero),
    }


def earnings_by_month(*, host) -> list[EarningsMonth]:
    """Payouts per month (of release) and currency, summed in SQL: paid, upcoming, awaiting transfer, cancelled."""
    zero = Decimal("0")
    rows = (
        PayoutEntry.objects.filter(host=host)
        .annotate(month=TruncMonth("release_at"))
        .values("month", "currency")
        .annotate(**_earnings_sums(zero), payouts=Count("id", filter=~Q(status=PayoutEntry.Status.CANCELLED)))
        .order_by("-month", "currency")
    )
    return [
        EarningsMonth(
            month=row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"],
            currency=row["currency"],
            paid=row["paid"],
            scheduled=row["scheduled"],
            cancelled=row["cancelled"],
            payouts=row["payouts"],
            awaiting=row["awaiting"],
        )
        for row in rows
    ]


def earnings_totals(*, host) -> list[dict]:
    """All-time paid, upcoming and awaiting-transfer payouts per currency."""
    zero = Decimal("0")
    return list(
        PayoutEntry.objects.filter(host=host).values("currency").annotate(**_earnings_sums(zero)).order_by("currency")
    )
