"""The Superhost evaluation: which hosts carry the badge search and pages show.

A host qualifies when, over the last 12 months:

* their guests' published reviews average at least 4.8 stars overall;
* their response rate is at least 90 % (``User.response_rate``, computed by
  ``messaging``; a host nobody had to wait for, with no rate yet, meets it);
* their cancellation rate is below 1 %: host cancellations (``HostCancellation``)
  over completed stays plus host cancellations;
* they hosted at least ``SUPERHOST_MIN_STAYS`` completed stays (default 10).

Hosts who meet all of them get ``is_superhost``; current Superhosts who no
longer do lose it. Both are single set-based UPDATEs, run daily by beat.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone


@dataclass(frozen=True)
class SuperhostCriteria:
    min_rating: Decimal = Decimal("4.8")
    min_response_rate: Decimal = Decimal("0.90")
    max_cancellation_rate: Decimal = Decimal("0.01")
    min_stays: int = 10
    period_days: int = 365

    @classmethod
    def from_settings(cls) -> SuperhostCriteria:
        return cls(min_stays=int(getattr(settings, "SUPERHOST_MIN_STAYS", cls.min_stays)))


QUALIFIED_SQL = """
WITH stays AS (
    SELECT l.host_id, count(*) AS n
      FROM bookings_booking b
      JOIN listings_listing l ON l.id = b.listing_id
     WHERE b.status = 'completed' AND b.check_out > %(since_day)s AND b.check_out <= %(today)s
     GROUP BY l.host_id
), ratings AS (
    SELECT subject_id AS host_id, avg(overall) AS rating
      FROM reviews_review
     WHERE direction = 'guest_to_host' AND published_at >= %(since)s AND hidden_at IS NULL
     GROUP BY subject_id
), cancellations AS (
    SELECT host_id, count(*) AS n
      FROM bookings_hostcancellation
     WHERE created_at >= %(since)s
     GROUP BY host_id
)
SELECT s.host_id
  FROM stays s
  JOIN ratings r ON r.host_id = s.host_id
  JOIN accounts_user u ON u.id = s.host_id
  LEFT JOIN cancellations c ON c.host_id = s.host_id
 WHERE s.n >= %(min_stays)s
   AND r.rating >= %(min_rating)s
   AND (u.response_rate IS NULL OR u.response_rate >= %(min_response_rate)s)
   AND COALESCE(c.n, 0)::numeric / (s.n + COALESCE(c.n, 0)) < %(max_cancellation_rate)s
"""


def superhost_evaluate(*, now: dt.datetime | None = None, criteria: SuperhostCriteria | None = None) -> dict[str, int]:
    """Grant and withdraw the Superhost badge by the criteria above; returns the counts changed."""
    now = now or timezone.now()
    criteria = criteria or SuperhostCriteria.from_settings()
    since = now - dt.timedelta(days=criteria.period_days)
    params = {
        "since": since,
        "since_day": timezone.localdate(since),
        "today": timezone.localdate(now),
        "min_stays": criteria.min_stays,
        "min_rating": criteria.min_rating,
        "min_response_rate": criteria.min_response_rate,
        "max_cancellation_rate": criteria.max_cancellation_rate,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE accounts_user SET is_superhost = true WHERE NOT is_superhost AND id IN ({QUALIFIED_SQL})", params
        )
        granted = cursor.rowcount
        cursor.execute(
            f"UPDATE accounts_user SET is_superhost = false WHERE is_superhost AND id NOT IN ({QUALIFIED_SQL})", params
        )
        withdrawn = cursor.rowcount
    return {"granted": granted, "withdrawn": withdrawn}
