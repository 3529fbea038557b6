"""Host tools writes: calendar changes from the dashboard, iCal export tokens and imports.

Calendar changes go through the availability services (the only calendar
writers) and the pricing services (price bounds, Smart Pricing); this module
only routes and records.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from airbnb.errors import ApplicationError
from availability.models import NightStatus
from availability.selectors import BOOKING_WINDOW_DAYS, calendar_nights
from availability.services import calendar_block_range, calendar_unblock_range
from listings.localtime import listing_today
from listings.locks import listing_lock
from listings.models import ListingStatus
from pricing.services.host import host_nights_set
from pricing.services.smart import suggestions_accept

from .errors import CalendarActionInvalid, CalendarImportInvalid, HosttoolsErrorCode
from .ical import FeedError, busy_nights, feed_build, feed_fetcher, feed_url_validate, nights_to_ranges
from .models import MAX_IMPORTS_PER_LISTING, CalendarExport, CalendarImport, ImportedNight, new_token

logger = logging.getLogger(__name__)

BOOKED = (NightStatus.HELD, NightStatus.BOOKED)


# --- calendar actions ------------------------------------------------------------------

ACTIONS = ("block", "unblock", "set_price", "clear_price", "set_min_nights", "clear_min_nights", "accept_suggestions")


def calendar_range_apply(
    *,
    listing,
    action: str,
    start: dt.date,
    end: dt.date,
    price: Decimal | None = None,
    min_nights: int | None = None,
) -> int:
    """Apply one host action to the nights ``[start, end)``; returns the nights affected.

    ``block``/``unblock`` use the calendar services (booked nights cannot be
    blocked: ``NightsBooked``); prices are checked against the host's bounds
    (``PriceOutOfRange``); ``accept_suggestions`` makes Smart Pricing's
    suggestions the host's prices. Range errors come from the services.
    """
    if action == "block":
        return calendar_block_range(listing=listing, start=start, end=end)
    if action == "unblock":
        return calendar_unblock_range(listing=listing, start=start, end=end)
    if action == "set_price":
        if price is None:
            raise CalendarActionInvalid(HosttoolsErrorCode.PRICE_REQUIRED, gettext("Enter the nightly price."))
        return host_nights_set(listing=listing, start=start, end=end, price=price)
    if action == "clear_price":
        return host_nights_set(listing=listing, start=start, end=end, clear_price=True)
    if action == "set_min_nights":
        if min_nights is None:
            raise CalendarActionInvalid(
                HosttoolsErrorCode.MIN_NIGHTS_REQUIRED, gettext("Enter the minimum number of nights.")
            )
        return host_nights_set(listing=listing, start=start, end=end, min_nights=min_nights)
    if action == "clear_min_nights":
        return host_nights_set(listing=listing, start=start, end=end, clear_min_nights=True)
    if action == "accept_suggestions":
        return suggestions_accept(listing=listing, start=start, end=end)
    raise CalendarActionInvalid(
        message=gettext("Unknown action %(action)s; use one of: %(actions)s.")
        % {"action": repr(action), "actions": ", ".join(ACTIONS)}
    )


# --- iCal export -------------------------------------------------------------------------


def ical_export_get(*, listing) -> CalendarExport:
    """The listing's export token, created on first use."""
    export, _ = CalendarExport.objects.get_or_create(listing=listing)
    return export


def ical_export_rotate(*, listing) -> CalendarExport:
    """A new secret token: the old feed URL stops working at once."""
    with transaction.atomic():
        export, created = CalendarExport.objects.select_for_update().get_or_create(listing=listing)
        if not created:
            export.token = new_token()
            export.rotated_at = timezone.now()
            export.save(update_fields=["token", "rotated_at"])
    return export


def ical_export_document(*, export: CalendarExport, domain: str, today: dt.date | None = None) -> bytes:
    """The feed of a listing's unavailable nights from today on (two years ahead).

    Reserved nights (held or booked here) and blocked nights are separate
    events. Nights blocked only because an imported feed said so are left out,
    so two platforms importing each other never keep a night busy forever.
    """
    listing = export.listing
    today = today or listing_today(listing)
    end = today + dt.timedelta(days=BOOKING_WINDOW_DAYS)
    nights = calendar_nights(listing_id=listing.pk, start=today, end=end)
    imported = set(
        ImportedNight.objects.filter(listing_id=listing.pk, date__gte=today, date__lt=end).values_list(
            "date", flat=True
        )
    )
    reserved = [d for d, n in nights.items() if n.status in BOOKED]
    blocked = [d for d, n in nights.items() if n.status == NightStatus.BLOCKED and d not in imported]
    return feed_build(
        listing_id=listing.pk,
        title=listing.title,
        reserved=reserved,
        blocked=blocked,
        domain=domain,
        time_zone=listing.time_zone,
    )


# --- iCal import -------------------------------------------------------------------------


def ical_import_add(*, listing, name: str, url: str) -> CalendarImport:
    """Add an external calendar to import; its first sync is scheduled after commit.

    Raises ``CalendarImportInvalid`` for a bad or private address, a duplicate,
    or more than ``MAX_IMPORTS_PER_LISTING`` feeds.
    """
    try:
        url = feed_url_validate(url)
    except FeedError as exc:
        raise CalendarImportInvalid(exc.code, exc.message) from None
    with transaction.atomic():
        listing_lock(listing_id=listing.pk, fields=("id",))
        feeds = CalendarImport.objects.filter(listing=listing)
        if feeds.filter(url=url).exists():
            raise CalendarImportInvalid(
                HosttoolsErrorCode.FEED_DUPLICATE, gettext("This calendar is already imported.")
            )
        if feeds.count() >= MAX_IMPORTS_PER_LISTING:
            raise CalendarImportInvalid(
                HosttoolsErrorCode.FEED_LIMIT,
                gettext("A listing can import at most %(count)s calendars.") % {"count": MAX_IMPORTS_PER_LISTING},
            )
        feed = CalendarImport.objects.create(
            listing=listing, name=name.strip() or gettext("External calendar"), url=url
        )
        from .tasks import ical_import_sync_task

        transaction.on_commit(lambda: ical_import_sync_task.delay(feed.pk))
    return feed


def ical_import_remove(*, feed: CalendarImport, today: dt.date | None = None) -> int:
    """Stop importing a calendar and unblock the nights only it had blocked; returns nights unblocked."""
    today = today or listing_today(feed.listing)
    with transaction.atomic():
        listing = listing_lock(listing_id=feed.listing_id, fields=("id",))
        ours = set(feed.nights.filter(date__gte=today).values_list("date", flat=True))
        others = _other_feeds_nights(feed, today)
        released = _release(listing=listing, nights=ours - others, today=today)
        feed.delete()
    return released


def _other_feeds_nights(feed: CalendarImport, today: dt.date) -> set[dt.date]:
    return set(
        ImportedNight.objects.filter(listing_id=feed.listing_id, date__gte=today)
        .exclude(feed=feed)
        .values_list("date", flat=True)
    )


def _release(*, listing, nights: set[dt.date], today: dt.date) -> int:
    """Unblock those of ``nights`` that are still blocked (never a booking)."""
    if not nights:
        return 0
    current = calendar_nights(listing_id=listing.pk, start=min(nights), end=max(nights) + dt.timedelta(days=1))
    still_blocked = {d for d in nights if d in current and current[d].status == NightStatus.BLOCKED}
    for first, end in nights_to_ranges(still_blocked):
        calendar_unblock_range(listing=listing, start=first, end=end)
    return len(still_blocked)


@dataclass(frozen=True)
class SyncResult:
    ok: bool
    blocked: int = 0
    unblocked: int = 0
    conflicts: tuple[dt.date, ...] = ()
    error: str = ""


def ical_import_sync(*, feed_id: int, fetcher=None, today: dt.date | None = None) -> SyncResult:
    """Fetch one external calendar and make this listing's imported blocks match it.

    Busy nights become blocks; nights this feed blocked before and no longer
    lists are unblocked (unless another feed still lists them). Nights booked or
    held here are never touched (they are reported as conflicts: a double
    booking across platforms to sort out), nor are blocks the host made by hand.
    All calendar changes are one transaction: a failure applies nothing. The
    outcome (or the error) is stored on the feed for the dashboard.
    """
    feed = CalendarImport.objects.filter(pk=feed_id).select_related("listing__host").first()
    if feed is None:  # removed by the host after the sync was queued
        return SyncResult(ok=False, error=gettext("This calendar is no longer imported."))
    # The outcome is stored for one reader, the host, and written in their language (a worker has none).
    with translation.override(feed.listing.host.language or settings.LANGUAGE_CODE):
        return _sync(feed, fetcher=fetcher, today=today)


def _sync(feed: CalendarImport, *, fetcher, today: dt.date | None) -> SyncResult:
    today = today or listing_today(feed.listing)
    end = today + dt.timedelta(days=BOOKING_WINDOW_DAYS)
    try:
        data = (fetcher or feed_fetcher()).fetch(feed.url)
        busy = busy_nights(data, start=today, end=end)
        result = _apply_busy(feed=feed, busy=busy, today=today, end=end)
    except FeedError as exc:
        return _record_failure(feed, exc.message)
    except ApplicationError as exc:  # a calendar service refused a change; nothing was applied
        return _record_failure(feed, gettext("The calendar could not be updated: %(error)s") % {"error": exc.message})
    return result


def _record_failure(feed: CalendarImport, message: str) -> SyncResult:
    CalendarImport.objects.filter(pk=feed.pk).update(
        status=CalendarImport.Status.ERROR, last_error=message[:500], last_attempt_at=timezone.now()
    )
    logger.info("iCal import failed", extra={"feed_id": feed.pk, "error": message})
    return SyncResult(ok=False, error=message)


def _apply_busy(*, feed: CalendarImport, busy: set[dt.date], today: dt.date, end: dt.date) -> SyncResult:
    with transaction.atomic():
        listing = listing_lock(listing_id=feed.listing_id, fields=("id",))
        previous = set(feed.nights.filter(date__gte=today).values_list("date", flat=True))
        others = _other_feeds_nights(feed, today)
        nights = calendar_nights(listing_id=listing.pk, start=today, end=end)
        booked_here = {d for d, n in nights.items() if n.status in BOOKED}
        blocked = {d for d, n in nights.items() if n.status == NightStatus.BLOCKED}
        by_hand = blocked - previous - others
        claim = busy - booked_here - by_hand
        to_block = claim - blocked
        released = _release(listing=listing, nights=(previous - claim) - others, today=today)
        for first, last in nights_to_ranges(to_block):
            calendar_block_range(listing=listing, start=first, end=last)
        feed.nights.filter(date__lt=today).delete()
        feed.nights.filter(date__in=previous - claim).delete()
        ImportedNight.objects.bulk_create(
            [ImportedNight(feed=feed, listing_id=listing.pk, date=d) for d in sorted(claim - previous)]
        )
        conflicts = tuple(sorted(busy & booked_here))
        now = timezone.now()
        CalendarImport.objects.filter(pk=feed.pk).update(
            status=CalendarImport.Status.OK,
            last_error="",
            last_attempt_at=now,
            last_success_at=now,
            nights_blocked=len(claim),
            conflicts=[d.isoformat() for d in conflicts[:50]],
        )
    return SyncResult(ok=True, blocked=len(to_block), unblocked=released, conflicts=conflicts)


def ical_imports_claim_due(*, minutes: int, now: dt.datetime | None = None, limit: int = 1000) -> list[int]:
    """Feeds not attempted in the last ``minutes``, marked as attempted now so the next beat does not queue them twice.

    Never-synced feeds first; feeds of deleted listings are skipped.
    """
    now = now or timezone.now()
    due = Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lt=now - dt.timedelta(minutes=minutes))
    with transaction.atomic():
        ids = list(
            CalendarImport.objects.filter(due)
            .exclude(listing__status=ListingStatus.DELETED)
            .order_by(F("last_attempt_at").asc(nulls_first=True), "pk")
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("pk", flat=True)[:limit]
        )
        CalendarImport.objects.filter(pk__in=ids).update(last_attempt_at=now)
    return ids
