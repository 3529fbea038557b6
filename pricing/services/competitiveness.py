"""Price competitiveness: where a listing's nightly price sits among comparable listings nearby.

Comparable: published, same room type, capacity within one guest, same currency,
within ``PRICING_COMPETITIVENESS_RADIUS_KM`` (great-circle distance on the
geography type, after a bounding-box prefilter that uses the listing location's
GiST index). The percentile is the mid-rank: the share of comparables that are
cheaper plus half of those at the same price, so 0 is the cheapest and 100 the
dearest. Fewer than ``PRICING_COMPETITIVENESS_MIN_COMPARABLES`` gives NULL.

The nightly run walks 1x1 degree tiles (one statement and one short transaction
each), so it never holds long locks and a failing tile is retried next night;
over the 1M-listing demo world it takes a few minutes (docs/pricing-hosttools.md).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

KM_PER_DEGREE_LAT = 110.574

_COMPARABLES = """
    SELECT count(*) AS n,
           count(*) FILTER (WHERE b.base_price < a.base_price) AS below,
           count(*) FILTER (WHERE b.base_price = a.base_price) AS same,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY b.base_price) AS median
      FROM listings_listing b
     WHERE b.location && ST_Expand(a.location, %(deg)s / GREATEST(cos(radians(ST_Y(a.location))), 0.01), %(deg)s)
       AND ST_DWithin(b.location::geography, a.location::geography, %(metres)s, false)
       AND b.id <> a.id AND b.status = 'published' AND b.room_type = a.room_type
       AND b.max_guests BETWEEN a.max_guests - 1 AND a.max_guests + 1 AND b.currency = a.currency
"""

_UPSERT = f"""
INSERT INTO pricing_listingcompetitiveness (listing_id, percentile, comparables, median_price, computed_at)
SELECT a.id,
       CASE WHEN c.n >= %(min_n)s THEN round(100.0 * (c.below + 0.5 * c.same) / c.n, 2) END,
       c.n,
       CASE WHEN c.n >= %(min_n)s THEN round(c.median::numeric, 2) END,
       %(now)s
  FROM listings_listing a
 CROSS JOIN LATERAL ({_COMPARABLES}) c
 WHERE a.status = 'published' AND a.location IS NOT NULL AND {{where}}
ON CONFLICT (listing_id) DO UPDATE
   SET percentile = EXCLUDED.percentile, comparables = EXCLUDED.comparables,
       median_price = EXCLUDED.median_price, computed_at = EXCLUDED.computed_at
"""


def _params(now) -> dict:
    radius = settings.PRICING_COMPETITIVENESS_RADIUS_KM
    return {
        "deg": radius / KM_PER_DEGREE_LAT,
        "metres": radius * 1000.0,
        "min_n": settings.PRICING_COMPETITIVENESS_MIN_COMPARABLES,
        "now": now,
    }


def competitiveness_refresh_tile(*, lng: int, lat: int, now=None) -> int:
    """Recompute the listings whose location lies in the 1x1 degree tile at (lng, lat); returns rows written."""
    now = now or timezone.now()
    sql = _UPSERT.format(where="a.location && ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 4326)")
    params = {**_params(now), "x0": lng, "y0": lat, "x1": lng + 1, "y1": lat + 1}
    with transaction.atomic(), connection.cursor() as cursor:
        # JIT compilation costs ~0.2 s per statement and buys nothing on these index lookups.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return cursor.rowcount


def competitiveness_refresh_listing(*, listing_id: int) -> int:
    """Recompute one listing (after its price changed, or for tests)."""
    sql = _UPSERT.format(where="a.id = %(listing_id)s")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, {**_params(timezone.now()), "listing_id": listing_id})
        return cursor.rowcount


def competitiveness_tiles() -> list[tuple[int, int]]:
    """The 1x1 degree tiles that hold published listings (lng, lat of the south-west corner)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT DISTINCT floor(ST_X(location))::int, floor(ST_Y(location))::int
              FROM listings_listing WHERE status = 'published' AND location IS NOT NULL
             ORDER BY 1, 2
            """
        )
        return [(int(x), int(y)) for x, y in cursor.fetchall()]


def competitiveness_refresh_all() -> int:
    """Recompute every published listing, tile by tile; then drop rows of listings no longer published.

    A listing on a tile edge is compared with neighbours across the edge (the
    prefilter box is not clipped to the tile). One failing tile is logged and
    skipped. Returns the number of listings computed.
    """
    started = timezone.now()
    written = 0
    for lng, lat in competitiveness_tiles():
        try:
            written += competitiveness_refresh_tile(lng=lng, lat=lat, now=started)
        except Exception:  # one tile's failure must not stop the run; logged with the traceback
            logger.exception("Competitiveness tile failed", extra={"tile": f"{lng},{lat}"})
    with connection.cursor() as cursor:
        cursor.execute(
            """
            DELETE FROM pricing_listingcompetitiveness c USING listings_listing l
             WHERE l.id = c.listing_id AND (l.status <> 'published' OR l.location IS NULL)
            """
        )
    return written
