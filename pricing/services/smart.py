"""Smart Pricing: store suggestions, apply them within the guardrails, let the host accept them.

Suggestions are computed by ``pricing.rules.suggest`` (rules, cap, 20% steps,
host bounds). With Smart Pricing on, the periodic refresh writes them to the
calendar through ``calendar_set_nights`` and remembers what it wrote
(``PriceSuggestion.applied_price``): a calendar price equal to it is Smart
Pricing's and may be replaced; any other price is the host's and is left alone.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from availability.models import NightStatus
from availability.selectors import BOOKING_WINDOW_DAYS, calendar_nights
from availability.services import MAX_RANGE_DAYS, calendar_set_nights
from listings.localtime import listing_today
from listings.locks import listing_lock
from listings.models import Listing, ListingStatus

from ..errors import PricingRangeInvalid
from ..models import ListingPricing, PriceSuggestion
from ..rules import PricingRules, Suggestion, night_price, suggest
from ..selectors import price_suggestions, pricing_rules_for

logger = logging.getLogger(__name__)

BOOKED = (NightStatus.HELD, NightStatus.BOOKED)


@dataclass(frozen=True)
class RefreshResult:
    listing_id: int
    suggested: int
    applied: int


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days)]


def _runs(prices: dict[dt.date, Decimal | None]) -> list[tuple[dt.date, dt.date, Decimal | None]]:
    """Consecutive nights with the same value as ``(start, end, value)`` ranges (end exclusive)."""
    runs: list[tuple[dt.date, dt.date, Decimal | None]] = []
    for day in sorted(prices):
        value = prices[day]
        if runs and runs[-1][1] == day and runs[-1][2] == value:
            runs[-1] = (runs[-1][0], day + dt.timedelta(days=1), value)
        else:
            runs.append((day, day + dt.timedelta(days=1), value))
    return runs


def _store(*, listing_id: int, base: Decimal, suggestions: Iterable[Suggestion], now: dt.datetime) -> int:
    """Upsert suggestions in one statement; ``applied_price``/``accepted_at`` are kept."""
    rows = list(suggestions)
    if not rows:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO pricing_pricesuggestion (listing_id, date, price, base_price, reasons, computed_at)
            SELECT %s, d, p, %s, r::jsonb, %s
              FROM unnest(%s::date[], %s::numeric[], %s::text[]) AS t(d, p, r)
            ON CONFLICT (listing_id, date) DO UPDATE
               SET price = EXCLUDED.price, base_price = EXCLUDED.base_price,
                   reasons = EXCLUDED.reasons, computed_at = EXCLUDED.computed_at
            """,
            [
                listing_id,
                base,
                now,
                [s.date for s in rows],
                [s.price for s in rows],
                [json.dumps([r.as_dict() for r in s.reasons]) for s in rows],
            ],
        )
    return len(rows)


def suggestions_refresh(*, listing_id: int, today: dt.date | None = None) -> RefreshResult:
    """Recompute a listing's suggestions for the next ``PRICING_SUGGESTION_DAYS`` nights and store them.

    Past suggestions are dropped. With Smart Pricing on, suggestions are applied
    to the calendar in the same transaction (listing row locked first), skipping
    booked or held nights and nights carrying the host's own price. Unpublished
    listings are skipped. Nights start at the listing's today (``listing_today``).
    """
    listing = Listing.objects.only("id", "status", "base_price", "currency", "time_zone").get(pk=listing_id)
    if listing.status != ListingStatus.PUBLISHED:
        return RefreshResult(listing_id, 0, 0)
    today = today or listing_today(listing)
    end = today + dt.timedelta(days=settings.PRICING_SUGGESTION_DAYS)
    rules = pricing_rules_for(listing=listing, start=today, end=end)
    base = Decimal(listing.base_price)
    suggestions = suggest(base=base, days=_days(today, end), rules=rules, today=today)
    now = timezone.now()
    with transaction.atomic():
        listing_lock(listing_id=listing.pk, fields=("id",))
        PriceSuggestion.objects.filter(listing_id=listing.pk, date__lt=today).delete()
        stored = _store(listing_id=listing.pk, base=base, suggestions=suggestions, now=now)
        smart_on = ListingPricing.objects.filter(listing_id=listing.pk, smart_pricing=True).exists()
        applied = _apply(listing=listing, suggestions=suggestions, rules=rules, today=today) if smart_on else 0
    return RefreshResult(listing.pk, stored, applied)


def _apply(*, listing: Listing, suggestions: list[Suggestion], rules: PricingRules, today: dt.date) -> int:
    """Write suggestions to the calendar where Smart Pricing may; returns the nights changed.

    A suggestion equal to the night's automatic price needs no calendar price
    (quotes compute the same number), so only the nights where the guardrails
    changed something are written, and an earlier Smart Pricing price that is no
    longer needed is removed. Booked and held nights, and nights carrying the
    host's own price, are skipped. The caller holds the listing lock.
    """
    if not suggestions:
        return 0
    start, end = suggestions[0].date, suggestions[-1].date + dt.timedelta(days=1)
    nights = calendar_nights(listing_id=listing.pk, start=start, end=end)
    previously = dict(
        PriceSuggestion.objects.filter(
            listing_id=listing.pk, date__gte=start, date__lt=end, applied_price__isnull=False
        ).values_list("date", "applied_price")
    )
    base = Decimal(listing.base_price)
    to_write: dict[dt.date, Decimal] = {}
    to_clear: dict[dt.date, None] = {}
    applied: dict[dt.date, Decimal | None] = {}
    for suggestion in suggestions:
        night = nights.get(suggestion.date)
        if night is not None and night.status in BOOKED:
            continue
        current = night.price if night is not None else None
        ours = previously.get(suggestion.date)
        if current is not None and current != ours:
            if ours is not None:
                applied[suggestion.date] = None  # the host has taken this night over
            continue
        automatic, _ = night_price(base=base, day=suggestion.date, rules=rules, today=today)
        wanted = None if suggestion.price == automatic else suggestion.price
        if wanted is None and current is not None:
            to_clear[suggestion.date] = None
        elif wanted is not None and current != wanted:
            to_write[suggestion.date] = wanted
        if ours != wanted:
            applied[suggestion.date] = wanted
    for run_start, run_end, price in _runs(to_write):
        calendar_set_nights(listing=listing, start=run_start, end=run_end, price=price)
    for run_start, run_end, _ in _runs(to_clear):
        calendar_set_nights(listing=listing, start=run_start, end=run_end, clear_price=True)
    _mark_applied(listing_id=listing.pk, applied=applied)
    return len(to_write) + len(to_clear)


def _mark_applied(*, listing_id: int, applied: dict[dt.date, Decimal | None]) -> None:
    if not applied:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE pricing_pricesuggestion s SET applied_price = t.p
              FROM unnest(%s::date[], %s::numeric[]) AS t(d, p)
             WHERE s.listing_id = %s AND s.date = t.d
            """,
            [list(applied), list(applied.values()), listing_id],
        )


def suggestions_refresh_all(*, today: dt.date | None = None, batch_size: int = 500) -> int:
    """Refresh suggestions of every published listing whose host has pricing settings.

    Listings with Smart Pricing on come first. Each listing is its own
    transaction; one failing listing is logged and does not stop the others.
    """
    ids = (
        ListingPricing.objects.filter(listing__status=ListingStatus.PUBLISHED)
        .order_by("-smart_pricing", "listing_id")
        .values_list("listing_id", flat=True)
    )
    done = 0
    for listing_id in ids.iterator(chunk_size=batch_size):
        try:
            suggestions_refresh(listing_id=listing_id, today=today)
        except Exception:  # one listing's failure must not stop the run; logged with the traceback
            logger.exception("Smart Pricing refresh failed", extra={"listing_id": listing_id})
            continue
        done += 1
    return done


def smart_pricing_set(*, listing, enabled: bool, today: dt.date | None = None) -> ListingPricing:
    """Turn Smart Pricing on or off for a listing.

    On: suggestions are computed and applied now (and kept up to date by the
    periodic refresh). Off: the prices Smart Pricing wrote on future nights are
    removed, so the listing's own rules apply again; prices the host set stay.
    """
    today = today or listing_today(listing)
    with transaction.atomic():
        listing_lock(listing_id=listing.pk, fields=("id",))
        row = ListingPricing.objects.select_for_update().filter(listing=listing).first()
        row = row or ListingPricing(listing=listing)
        row.smart_pricing = enabled
        row.save()
        if not enabled:
            _clear_applied(listing=listing, today=today)
    if enabled:
        suggestions_refresh(listing_id=listing.pk, today=today)
    return row


def _clear_applied(*, listing, today: dt.date) -> None:
    applied = dict(
        PriceSuggestion.objects.filter(listing_id=listing.pk, date__gte=today, applied_price__isnull=False).values_list(
            "date", "applied_price"
        )
    )
    if not applied:
        return
    end = max(applied) + dt.timedelta(days=1)
    nights = calendar_nights(listing_id=listing.pk, start=today, end=end)
    ours = {day: None for day, price in applied.items() if day in nights and nights[day].price == price}
    for run_start, run_end, _ in _runs(ours):
        calendar_set_nights(listing=listing, start=run_start, end=run_end, clear_price=True)
    PriceSuggestion.objects.filter(listing_id=listing.pk, date__gte=today).update(applied_price=None)


def suggestions_accept(*, listing, start: dt.date, end: dt.date, today: dt.date | None = None) -> int:
    """The host accepts Smart Pricing's suggestions for ``[start, end)``: they become the host's prices.

    Booked and held nights are skipped. Raises ``PricingRangeInvalid`` for a
    reversed, past, too long or too distant range. Returns the nights priced.
    """
    today = today or listing_today(listing)
    if end <= start:
        raise PricingRangeInvalid(message=gettext("The end date must be after the start date."))
    if start < today:
        raise PricingRangeInvalid(message=gettext("Past nights cannot be changed."))
    if (end - start).days > MAX_RANGE_DAYS:
        raise PricingRangeInvalid(
            message=gettext("Accept at most %(count)s nights at once.") % {"count": MAX_RANGE_DAYS}
        )
    if end > today + dt.timedelta(days=BOOKING_WINDOW_DAYS):
        raise PricingRangeInvalid(message=gettext("Dates more than two years ahead cannot be changed."))
    now = timezone.now()
    with transaction.atomic():
        listing_lock(listing_id=listing.pk, fields=("id",))
        nights = calendar_nights(listing_id=listing.pk, start=start, end=end)
        chosen = [
            night
            for night in price_suggestions(listing=listing, start=start, end=end, today=today)
            if not (night.date in nights and nights[night.date].status in BOOKED)
        ]
        wanted = {night.date: night.suggestion for night in chosen}
        for run_start, run_end, price in _runs(wanted):
            calendar_set_nights(listing=listing, start=run_start, end=run_end, price=price)
        if wanted:
            with connection.cursor() as cursor:
                cursor.execute(
                    """
                    INSERT INTO pricing_pricesuggestion
                           (listing_id, date, price, base_price, reasons, computed_at, accepted_at)
                    SELECT %s, d, p, %s, r::jsonb, %s, %s
                      FROM unnest(%s::date[], %s::numeric[], %s::text[]) AS t(d, p, r)
                    ON CONFLICT (listing_id, date) DO UPDATE
                       SET accepted_at = EXCLUDED.accepted_at, applied_price = NULL
                    """,
                    [
                        listing.pk,
                        listing.base_price,
                        now,
                        now,
                        [night.date for night in chosen],
                        [night.suggestion for night in chosen],
                        [json.dumps([r.as_dict() for r in night.suggestion_reasons]) for night in chosen],
                    ],
                )
    return len(wanted)
