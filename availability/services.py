"""Calendar writes: host blocks and per-night overrides, a booking's nights, the search column.

Every write runs inside a transaction that first locks the listing row
(``listings.locks.listing_lock``; the booking services take it before calling the
booking helpers here). A write that changes which nights are taken also rewrites
the listing's ``unavailable`` multirange in that transaction
(``calendar_refresh_unavailable``: the host's writes call it, the booking services
call it after releasing nights), so search never sees stale availability, and
guests who saved the listing are told after commit
(``listings.tasks.wishlist_availability_changed``).

A booking's own nights are held in one statement by the booking hold
(``bookings.services.booking_statements``); marking them booked and releasing
them is here.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.db import connection, transaction
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from listings.localtime import listing_today
from listings.locks import listing_lock
from listings.models import Listing
from listings.tasks import wishlist_availability_changed

from .errors import CalendarRangeInvalid, NightsBooked
from .models import CalendarNight, NightStatus
from .selectors import BOOKING_WINDOW_DAYS, date_range

MAX_RANGE_DAYS = 366
logger = logging.getLogger(__name__)


def calendar_refresh_unavailable(*, listing_id: int, start: dt.date | None = None, end: dt.date | None = None) -> None:
    """Rewrite the listing's denormalised taken nights from the calendar rows.

    Every calendar write calls this inside its transaction; after commit, guests
    who saved the listing in a wishlist are told its availability changed
    (``[start, end)`` when the caller knows the nights, else the whole listing).
    """
    with connection.cursor() as cursor:
        # RETURNING tells, in the same round trip, whether anyone saved the listing:
        # most listings are in nobody's wishlist and need no alert task at all.
        cursor.execute(
            """
            UPDATE listings_listing SET unavailable = COALESCE(
                (SELECT range_agg(daterange(date, date + 1))
                   FROM availability_calendarnight
                  WHERE listing_id = %s AND status IN ('held', 'booked', 'blocked')
                    AND date >= CURRENT_DATE - 1),
                '{}'::datemultirange)
             WHERE id = %s
            RETURNING EXISTS (SELECT 1 FROM listings_wishlistitem w WHERE w.listing_id = listings_listing.id)
            """,
            [listing_id, listing_id],
        )
        row = cursor.fetchone()
    if row and row[0]:
        calendar_announce_after_commit(listing_id=listing_id, start=start, end=end)


def calendar_announce_after_commit(*, listing_id: int, start: dt.date | None, end: dt.date | None) -> None:
    """After commit, tell guests who saved the listing that its availability changed."""
    transaction.on_commit(lambda: _announce_availability_change(listing_id, start, end))


def _announce_availability_change(listing_id: int, start: dt.date | None, end: dt.date | None) -> None:
    try:
        wishlist_availability_changed.delay(
            listing_id, start.isoformat() if start else None, end.isoformat() if end else None
        )
    except Exception:  # noqa: BLE001 - broker down: a wishlist alert is not worth failing a booking
        logger.warning("could not enqueue the wishlist alert for listing %s", listing_id, exc_info=True)


def calendar_mark_booked(*, booking_id: int) -> None:
    """A confirmed booking's held nights become booked (the caller holds the listing lock)."""
    CalendarNight.objects.filter(booking_id=booking_id, status=NightStatus.HELD).update(status=NightStatus.BOOKED)


def calendar_release_booking(*, booking_id: int, keep_blocked: bool = False) -> None:
    """Free a booking's nights (or, for host cancellations, turn them into host blocks).

    Rows that carry a host price or minimum-nights override go back to
    ``available`` instead of being deleted, so the override survives.
    """
    rows = CalendarNight.objects.filter(booking_id=booking_id)
    if keep_blocked:
        rows.update(status=NightStatus.BLOCKED, booking=None)
        return
    rows.filter(price__isnull=True, min_nights__isnull=True).delete()
    rows.update(status=NightStatus.AVAILABLE, booking=None)


def _validate_range(listing: Listing, start: dt.date, end: dt.date) -> None:
    today = listing_today(listing)
    if end <= start:
        raise CalendarRangeInvalid(message=gettext("The end date must be after the start date."))
    if start < today:
        raise CalendarRangeInvalid(message=gettext("Past nights cannot be changed."))
    if (end - start).days > MAX_RANGE_DAYS:
        raise CalendarRangeInvalid(
            message=gettext("Change at most %(count)s nights at once.") % {"count": MAX_RANGE_DAYS}
        )
    if end > today + dt.timedelta(days=BOOKING_WINDOW_DAYS):
        raise CalendarRangeInvalid(message=gettext("Dates more than two years ahead cannot be changed."))


def calendar_block_range(*, listing: Listing, start: dt.date, end: dt.date) -> int:
    """Block ``[start, end)`` for the host. Raises ``NightsBooked`` (409) if any night is held or booked.

    Already blocked nights stay blocked; per-night overrides are kept. Returns the
    number of nights blocked.
    """
    _validate_range(listing, start, end)
    nights = list(date_range(start, end))
    with transaction.atomic():
        listing_lock(listing_id=listing.pk)
        clash = list(
            CalendarNight.objects.filter(
                listing_id=listing.pk, date__gte=start, date__lt=end, status__in=[NightStatus.HELD, NightStatus.BOOKED]
            )
            .values_list("date", flat=True)
            .order_by("date")
        )
        if clash:
            shown = ", ".join(d.isoformat() for d in clash[:5]) + ("..." if len(clash) > 5 else "")
            raise NightsBooked(
                message=ngettext(
                    "%(count)s of these nights are booked or on hold (%(dates)s).",
                    "%(count)s of these nights are booked or on hold (%(dates)s).",
                    len(clash),
                )
                % {"count": len(clash), "dates": shown},
                dates=[d.isoformat() for d in clash],
            )
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO availability_calendarnight (listing_id, date, status)
                SELECT %s, d::date, 'blocked' FROM unnest(%s::date[]) AS d
                ON CONFLICT (listing_id, date) DO UPDATE SET status = 'blocked'
                 WHERE availability_calendarnight.status IN ('available', 'blocked')
                """,
                [listing.pk, nights],
            )
        calendar_refresh_unavailable(listing_id=listing.pk, start=start, end=end)
    return len(nights)


def calendar_unblock_range(*, listing: Listing, start: dt.date, end: dt.date) -> int:
    """Unblock the host's blocks in ``[start, end)``; bookings are never touched."""
    _validate_range(listing, start, end)
    with transaction.atomic():
        listing_lock(listing_id=listing.pk)
        blocked = CalendarNight.objects.filter(
            listing_id=listing.pk, date__gte=start, date__lt=end, status=NightStatus.BLOCKED
        )
        count = blocked.count()
        blocked.filter(price__isnull=True, min_nights__isnull=True).delete()
        blocked.update(status=NightStatus.AVAILABLE)
        calendar_refresh_unavailable(listing_id=listing.pk, start=start, end=end)
    return count


def calendar_set_nights(
    *,
    listing: Listing,
    start: dt.date,
    end: dt.date,
    price: Decimal | None = None,
    min_nights: int | None = None,
    clear_price: bool = False,
    clear_min_nights: bool = False,
) -> int:
    """Set (or clear) the host's per-night price and/or minimum nights on ``[start, end)``.

    Prices apply to future quotes only: a booking keeps the price it was made with.
    """
    _validate_range(listing, start, end)
    if price is not None and not (Decimal("10") <= price <= Decimal("100000")):
        raise CalendarRangeInvalid(
            message=gettext("The nightly price must be between %(low)s and %(high)s.")
            % {"low": number_format(10), "high": number_format(100000, force_grouping=True)}
        )
    if min_nights is not None and not (1 <= min_nights <= 365):
        raise CalendarRangeInvalid(message=gettext("Minimum nights must be between 1 and 365."))
    if price is None and min_nights is None and not clear_price and not clear_min_nights:
        raise CalendarRangeInvalid(message=gettext("Give a price or a minimum number of nights."))
    nights = list(date_range(start, end))
    with transaction.atomic():
        listing_lock(listing_id=listing.pk)
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO availability_calendarnight (listing_id, date, status, price, min_nights)
                SELECT %s, d::date, 'available', %s, %s FROM unnest(%s::date[]) AS d
                ON CONFLICT (listing_id, date) DO UPDATE SET
                    price = CASE WHEN %s THEN NULL ELSE COALESCE(EXCLUDED.price, availability_calendarnight.price) END,
                    min_nights = CASE WHEN %s THEN NULL
                                      ELSE COALESCE(EXCLUDED.min_nights, availability_calendarnight.min_nights) END
                """,
                [listing.pk, price, min_nights, nights, clear_price, clear_min_nights],
            )
        # Override-only rows left with nothing to say are removed.
        CalendarNight.objects.filter(
            listing_id=listing.pk,
            date__gte=start,
            date__lt=end,
            status=NightStatus.AVAILABLE,
            price__isnull=True,
            min_nights__isnull=True,
        ).delete()
    return len(nights)
