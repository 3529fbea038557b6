"""The platform's demand signals and the area demand scores computed from them.

Recording is on the request path (every listing page view, every dated search),
so it only increments a Redis hash; ``demand_signals_flush`` (every minute)
moves the counts into daily rows in PostgreSQL in one statement per key. A Redis
outage loses some counts (logged), never a page view.

``demand_refresh`` turns signals into ``AreaDemand`` scores per area cell
(``PRICING_DEMAND_CELL_DEGREES``, ~11 km) and night, in one SQL statement:

* occupancy: the share of the cell's published listings booked or on hold that
  night (80% counts as full);
* search pressure: searches asking for that night per listing in the cell,
  ``s / (s + listings)`` (0.5 when there is one search per listing);
* view-to-book: bookings made per listing view in the cell over 14 days,
  relative to the platform's ratio, ``r / (r + platform)`` (0.5 = average).

``score = 0.45 occupancy + 0.30 search pressure + 0.25 view-to-book``. Cells
with fewer than ``PRICING_DEMAND_MIN_SIGNALS`` signals (booked nights, searches,
views) get no row: no evidence, no adjustment. How far ahead the night is enters
when the score becomes a price (``pricing.rules.demand_adjustment``).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from redis.exceptions import RedisError

from listings.localtime import earliest_today, latest_today

from ..selectors import demand_cell_size

logger = logging.getLogger(__name__)

VIEWS_KEY = "pricing:views:"  # + ISO day; hash listing_id -> views
SEARCHES_KEY = "pricing:searches"  # hash "cell_lat:cell_lng:night" -> searches
FLUSHING = ":flushing:"
KEY_TTL_SECONDS = 8 * 24 * 3600
MAX_SEARCH_NIGHTS = 31
SIGNAL_DAYS = 14


def _redis():
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def _prefixed(key: str) -> str:
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    return f"{prefix}:{key}" if prefix else key


def demand_cell(*, lat: float, lng: float) -> tuple[int, int]:
    """The area cell of a point (the same cells ``AreaDemand`` and quotes use)."""
    size = float(demand_cell_size())
    return math.floor(lat / size), math.floor(lng / size)


def listing_view_record(*, listing_id: int, day: dt.date | None = None) -> None:
    """Count one view of a listing's page (buffered in Redis; flushed every minute)."""
    key = _prefixed(VIEWS_KEY + (day or timezone.localdate()).isoformat())
    try:
        pipe = _redis().pipeline()
        pipe.hincrby(key, str(listing_id), 1)
        pipe.expire(key, KEY_TTL_SECONDS)
        pipe.execute()
    except RedisError:
        logger.warning("Listing view not counted: Redis unavailable", extra={"listing_id": listing_id})


def search_demand_record(*, lat: float, lng: float, check_in: dt.date, check_out: dt.date) -> None:
    """Count one search for the area around (lat, lng) for the nights ``[check_in, check_out)``.

    Only the first ``MAX_SEARCH_NIGHTS`` nights count, so a year-long search does
    not weigh like 365 searches.
    """
    cell_lat, cell_lng = demand_cell(lat=lat, lng=lng)
    nights = min((check_out - check_in).days, MAX_SEARCH_NIGHTS)
    if nights <= 0:
        return
    key = _prefixed(SEARCHES_KEY)
    try:
        pipe = _redis().pipeline()
        for offset in range(nights):
            night = check_in + dt.timedelta(days=offset)
            pipe.hincrby(key, f"{cell_lat}:{cell_lng}:{night.isoformat()}", 1)
        pipe.expire(key, KEY_TTL_SECONDS)
        pipe.execute()
    except RedisError:
        logger.warning("Search not counted: Redis unavailable")


def _claim(redis, key: str) -> str | None:
    """Rename a live counter key to a private one so counting continues in a fresh key."""
    if FLUSHING in key:
        return key  # left over by a flush that failed: retry it
    claimed = f"{key}{FLUSHING}{uuid.uuid4().hex}"
    try:
        redis.rename(key, claimed)
    except RedisError:
        return None  # vanished (another flush took it)
    return claimed


def demand_signals_flush() -> tuple[int, int]:
    """Move buffered view and search counts from Redis into ``ListingViewDay`` / ``AreaSearchDay``.

    Each Redis key is renamed before it is read, so views counted meanwhile go to
    a fresh key; the claimed key is deleted only after the database commit, so a
    failed write is retried by the next flush. Counts for deleted listings are
    dropped. A Redis lock keeps two flushes from claiming the same keys. Returns
    (view rows, search rows) written.
    """
    try:
        redis = _redis()
        lock = redis.lock(_prefixed("pricing:flush-lock"), timeout=300, blocking=False)
        if not lock.acquire():
            return (0, 0)
    except RedisError:
        logger.warning("Demand signals not flushed: Redis unavailable")
        return (0, 0)
    views = searches = 0
    try:
        for raw in redis.scan_iter(match=_prefixed(VIEWS_KEY) + "*", count=500):
            key = _claim(redis, raw.decode() if isinstance(raw, bytes) else raw)
            if key is None:
                continue
            day = dt.date.fromisoformat(key.split(VIEWS_KEY, 1)[1].split(FLUSHING, 1)[0])
            counts = {int(k): int(v) for k, v in redis.hgetall(key).items()}
            with transaction.atomic():
                views += _views_upsert(day, counts)
            redis.delete(key)
        for raw in redis.scan_iter(match=_prefixed(SEARCHES_KEY) + "*", count=500):
            key = _claim(redis, raw.decode() if isinstance(raw, bytes) else raw)
            if key is None:
                continue
            rows = []
            for field, value in redis.hgetall(key).items():
                cell_lat, cell_lng, night = (field.decode() if isinstance(field, bytes) else field).split(":")
                rows.append((int(cell_lat), int(cell_lng), dt.date.fromisoformat(night), int(value)))
            with transaction.atomic():
                searches += _searches_upsert(rows)
            redis.delete(key)
    finally:
        try:
            lock.release()
        except RedisError:
            pass  # the lock expires by itself
    return views, searches


def _views_upsert(day: dt.date, counts: dict[int, int]) -> int:
    if not counts:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO pricing_listingviewday (listing_id, date, views)
            SELECT t.listing_id, %s, t.views
              FROM unnest(%s::bigint[], %s::int[]) AS t(listing_id, views)
              JOIN listings_listing l ON l.id = t.listing_id
            ON CONFLICT (listing_id, date) DO UPDATE SET views = pricing_listingviewday.views + EXCLUDED.views
            """,
            [day, list(counts), list(counts.values())],
        )
        return cursor.rowcount


def _searches_upsert(rows: list[tuple[int, int, dt.date, int]]) -> int:
    if not rows:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO pricing_areasearchday (cell_lat, cell_lng, night, searches)
            SELECT * FROM unnest(%s::int[], %s::int[], %s::date[], %s::int[])
            ON CONFLICT (cell_lat, cell_lng, night)
            DO UPDATE SET searches = pricing_areasearchday.searches + EXCLUDED.searches
            """,
            [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows]],
        )
        return cursor.rowcount


DEMAND_SQL = """
WITH supply AS (
    SELECT floor(ST_Y(public_location) / %(size)s)::int AS cy, floor(ST_X(public_location) / %(size)s)::int AS cx,
           count(*) AS listings
      FROM listings_listing
     WHERE status = 'published' AND public_location IS NOT NULL
     GROUP BY 1, 2
), booked AS (
    SELECT floor(ST_Y(l.public_location) / %(size)s)::int AS cy, floor(ST_X(l.public_location) / %(size)s)::int AS cx,
           n.date, count(*) AS booked
      FROM availability_calendarnight n JOIN listings_listing l ON l.id = n.listing_id
     WHERE n.status IN ('held', 'booked') AND n.date >= %(start)s AND n.date < %(end)s
       AND l.status = 'published' AND l.public_location IS NOT NULL
     GROUP BY 1, 2, 3
), searched AS (
    SELECT cell_lat AS cy, cell_lng AS cx, night AS date, searches
      FROM pricing_areasearchday WHERE night >= %(start)s AND night < %(end)s
), viewed AS (
    SELECT floor(ST_Y(l.public_location) / %(size)s)::int AS cy, floor(ST_X(l.public_location) / %(size)s)::int AS cx,
           sum(v.views) AS views
      FROM pricing_listingviewday v JOIN listings_listing l ON l.id = v.listing_id
     WHERE v.date >= %(since)s AND l.public_location IS NOT NULL
     GROUP BY 1, 2
), made AS (
    SELECT floor(ST_Y(l.public_location) / %(size)s)::int AS cy, floor(ST_X(l.public_location) / %(size)s)::int AS cx,
           count(*) AS bookings
      FROM bookings_booking b JOIN listings_listing l ON l.id = b.listing_id
     WHERE b.created_at >= %(since_at)s AND b.status NOT IN ('pending_payment', 'payment_failed')
       AND l.public_location IS NOT NULL
     GROUP BY 1, 2
), platform AS (
    SELECT (SELECT count(*) FROM bookings_booking
             WHERE created_at >= %(since_at)s AND status NOT IN ('pending_payment', 'payment_failed'))::numeric
           / NULLIF((SELECT sum(views) FROM pricing_listingviewday WHERE date >= %(since)s), 0) AS rate
), cells AS (
    SELECT cy, cx, date FROM booked UNION SELECT cy, cx, date FROM searched
), signals AS (
    SELECT c.cy, c.cx, c.date, s.listings,
           COALESCE(b.booked, 0) AS booked, COALESCE(q.searches, 0) AS searches,
           COALESCE(v.views, 0) AS views, COALESCE(m.bookings, 0) AS bookings
      FROM cells c
      JOIN supply s ON s.cy = c.cy AND s.cx = c.cx
      LEFT JOIN booked b ON b.cy = c.cy AND b.cx = c.cx AND b.date = c.date
      LEFT JOIN searched q ON q.cy = c.cy AND q.cx = c.cx AND q.date = c.date
      LEFT JOIN viewed v ON v.cy = c.cy AND v.cx = c.cx
      LEFT JOIN made m ON m.cy = c.cy AND m.cx = c.cx
)
INSERT INTO pricing_areademand (cell_lat, cell_lng, date, score, listings, booked, searches, views, bookings,
                                computed_at)
SELECT cy, cx, date,
       round(LEAST(1, GREATEST(0,
             0.45 * LEAST(1, booked::numeric / (0.8 * listings))
           + 0.30 * (searches::numeric / (searches + listings))
           + 0.25 * CASE WHEN views = 0 OR COALESCE(p.rate, 0) = 0 THEN 0.5
                         ELSE (bookings::numeric / views) / (bookings::numeric / views + p.rate) END
       )), 2),
       listings, booked, searches, views, bookings, %(now)s
  FROM signals CROSS JOIN platform p
 WHERE booked + searches + views >= %(min_signals)s
ON CONFLICT (cell_lat, cell_lng, date) DO UPDATE
   SET score = EXCLUDED.score, listings = EXCLUDED.listings, booked = EXCLUDED.booked,
       searches = EXCLUDED.searches, views = EXCLUDED.views, bookings = EXCLUDED.bookings,
       computed_at = EXCLUDED.computed_at
"""


def demand_refresh(*, today: dt.date | None = None) -> int:
    """Recompute area demand scores for the next ``PRICING_DEMAND_DAYS`` nights; returns rows written.

    Rows of past nights and of cells that no longer have enough signal are
    removed in the same transaction, so quotes never read a stale score.

    Nights are the listings' own (a quote counts from its listing's today): the
    range runs from the earliest "today" on Earth (UTC-12) to the latest one
    (UTC+14) plus ``PRICING_DEMAND_DAYS``, so a Honolulu listing's tonight keeps
    its score while UTC already says tomorrow. ``today`` forces one date (tests).
    """
    now = timezone.now()
    first = today or earliest_today(now=now)
    last = today or latest_today(now=now)
    params = {
        "size": Decimal(str(settings.PRICING_DEMAND_CELL_DEGREES)),
        "start": first,
        "end": last + dt.timedelta(days=settings.PRICING_DEMAND_DAYS),
        "since": first - dt.timedelta(days=SIGNAL_DAYS),
        "since_at": now - dt.timedelta(days=SIGNAL_DAYS),
        "min_signals": settings.PRICING_DEMAND_MIN_SIGNALS,
        "now": now,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(DEMAND_SQL, params)
        written = cursor.rowcount
        cursor.execute("DELETE FROM pricing_areademand WHERE date < %s OR computed_at < %s", [first, now])
        cursor.execute("DELETE FROM pricing_areasearchday WHERE night < %s", [first])
    return written
