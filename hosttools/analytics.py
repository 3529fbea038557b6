"""Host analytics for a period, computed with SQL aggregates.

Definitions (per listing; the overall figures sum the parts, never average averages):

* period: the nights ``[start, end)``;
* available nights: nights in the period minus nights the host blocked;
* nights booked: nights of confirmed or completed bookings inside the period;
* occupancy: nights booked / available nights;
* revenue: room revenue of those nights: each booking's nightly prices after
  its stay discount (accommodation + discount lines of its frozen quote), spread
  evenly over its nights and counted for the nights inside the period; cleaning
  and guest fees are not revenue of a night;
* ADR (average daily rate): revenue / nights booked; RevPAR: revenue / available nights;
* lead time and length of stay: averages over stays arriving in the period;
* views: listing page views in the period; conversion: bookings made in the
  period (requests and instant bookings that reached the host: confirmed,
  completed, declined, cancelled or still awaiting an answer) / views;
* cancellation rate: stays arriving in the period that were cancelled (by the
  guest or the host) / all confirmed, completed or cancelled stays arriving then;
* reviews: the listings' rating average (``Listing.rating_avg``), weighted by
  rating count overall.

Money is per currency: a host pricing listings in two currencies gets the
overall money figures per currency (``revenue_by_currency``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.utils.formats import date_format
from django.utils.translation import gettext

from listings.localtime import zone
from listings.models import Listing
from listings.selectors import host_time_zone

CENT = Decimal("0.01")
MAX_PERIOD_DAYS = 731
STAY_STATUSES = ("confirmed", "completed")
CANCELLED_STATUSES = ("cancelled_by_guest", "cancelled_by_host")
MADE_STATUSES = ("awaiting_host", "confirmed", "completed", "declined", "cancelled_by_guest", "cancelled_by_host")


class PeriodInvalid(ValueError):
    pass


def period_validate(start: dt.date, end: dt.date) -> None:
    """Raise ``PeriodInvalid`` for a reversed, empty or over-two-year period."""
    if end <= start:
        raise PeriodInvalid(gettext("The end of the period must be after its start."))
    if (end - start).days > MAX_PERIOD_DAYS:
        raise PeriodInvalid(gettext("Choose a period of at most two years."))


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def _ratio(numerator, denominator, places: str = "0.0001") -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


@dataclass
class Metrics:
    """Sums for one listing (or all): the ratios are derived, so overall figures stay exact."""

    days: int = 0
    listings: int = 0
    blocked: int = 0
    nights_booked: int = 0
    revenue: Decimal = Decimal("0")
    arrivals: int = 0
    lead_time_days: int = 0
    stay_nights: int = 0
    views: int = 0
    bookings_made: int = 0
    cancelled: int = 0
    arrivals_or_cancelled: int = 0
    rating_sum: Decimal = Decimal("0")
    rating_count: int = 0

    @property
    def available(self) -> int:
        return self.days * self.listings - self.blocked

    @property
    def occupancy(self) -> Decimal | None:
        return _ratio(self.nights_booked, self.available)

    @property
    def adr(self) -> Decimal | None:
        return _money(self.revenue / self.nights_booked) if self.nights_booked else None

    @property
    def revpar(self) -> Decimal | None:
        return _money(self.revenue / self.available) if self.available > 0 else None

    @property
    def lead_time(self) -> Decimal | None:
        return _ratio(self.lead_time_days, self.arrivals, "0.1")

    @property
    def length_of_stay(self) -> Decimal | None:
        return _ratio(self.stay_nights, self.arrivals, "0.1")

    @property
    def conversion(self) -> Decimal | None:
        return _ratio(self.bookings_made, self.views)

    @property
    def cancellation_rate(self) -> Decimal | None:
        return _ratio(self.cancelled, self.arrivals_or_cancelled)

    @property
    def rating(self) -> Decimal | None:
        return _ratio(self.rating_sum, self.rating_count, "0.01")

    def add(self, other: Metrics) -> None:
        for name in (
            "listings",
            "blocked",
            "nights_booked",
            "revenue",
            "arrivals",
            "lead_time_days",
            "stay_nights",
            "views",
            "bookings_made",
            "cancelled",
            "arrivals_or_cancelled",
            "rating_sum",
            "rating_count",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class SeriesPoint:
    start: dt.date
    label: str
    nights_booked: int
    available: int
    revenue: Decimal

    @property
    def occupancy(self) -> Decimal | None:
        return _ratio(self.nights_booked, self.available)


@dataclass
class Report:
    start: dt.date
    end: dt.date
    listings: list[Listing]
    per_listing: dict[int, Metrics]
    overall: Metrics
    revenue_by_currency: dict[str, Decimal]
    series: list[SeriesPoint] = field(default_factory=list)
    bucket: str = "month"

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def currencies(self) -> list[str]:
        return sorted(self.revenue_by_currency)

    @property
    def single_currency(self) -> str | None:
        return self.currencies[0] if len(self.currencies) == 1 else None

    def rows(self):
        for listing in self.listings:
            yield listing, self.per_listing[listing.pk]


_PER_LISTING_SQL = """
WITH mine AS (
    SELECT id, rating_avg, rating_count FROM listings_listing
     WHERE host_id = %(host)s AND id = ANY(%(ids)s)
), stays AS (
    SELECT b.id, b.listing_id, b.check_in, b.check_out, b.created_at, b.status,
           (b.check_out - b.check_in) AS nights,
           COALESCE((SELECT sum((line ->> 'amount')::numeric)
                       FROM jsonb_array_elements(b.price_breakdown -> 'lines') AS line
                      WHERE line ->> 'code' IN ('accommodation', 'discount')), 0) AS room_revenue
      FROM bookings_booking b JOIN mine ON mine.id = b.listing_id
     WHERE b.check_in < %(end)s AND b.check_out > %(start)s
), booked AS (
    SELECT s.listing_id, count(*) AS nights_booked, sum(s.room_revenue / s.nights) AS revenue
      FROM stays s
     CROSS JOIN LATERAL generate_series(GREATEST(s.check_in, %(start)s),
                                        LEAST(s.check_out, %(end)s) - 1, interval '1 day') AS night
     WHERE s.status IN ('confirmed', 'completed')
     GROUP BY s.listing_id
), arrivals AS (
    SELECT s.listing_id,
           count(*) FILTER (WHERE s.status IN ('confirmed', 'completed')) AS arrivals,
           COALESCE(sum(s.check_in - (s.created_at AT TIME ZONE %(tz)s)::date)
                    FILTER (WHERE s.status IN ('confirmed', 'completed')), 0) AS lead_time_days,
           COALESCE(sum(s.nights) FILTER (WHERE s.status IN ('confirmed', 'completed')), 0) AS stay_nights,
           count(*) FILTER (WHERE s.status IN ('cancelled_by_guest', 'cancelled_by_host')) AS cancelled,
           count(*) FILTER (WHERE s.status IN ('confirmed', 'completed', 'cancelled_by_guest',
                                               'cancelled_by_host')) AS arrivals_or_cancelled
      FROM stays s
     WHERE s.check_in >= %(start)s AND s.check_in < %(end)s
     GROUP BY s.listing_id
), made AS (
    SELECT b.listing_id, count(*) AS bookings_made
      FROM bookings_booking b JOIN mine ON mine.id = b.listing_id
     WHERE b.created_at >= %(start_at)s AND b.created_at < %(end_at)s AND b.status = ANY(%(made)s)
     GROUP BY b.listing_id
), blocked AS (
    SELECT n.listing_id, count(*) AS blocked
      FROM availability_calendarnight n JOIN mine ON mine.id = n.listing_id
     WHERE n.status = 'blocked' AND n.date >= %(start)s AND n.date < %(end)s
     GROUP BY n.listing_id
), viewed AS (
    SELECT v.listing_id, sum(v.views) AS views
      FROM pricing_listingviewday v JOIN mine ON mine.id = v.listing_id
     WHERE v.date >= %(start)s AND v.date < %(end)s
     GROUP BY v.listing_id
)
SELECT mine.id, COALESCE(blocked.blocked, 0), COALESCE(booked.nights_booked, 0), COALESCE(booked.revenue, 0),
       COALESCE(arrivals.arrivals, 0), COALESCE(arrivals.lead_time_days, 0), COALESCE(arrivals.stay_nights, 0),
       COALESCE(viewed.views, 0), COALESCE(made.bookings_made, 0), COALESCE(arrivals.cancelled, 0),
       COALESCE(arrivals.arrivals_or_cancelled, 0), mine.rating_avg, mine.rating_count
  FROM mine
  LEFT JOIN blocked ON blocked.listing_id = mine.id
  LEFT JOIN booked ON booked.listing_id = mine.id
  LEFT JOIN arrivals ON arrivals.listing_id = mine.id
  LEFT JOIN made ON made.listing_id = mine.id
  LEFT JOIN viewed ON viewed.listing_id = mine.id
"""

_SERIES_SQL = """
WITH mine AS (
    SELECT id FROM listings_listing WHERE host_id = %(host)s AND id = ANY(%(ids)s)
), stays AS (
    SELECT b.listing_id, b.check_in, b.check_out, (b.check_out - b.check_in) AS nights,
           COALESCE((SELECT sum((line ->> 'amount')::numeric)
                       FROM jsonb_array_elements(b.price_breakdown -> 'lines') AS line
                      WHERE line ->> 'code' IN ('accommodation', 'discount')), 0) AS room_revenue
      FROM bookings_booking b JOIN mine ON mine.id = b.listing_id
     WHERE b.check_in < %(end)s AND b.check_out > %(start)s AND b.status IN ('confirmed', 'completed')
), nights AS (
    SELECT night::date AS night, s.room_revenue / s.nights AS revenue
      FROM stays s
     CROSS JOIN LATERAL generate_series(GREATEST(s.check_in, %(start)s),
                                        LEAST(s.check_out, %(end)s) - 1, interval '1 day') AS night
), buckets AS (
    SELECT DISTINCT date_trunc(%(bucket)s, day)::date AS bucket
      FROM generate_series(%(start)s::date, %(end)s::date - 1, interval '1 day') AS day
), booked AS (
    SELECT date_trunc(%(bucket)s, night)::date AS bucket, count(*) AS nights_booked, sum(revenue) AS revenue
      FROM nights GROUP BY 1
), blocked AS (
    SELECT date_trunc(%(bucket)s, n.date)::date AS bucket, count(*) AS blocked
      FROM availability_calendarnight n JOIN mine ON mine.id = n.listing_id
     WHERE n.status = 'blocked' AND n.date >= %(start)s AND n.date < %(end)s
     GROUP BY 1
)
SELECT b.bucket, COALESCE(booked.nights_booked, 0), COALESCE(booked.revenue, 0), COALESCE(blocked.blocked, 0)
  FROM buckets b
  LEFT JOIN booked ON booked.bucket = b.bucket
  LEFT JOIN blocked ON blocked.bucket = b.bucket
 ORDER BY b.bucket
"""


def analytics_report(
    *, host, start: dt.date, end: dt.date, listing_ids: list[int] | None = None, with_series: bool = True
) -> Report:
    """Figures for the host's listings (all, or ``listing_ids`` among them) over ``[start, end)``.

    Raises ``PeriodInvalid`` for a bad period. Two SQL statements (per-listing
    sums, and the chart series by day for periods up to two months, else by
    month) plus the listing list, whatever the number of bookings.
    """
    period_validate(start, end)
    listings_qs = Listing.objects.filter(host=host).exclude(status="deleted").order_by("title", "pk")
    if listing_ids is not None:
        listings_qs = listings_qs.filter(pk__in=listing_ids)
    listings = list(listings_qs.only("id", "title", "currency", "status", "rating_avg", "rating_count", "slug"))
    ids = [listing.pk for listing in listings]
    # Days are the host's (their listings' zone): a booking made at 23:30 in Oslo counts on that day.
    zone_name = host_time_zone(host=host)
    tz = zone(zone_name)
    params = {
        "host": host.pk,
        "ids": ids,
        "start": start,
        "end": end,
        "start_at": dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        "end_at": dt.datetime.combine(end, dt.time.min, tzinfo=tz),
        "made": list(MADE_STATUSES),
        "tz": zone_name,
    }
    days = (end - start).days
    per_listing = {pk: Metrics(days=days, listings=1) for pk in ids}
    with connection.cursor() as cursor:
        cursor.execute(_PER_LISTING_SQL, params)
        for (
            pk,
            blocked,
            nights_booked,
            revenue,
            arrivals,
            lead,
            stay_nights,
            views,
            made,
            cancelled,
            arrivals_or_cancelled,
            rating_avg,
            rating_count,
        ) in cursor.fetchall():
            metrics = per_listing[pk]
            metrics.blocked = blocked
            metrics.nights_booked = nights_booked
            metrics.revenue = _money(revenue)
            metrics.arrivals = arrivals
            metrics.lead_time_days = lead
            metrics.stay_nights = stay_nights
            metrics.views = views
            metrics.bookings_made = made
            metrics.cancelled = cancelled
            metrics.arrivals_or_cancelled = arrivals_or_cancelled
            if rating_avg is not None and rating_count:
                metrics.rating_sum = Decimal(rating_avg) * rating_count
                metrics.rating_count = rating_count
    overall = Metrics(days=days, listings=0)
    revenue_by_currency: dict[str, Decimal] = {}
    for listing in listings:
        overall.add(per_listing[listing.pk])
        revenue_by_currency[listing.currency] = revenue_by_currency.get(listing.currency, Decimal("0")) + (
            per_listing[listing.pk].revenue
        )
    report = Report(start, end, listings, per_listing, overall, revenue_by_currency)
    if with_series and ids:
        report.bucket = "day" if days <= 62 else "month"
        report.series = _series(params, report.bucket, len(ids), start, end)
    return report


def _series(params: dict, bucket: str, listing_count: int, start: dt.date, end: dt.date) -> list[SeriesPoint]:
    with connection.cursor() as cursor:
        cursor.execute(_SERIES_SQL, {**params, "bucket": bucket})
        rows = cursor.fetchall()
    points = []
    for bucket_start, nights_booked, revenue, blocked in rows:
        if bucket == "day":
            bucket_days, label = 1, date_format(bucket_start, "d M")
        else:
            first = max(bucket_start, start)
            following = (bucket_start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            bucket_days, label = (min(following, end) - first).days, date_format(bucket_start, "M Y")
        points.append(
            SeriesPoint(
                start=bucket_start,
                label=label,
                nights_booked=nights_booked,
                available=bucket_days * listing_count - blocked,
                revenue=_money(revenue),
            )
        )
    return points


CSV_COLUMNS = (
    "listing_id",
    "title",
    "currency",
    "period_start",
    "period_end",  # the last day, included
    "available_nights",
    "nights_booked",
    "occupancy",
    "revenue",
    "adr",
    "revpar",
    "avg_lead_time_days",
    "avg_length_of_stay",
    "views",
    "bookings_made",
    "view_to_booking",
    "cancellation_rate",
    "rating_avg",
    "rating_count",
)


def _csv_values(metrics: Metrics) -> list:
    def text(value):
        return "" if value is None else str(value)

    return [
        metrics.available,
        metrics.nights_booked,
        text(metrics.occupancy),
        str(metrics.revenue),
        text(metrics.adr),
        text(metrics.revpar),
        text(metrics.lead_time),
        text(metrics.length_of_stay),
        metrics.views,
        metrics.bookings_made,
        text(metrics.conversion),
        text(metrics.cancellation_rate),
        text(metrics.rating),
        metrics.rating_count,
    ]


def _csv_safe(text: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: neutralise titles that do."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def analytics_csv(report: Report) -> str:
    """The report as CSV: one row per listing, then an "all listings" row (money only for a single currency)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    last_day = report.last_day
    for listing, metrics in report.rows():
        writer.writerow(
            [listing.pk, _csv_safe(listing.title), listing.currency, report.start, last_day, *_csv_values(metrics)]
        )
    overall = _csv_values(report.overall)
    if report.single_currency is None:
        overall[3:6] = ["", "", ""]  # revenue, ADR, RevPAR cannot be summed across currencies
    writer.writerow(["", gettext("All listings"), report.single_currency or "", report.start, last_day, *overall])
    return buffer.getvalue()
