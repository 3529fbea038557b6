"""Realistic future calendars for the demo world: bookings, host blocks and per-night overrides.

``seed_demo`` leaves every calendar open ahead (its bookings are all in the past),
which makes date search trivially easy. ``calendars_seed`` fills the next
``days`` nights of every published listing that has no future calendar row yet,
entirely in SQL (INSERT ... SELECT, a chunk of listings per transaction):

* **Stays**: per listing, a timeline of stays separated by gaps. A listing's
  popularity sets its mean gap (1 to 20 nights); stay lengths follow the demo's
  past stays (1-14 nights, never below the listing's minimum nor above its
  maximum). Stays further ahead are kept with a falling probability (0.85
  tomorrow, ~0.35 in two months, 0.05 beyond six months), as guests book the
  near future first. About 30% of the stays are bookings made on the platform:
  real confirmed ``Booking`` rows with a captured ``Payment``, a scheduled
  ``PayoutEntry`` and a ``BookingEvent``, each freezing the quote of
  ``pricing.selectors.price_quote`` itself (called per booking, with each
  listing's pricing rules loaded in bulk), as the booking service would.
  The rest are host blocks (stays taken on other platforms, the owner's own use).
* **Long blocks**: 8% of listings are blocked for 2-8 weeks somewhere in the
  year, 2% for 3-6 months ("snoozed").
* **Overrides**: 8% of listings charge 15-35% more on Friday and Saturday nights
  for the next 120 days; 5% require 3-5 nights for arrivals between 20 December
  and 2 January (status ``available`` rows carrying ``price`` / ``min_nights``).
* **Host pricing settings** (``pricing.ListingPricing``), first, for every
  published listing without settings, whether or not its calendar is seeded:
  20% of listings have them. Of those, 60% charge 10-40 per extra guest over 1-4
  included, 40% set a minimum price (60-85% of the base), 30% a maximum
  (130-200%), 35% their own weekend premium (0-40%) and 25% their own season
  percentages. So search prices the host-settings path at scale, as
  ``price_quote`` does (the seeded bookings are quoted with these settings).

Then ``listings_listing.unavailable`` is recomputed exactly as
``availability.services.calendar_refresh_unavailable`` does (range_agg of
held / booked / blocked nights from yesterday on), which in turn refreshes the
search rows through their trigger.

Determinism: every random draw is an md5 of ``"<seed>:<what>:<listing id>[:<n>]"``,
so the same seed, start date and world give the same calendars whatever the
chunk size; booking ids come from the bookings sequence in (listing, stay) order.
Each run is recorded in ``CalendarSeedRun``; ``calendars_clear`` removes what
runs added (see its docstring).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction

from pricing.models import PRICE_CEILING, PRICE_FLOOR
from pricing.selectors import price_quote, pricing_rules_for_listings

from .models import CalendarSeedRun

STEPS_PER_LISTING = 60  # stays drawn per listing before thinning (covers a year for all but the busiest)
BOOKING_SHARE = 0.3
_NIGHTS = "ARRAY[1,2,2,3,3,3,4,4,5,5,6,7,7,10,14]"
_PARTY = "ARRAY[1,2,2,2,2,3,3,4,4,5]"
_LENGTH_HASH = "md5(%(seed)s || ':len:' || l.id || ':' || i)"


def _u(hash_sql: str, part: int) -> str:
    """A uniform draw in [0, 1) from 32 bits of an md5 hex digest (``part`` 0-3)."""
    return f"(('x' || substr({hash_sql}, {part * 8 + 1}, 8))::bit(32)::bigint / 4294967296.0::float8)"


@dataclass
class SeedResult:
    run: CalendarSeedRun
    seconds: float


def calendars_seed(
    *,
    seed: int = 1,
    days: int = 365,
    start: dt.date | None = None,
    chunk: int = 25_000,
    report: Callable[[str], None] = lambda line: None,
) -> SeedResult:
    """Add future bookings, blocks and overrides to every published listing without future calendar rows.

    Commits one chunk of listing ids at a time (a failure leaves whole chunks
    only; rerunning skips listings already seeded). Returns the recorded run.
    """
    started = time.monotonic()
    start = start or dt.date.today()
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM listings_listing")
        low, high = cursor.fetchone()
    run = CalendarSeedRun.objects.create(seed=seed, start_date=start, days=days)
    if low is None:
        return SeedResult(run=run, seconds=0.0)
    with transaction.atomic(), connection.cursor() as cursor:
        run.pricing_settings = _pricing_settings_seed(cursor, seed=seed, stamp=run.created_at)
        run.save(update_fields=["pricing_settings"])
    report(f"  pricing settings for {run.pricing_settings:,} listings ({time.monotonic() - started:.0f} s)")
    guests = _guest_pool()
    for chunk_low in range(low, high + 1, chunk):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '128MB'")
            counts = _seed_chunk(
                cursor, seed=seed, start=start, days=days, low=chunk_low, high=chunk_low + chunk, guests=guests,
            )  # fmt: skip
            CalendarSeedRun.objects.filter(pk=run.pk).update(
                listings=run.listings + counts["listings"],
                bookings=run.bookings + counts["bookings"],
                nights=run.nights + counts["nights"],
                booking_id_min=counts["booking_min"] if run.booking_id_min is None else run.booking_id_min,
                booking_id_max=counts["booking_max"] or run.booking_id_max,
            )
            run.refresh_from_db()
        report(
            f"  listings {chunk_low:,}-{min(chunk_low + chunk, high + 1) - 1:,}: {counts['listings']:,} seeded, "
            f"{counts['bookings']:,} bookings, {counts['nights']:,} nights ({time.monotonic() - started:.0f} s)"
        )
    return SeedResult(run=run, seconds=time.monotonic() - started)


def _pricing_settings_seed(cursor, *, seed: int, stamp: dt.datetime) -> int:
    """Give 20% of the published listings without settings their host's pricing settings; return how many.

    The rows carry ``updated_at = stamp`` (the run's ``created_at``): ``calendars_clear`` removes
    exactly those, and keeps any a host has saved since (saving moves ``updated_at``).
    """
    h, h2, h3 = "l.h", "md5(l.h)", "md5(md5(l.h))"
    cursor.execute(
        f"""
        INSERT INTO pricing_listingpricing (listing_id, guests_included, extra_guest_fee, min_price, max_price,
                                            smart_pricing, weekend_premium_pct, high_season_pct,
                                            shoulder_season_pct, low_season_pct, updated_at)
        SELECT l.id,
               greatest(1, least(l.max_guests, 1 + floor({_u(h, 2)} * 4)::int)),
               CASE WHEN {_u(h, 1)} < 0.6 THEN round(10 + {_u(h, 3)} * 30) ELSE 0 END,
               CASE WHEN {_u(h2, 0)} < 0.4
                    THEN least(%(ceiling)s, greatest(%(floor)s,
                                                     round(l.base_price * (0.6 + 0.25 * {_u(h2, 1)})::numeric)))
               END,
               CASE WHEN {_u(h2, 2)} < 0.3
                    THEN least(%(ceiling)s, greatest(%(floor)s,
                                                     round(l.base_price * (1.3 + 0.7 * {_u(h2, 3)})::numeric)))
               END,
               false,
               CASE WHEN {_u(h3, 0)} < 0.35 THEN floor({_u(h3, 1)} * 41)::int END,
               CASE WHEN {_u(h3, 2)} < 0.25 THEN 20 + floor({_u(h3, 3)} * 41)::int END,
               CASE WHEN {_u(h3, 2)} < 0.25 THEN 5 + floor({_u(h3, 3)} * 16)::int END,
               CASE WHEN {_u(h3, 2)} < 0.25 THEN -25 + floor({_u(h3, 1)} * 21)::int END,
               %(stamp)s
          FROM (SELECT l.id, l.max_guests, l.base_price, md5(%(seed)s || ':pricing:' || l.id) AS h
                  FROM listings_listing l
                 WHERE l.status = 'published' AND l.base_price IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM pricing_listingpricing p WHERE p.listing_id = l.id)) l
         WHERE {_u(h, 0)} < 0.2
        """,
        {"seed": str(seed), "stamp": stamp, "floor": PRICE_FLOOR, "ceiling": PRICE_CEILING},
    )
    return cursor.rowcount


def _guest_pool() -> int:
    """Put the ids of people who host nothing into a numbered temporary table; return how many."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS seed_guest")
        cursor.execute(
            """
            CREATE TEMP TABLE seed_guest AS
            SELECT row_number() OVER (ORDER BY u.id) - 1 AS n, u.id
              FROM accounts_user u
             WHERE u.is_active AND NOT u.is_staff
               AND NOT EXISTS (SELECT 1 FROM listings_listing l WHERE l.host_id = u.id)
            """
        )
        cursor.execute("CREATE UNIQUE INDEX ON seed_guest (n)")
        cursor.execute("SELECT count(*) FROM seed_guest")
        return cursor.fetchone()[0]


def _seed_chunk(cursor, *, seed: int, start: dt.date, days: int, low: int, high: int, guests: int):
    params = {"seed": str(seed), "start": start, "days": days, "low": low, "high": high, "guests": max(guests, 1)}
    cursor.execute(
        """
        CREATE TEMP TABLE seed_listing ON COMMIT DROP AS
        SELECT l.id, l.host_id, l.min_nights, l.max_nights, l.max_guests, l.instant_book, l.currency, l.base_price,
               l.cleaning_fee, l.weekly_discount_pct, l.monthly_discount_pct, l.check_in_time, l.time_zone,
               md5(%(seed)s || ':listing:' || l.id) AS h
          FROM listings_listing l
         WHERE l.id >= %(low)s AND l.id < %(high)s AND l.status = 'published' AND l.base_price IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM availability_calendarnight c WHERE c.listing_id = l.id AND c.date >= %(start)s)
        """,
        params,
    )
    cursor.execute("ANALYZE seed_listing")
    cursor.execute("SELECT count(*) FROM seed_listing")
    listings = cursor.fetchone()[0]
    if not listings:
        return {"listings": 0, "bookings": 0, "nights": 0, "booking_min": None, "booking_max": None}

    # The timeline: stay i starts after the gaps and stays before it; kept with a probability
    # falling with lead time. Mean gap from popularity: 1 night (busy) to 20 (quiet).
    cursor.execute(
        f"""
        CREATE TEMP TABLE seed_stay ON COMMIT DROP AS
        WITH steps AS (
            SELECT l.id, i, md5(%(seed)s || ':stay:' || l.id || ':' || i) AS hs,
                   least(greatest(({_NIGHTS})[1 + floor({_u(_LENGTH_HASH, 0)} * 15)::int], l.min_nights),
                         l.max_nights) AS nights,
                   1 + 19 * power({_u("l.h", 0)}, 2) AS mean_gap
              FROM seed_listing l, generate_series(1, {STEPS_PER_LISTING}) AS i
        ), placed AS (
            SELECT s.id, s.i, s.hs, s.nights,
                   (sum(floor(-ln(1 - {_u("s.hs", 1)}) * s.mean_gap)::int + s.nights)
                        OVER (PARTITION BY s.id ORDER BY s.i) - s.nights)::int AS offset_days
              FROM steps s
        )
        SELECT p.id AS listing_id, p.i, p.hs, l.host_id, p.nights, l.max_guests, l.instant_book, l.currency,
               l.base_price, l.cleaning_fee, l.weekly_discount_pct, l.monthly_discount_pct, l.check_in_time,
               l.time_zone, %(start)s::date + p.offset_days AS check_in,
               %(start)s::date + p.offset_days + p.nights AS check_out,
               {_u("p.hs", 3)} < {BOOKING_SHARE} AS is_booking
          FROM placed p JOIN seed_listing l ON l.id = p.id
         WHERE p.offset_days < %(days)s
           AND {_u("p.hs", 2)} < 0.05 + 0.8 * exp(-p.offset_days / 60.0)
        """,
        params,
    )
    cursor.execute("ANALYZE seed_stay")

    # Bookings: ids in (listing, stay) order, then each priced by price_quote itself, as the booking
    # service freezes it (platform rules; no host prices on these nights: overrides come later).
    cursor.execute(
        f"""
        CREATE TEMP TABLE seed_booking ON COMMIT DROP AS
        SELECT nextval(pg_get_serial_sequence('bookings_booking', 'id')) AS id, t.*
          FROM (SELECT s.*, g.id AS guest_id,
                       least(s.max_guests, ({_PARTY})[1 + floor({_u("md5(s.hs)", 0)} * 10)::int]) AS party,
                       now() - interval '1 hour' - {_u("md5(s.hs)", 2)} * interval '90 days' AS created
                  FROM seed_stay s
                  JOIN seed_guest g ON g.n = floor({_u("md5(s.hs)", 1)} * %(guests)s)::bigint
                 WHERE s.is_booking
                 ORDER BY s.listing_id, s.i) t
        """,
        params,
    )
    cursor.execute("ANALYZE seed_booking")
    _quotes_write(cursor, start=start, days=days)
    cursor.execute(
        """
        INSERT INTO bookings_booking (id, listing_id, guest_id, code, check_in, check_out, guests, status,
                                      instant_book, currency, total, price_breakdown, message_to_host,
                                      confirmed_at, created_at, updated_at)
        SELECT b.id, b.listing_id, b.guest_id, md5(%(seed)s || ':code:' || b.listing_id || ':' || b.i)::uuid,
               b.check_in, b.check_out, b.party, 'confirmed', b.instant_book, b.currency, q.total, q.breakdown, '',
               b.created + interval '2 minutes', b.created, b.created + interval '2 minutes'
          FROM seed_booking b JOIN seed_quote q ON q.id = b.id
        """,
        params,
    )
    cursor.execute(
        """
        INSERT INTO payments_payment (booking_id, gateway, intent_id, payment_method, status, amount, currency,
                                      amount_refunded, failure_code, failure_message, created_at, updated_at)
        SELECT b.id, 'local', 'pi_seed_' || b.id, 'pm_card_visa', 'captured', q.total, b.currency, 0, '', '',
               b.created, b.created + interval '2 minutes'
          FROM seed_booking b JOIN seed_quote q ON q.id = b.id
        """
    )
    cursor.execute(
        """
        INSERT INTO payments_payoutentry (booking_id, host_id, amount, currency, release_at, status)
        SELECT b.id, b.host_id, q.host_payout, b.currency,
               (b.check_in + b.check_in_time) AT TIME ZONE b.time_zone + interval '24 hours', 'scheduled'
          FROM seed_booking b JOIN seed_quote q ON q.id = b.id
        """
    )
    cursor.execute(
        """
        INSERT INTO bookings_bookingevent (booking_id, from_status, to_status, actor_id, reason, created_at,
                                           processed_at)
        SELECT b.id, 'pending_payment', 'confirmed', NULL, 'seeded by seed_calendars',
               b.created + interval '2 minutes', b.created + interval '2 minutes'
          FROM seed_booking b
        """
    )
    nights = 0
    cursor.execute(
        """
        INSERT INTO availability_calendarnight (listing_id, date, status, booking_id)
        SELECT b.listing_id, d::date, 'booked', b.id
          FROM seed_booking b, generate_series(b.check_in, b.check_out - 1, interval '1 day') d
        """
    )
    nights += cursor.rowcount
    # Host blocks: the stays not booked here, then the long blocks; nights already taken stay as they are.
    cursor.execute(
        f"""
        INSERT INTO availability_calendarnight (listing_id, date, status)
        SELECT listing_id, d::date, 'blocked' FROM (
            SELECT s.listing_id, s.check_in, s.check_out FROM seed_stay s WHERE NOT s.is_booking
            UNION ALL
            SELECT l.id, %(start)s::date + floor({_u("l.h", 1)} * %(days)s)::int,
                   %(start)s::date + floor({_u("l.h", 1)} * %(days)s)::int
                   + CASE WHEN {_u("l.h", 2)} < 0.2 THEN 90 + floor({_u("l.h", 3)} * 91)::int
                          ELSE 14 + floor({_u("l.h", 3)} * 43)::int END
              FROM seed_listing l WHERE {_u("l.h", 2)} < 0.10
        ) AS blocks, generate_series(blocks.check_in, blocks.check_out - 1, interval '1 day') d
        ON CONFLICT (listing_id, date) DO NOTHING
        """,
        params,
    )
    nights += cursor.rowcount
    # Holiday minimum stays, then weekend prices (only on nights still free).
    cursor.execute(
        f"""
        INSERT INTO availability_calendarnight (listing_id, date, status, min_nights)
        SELECT l.id, d::date, 'available', 3 + floor({_u("md5(l.h)", 0)} * 3)::int
          FROM seed_listing l,
               generate_series(%(start)s::date, %(start)s::date + %(days)s - 1, interval '1 day') d
         WHERE {_u("md5(l.h)", 1)} < 0.05
           AND ((extract(month FROM d) = 12 AND extract(day FROM d) >= 20)
                OR (extract(month FROM d) = 1 AND extract(day FROM d) <= 2))
        ON CONFLICT (listing_id, date) DO NOTHING
        """,
        params,
    )
    cursor.execute(
        f"""
        INSERT INTO availability_calendarnight (listing_id, date, status, price)
        SELECT l.id, d::date, 'available',
               greatest(10, round(l.base_price * (1.15 + 0.20 * {_u("md5(l.h)", 3)})))
          FROM seed_listing l,
               generate_series(%(start)s::date, %(start)s::date + least(%(days)s, 120) - 1, interval '1 day') d
         WHERE {_u("md5(l.h)", 2)} < 0.08 AND extract(isodow FROM d) IN (5, 6)
        ON CONFLICT (listing_id, date) DO UPDATE SET price = EXCLUDED.price
         WHERE availability_calendarnight.status = 'available'
        """,
        params,
    )
    cursor.execute(
        """
        UPDATE listings_listing AS l SET unavailable = COALESCE(
            (SELECT range_agg(daterange(c.date, c.date + 1)) FROM availability_calendarnight c
              WHERE c.listing_id = l.id AND c.status IN ('held', 'booked', 'blocked')
                AND c.date >= CURRENT_DATE - 1),
            '{}'::datemultirange)
         WHERE l.id IN (SELECT id FROM seed_listing)
        """
    )
    cursor.execute("SELECT count(*), min(id), max(id) FROM seed_booking")
    bookings, booking_min, booking_max = cursor.fetchone()
    cursor.execute("DROP TABLE seed_quote; DROP TABLE seed_booking; DROP TABLE seed_stay; DROP TABLE seed_listing")
    return {
        "listings": listings,
        "bookings": bookings,
        "nights": nights,
        "booking_min": booking_min,
        "booking_max": booking_max,
    }


@dataclass(frozen=True, slots=True)
class _QuoteTerms:
    """The listing fields ``price_quote`` reads, without loading a Listing per booking."""

    pk: int
    currency: str
    base_price: Decimal
    cleaning_fee: Decimal
    weekly_discount_pct: int
    monthly_discount_pct: int
    time_zone: str = "UTC"  # unread: the quote is given ``today``


def _quotes_write(cursor, *, start: dt.date, days: int) -> None:
    """Price every seeded booking with ``price_quote`` into ``seed_quote`` (id, total, breakdown, host payout)."""
    cursor.execute(
        "SELECT b.id, b.listing_id, b.check_in, b.check_out, b.party, b.currency, b.base_price, b.cleaning_fee, "
        "b.weekly_discount_pct, b.monthly_discount_pct FROM seed_booking b ORDER BY b.id"
    )
    bookings = cursor.fetchall()
    end = start + dt.timedelta(days=days + 400)
    rules = pricing_rules_for_listings(listing_ids={row[1] for row in bookings}, start=start, end=end)
    cursor.execute(
        "CREATE TEMP TABLE seed_quote (id bigint PRIMARY KEY, total numeric, breakdown jsonb, host_payout numeric) "
        "ON COMMIT DROP"
    )
    with cursor.cursor.copy("COPY seed_quote (id, total, breakdown, host_payout) FROM STDIN") as copy:
        for booking_id, listing_id, check_in, check_out, party, currency, base, cleaning, weekly, monthly in bookings:
            terms = _QuoteTerms(listing_id, currency, base, cleaning, weekly, monthly)
            quote = price_quote(
                listing=terms, check_in=check_in, check_out=check_out, guests=party, night_prices={},
                rules=rules[listing_id], today=start,
            )  # fmt: skip
            copy.write_row((booking_id, quote.total, json.dumps(quote.as_dict()), quote.host_payout))


def calendars_clear(*, run: CalendarSeedRun | None = None, report: Callable[[str], None] = lambda line: None) -> int:
    """Remove what seed runs added (all runs, or one); returns the number of runs cleared.

    Seeded bookings are recognised by their payment (intent ``pi_seed_<booking id>``) and removed with
    their nights, payment, payout and events. Every future calendar row without a booking (host blocks
    and overrides) from the run's start date on is removed too: on a demo database those are the
    seed's, since it only seeds listings that had no future calendar rows. Host pricing settings go
    when they still carry the run's stamp (``updated_at`` = its ``created_at``).
    """
    runs = [run] if run else list(CalendarSeedRun.objects.order_by("pk"))
    for seeded in runs:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE seed_clear ON COMMIT DROP AS SELECT booking_id AS id FROM payments_payment "
                "WHERE booking_id BETWEEN %s AND %s AND intent_id = 'pi_seed_' || booking_id",
                [seeded.booking_id_min or 0, seeded.booking_id_max or -1],
            )
            cursor.execute("ANALYZE seed_clear")
            cursor.execute(
                "CREATE TEMP TABLE seed_clear_listing ON COMMIT DROP AS "
                "SELECT listing_id AS id FROM bookings_booking WHERE id IN (SELECT id FROM seed_clear) "
                "UNION SELECT listing_id FROM availability_calendarnight WHERE date >= %s AND booking_id IS NULL",
                [seeded.start_date],
            )
            cursor.execute("ANALYZE seed_clear_listing")
            for table in (
                "availability_calendarnight",
                "bookings_bookingevent",
                "payments_payment",
                "payments_payoutentry",
            ):
                cursor.execute(f"DELETE FROM {table} WHERE booking_id IN (SELECT id FROM seed_clear)")
            cursor.execute(
                "DELETE FROM availability_calendarnight WHERE booking_id IS NULL AND date >= %s "
                "AND listing_id IN (SELECT id FROM seed_clear_listing)",
                [seeded.start_date],
            )
            cursor.execute("DELETE FROM bookings_booking WHERE id IN (SELECT id FROM seed_clear)")
            cursor.execute(
                """
                UPDATE listings_listing AS l SET unavailable = COALESCE(
                    (SELECT range_agg(daterange(c.date, c.date + 1)) FROM availability_calendarnight c
                      WHERE c.listing_id = l.id AND c.status IN ('held', 'booked', 'blocked')
                        AND c.date >= CURRENT_DATE - 1),
                    '{}'::datemultirange)
                 WHERE l.id IN (SELECT id FROM seed_clear_listing)
                """
            )
            cursor.execute(
                "UPDATE search_listing SET has_overrides = EXISTS (SELECT 1 FROM availability_calendarnight c "
                "WHERE c.listing_id = search_listing.listing_id AND (c.price IS NOT NULL OR c.min_nights IS NOT NULL)) "
                "WHERE listing_id IN (SELECT id FROM seed_clear_listing) AND has_overrides"
            )
            # The run's host pricing settings, unless a host has saved them since (the trigger clears the flag).
            cursor.execute("DELETE FROM pricing_listingpricing WHERE updated_at = %s", [seeded.created_at])
            seeded.delete()
        report(f"  cleared the calendar seed of {seeded.start_date} (seed {seeded.seed})")
    return len(runs)
