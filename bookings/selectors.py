"""Reads of the calendar and of bookings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q, QuerySet

from .models import TAKEN_NIGHT_STATUSES, Booking, CalendarNight

# How far ahead guests may book (the bookable window).
BOOKING_WINDOW_DAYS = 730


def date_range(start: dt.date, end: dt.date):
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


def calendar_taken_dates(*, listing_id: int, start: dt.date, end: dt.date) -> set[dt.date]:
    return set(
        CalendarNight.objects.filter(
            listing_id=listing_id, date__gte=start, date__lt=end, status__in=TAKEN_NIGHT_STATUSES
        ).values_list("date", flat=True)
    )


def listing_is_available(*, listing_id: int, check_in: dt.date, check_out: dt.date) -> bool:
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


def booking_visible_to(user) -> QuerySet[Booking]:
    """Bookings the user may see: their trips and reservations on their listings."""
    if user.is_staff:
        return Booking.objects.all()
    return Booking.objects.filter(Q(guest=user) | Q(listing__host=user))


# A booking shown in a list or an API answer needs the listing's name and place, not its
# text, map point or calendar multirange (parsing those for every row cost more than the query).
BOOKING_LISTING_DEFERRED = ("listing__description", "listing__house_rules", "listing__location", "listing__unavailable")


def booking_list_for_guest(*, guest) -> QuerySet[Booking]:
    """A guest's bookings, latest check-in first, with what a list row or an API item shows (no query per row)."""
    return (
        Booking.objects.filter(guest=guest)
        .select_related("listing", "listing__host", "guest", "payment")
        .defer(*BOOKING_LISTING_DEFERRED)
        .order_by("-check_in", "-pk")
    )


def booking_list_for_host(*, host) -> QuerySet[Booking]:
    """Bookings on a host's listings, soonest check-in first, with what a list row or an API item shows."""
    return (
        Booking.objects.filter(listing__host=host)
        .select_related("listing", "listing__host", "guest", "payment")
        .defer(*BOOKING_LISTING_DEFERRED)
        .order_by("check_in", "pk")
    )
