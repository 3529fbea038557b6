"""Calendar reads: nights of a listing, the host's per-night prices, free stays, the booking window.

Read by pricing (quotes), bookings (validation, the booking box), hosttools (the
host's calendars, iCal) and search and listings (prices of many listings at once).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from .models import TAKEN_NIGHT_STATUSES, CalendarNight

# How far ahead guests may book (the bookable window).
BOOKING_WINDOW_DAYS = 730


def date_range(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    """Nights from ``start`` (inclusive) to ``end`` (exclusive)."""
    day = start
    while day < end:
        yield day
        day += dt.timedelta(days=1)


def calendar_nights(*, listing_id: int, start: dt.date, end: dt.date) -> dict[dt.date, CalendarNight]:
    """Calendar rows of a listing in ``[start, end)`` keyed by date."""
    rows = CalendarNight.objects.filter(listing_id=listing_id, date__gte=start, date__lt=end)
    return {row.date: row for row in rows}


def calendar_night_prices(*, listing_id: int, start: dt.date, end: dt.date) -> dict[dt.date, Decimal]:
    """The host's per-night prices in ``[start, end)`` (only nights that have one)."""
    rows = CalendarNight.objects.filter(
        listing_id=listing_id, date__gte=start, date__lt=end, price__isnull=False
    ).values_list("date", "price")
    return dict(rows)


def calendar_night_prices_for_listings(
    *, listing_ids: list[int], start: dt.date, end: dt.date
) -> dict[int, dict[dt.date, Decimal]]:
    """Host per-night prices of many listings in ``[start, end)``, in one query.

    The batch form of ``calendar_night_prices``: listing id -> {night: price};
    listings without a priced night in the range are left out.
    """
    if not listing_ids:
        return {}
    rows = CalendarNight.objects.filter(
        listing_id__in=listing_ids, date__gte=start, date__lt=end, price__isnull=False
    ).values_list("listing_id", "date", "price")
    prices: dict[int, dict[dt.date, Decimal]] = {}
    for listing_id, date, price in rows:
        prices.setdefault(listing_id, {})[date] = price
    return prices


def calendar_taken_dates(*, listing_id: int, start: dt.date, end: dt.date) -> set[dt.date]:
    """Nights in ``[start, end)`` that are held, booked or blocked."""
    return set(
        CalendarNight.objects.filter(
            listing_id=listing_id, date__gte=start, date__lt=end, status__in=TAKEN_NIGHT_STATUSES
        ).values_list("date", flat=True)
    )


def listing_is_available(*, listing_id: int, check_in: dt.date, check_out: dt.date) -> bool:
    """Whether no night of the stay ``[check_in, check_out)`` is taken."""
    return not CalendarNight.objects.filter(
        listing_id=listing_id, date__gte=check_in, date__lt=check_out, status__in=TAKEN_NIGHT_STATUSES
    ).exists()


def calendar_nearest_available(
    *,
    listing,
    check_in: dt.date,
    nights: int,
    today: dt.date,
    limit: int = 3,
    search_days: int = 60,
) -> list[tuple[dt.date, dt.date]]:
    """Up to ``limit`` free stays of the same length closest to ``check_in``.

    Candidates are tried in order of distance from the wanted check-in (earlier and
    later alternately), skipping the past and respecting the listing's minimum /
    maximum nights and per-night minimum overrides. Reads one window of calendar
    rows; no per-candidate queries.
    """
    window_start = max(today, check_in - dt.timedelta(days=search_days))
    window_end = check_in + dt.timedelta(days=search_days + nights)
    rows = calendar_nights(listing_id=listing.pk, start=window_start, end=window_end)
    taken = {d for d, row in rows.items() if row.status in TAKEN_NIGHT_STATUSES}
    if nights > listing.max_nights:
        return []

    found: list[tuple[dt.date, dt.date]] = []
    for offset in range(1, search_days + 1):
        for candidate in (check_in - dt.timedelta(days=offset), check_in + dt.timedelta(days=offset)):
            if candidate < today or candidate < window_start:
                continue
            end = candidate + dt.timedelta(days=nights)
            if end > window_end:
                continue
            override = rows.get(candidate)
            min_nights = override.min_nights if override and override.min_nights else listing.min_nights
            if nights < min_nights:
                continue
            if any(d in taken for d in date_range(candidate, end)):
                continue
            found.append((candidate, end))
            if len(found) >= limit:
                return sorted(found)
    return sorted(found)
