"""The demo world's place-based pricing rules: seasons, local events and area demand.

Without them every quote in the demo world is base x weekday, and neither the
pages nor the search benchmark exercise the rules a real marketplace has
(docs/search.md, "Price"). Written after everything else, from their own random
generator (``seed`` + a fixed label), so the other tables of a seed are the same
with or without them, and the same seed, size and day give the same rules.

* Seasons: every country with listings gets a summer high season, shoulder
  seasons around it, a year-end high and a late-winter low (shifted six months
  south of the equator); one country in four gets a second, regional set for its
  busiest region.
* Local events: two to four a year in each of the 200 cities with the most
  listings (festivals, fairs, a few big ones), within the next year.
* Area demand: the cells (``PRICING_DEMAND_CELL_DEGREES``) with at least 20
  listings get a score for each of the next ``PRICING_DEMAND_DAYS`` nights, as the
  pricing app's ``demand_refresh`` would write from its signals: a per-cell level,
  a weekly swing and noise, computed in SQL from a hash so it is deterministic.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection
from django.utils import timezone

from pricing.models import AreaDemand, LocalEvent, SeasonLevel, SeasonPeriod

EVENT_CITIES = 200
DEMAND_MIN_LISTINGS = 20
EVENT_NAMES = ("Music festival", "Food fair", "Marathon", "Film festival", "Trade fair", "Carnival", "Jazz week")

# (name, level, start (month, day), end (month, day)) for the northern hemisphere.
NORTH = (
    ("Summer holidays", SeasonLevel.HIGH, (6, 20), (8, 31)),
    ("Late spring", SeasonLevel.SHOULDER, (5, 1), (6, 19)),
    ("Early autumn", SeasonLevel.SHOULDER, (9, 1), (10, 15)),
    ("Year end", SeasonLevel.HIGH, (12, 20), (1, 4)),
    ("Late winter", SeasonLevel.LOW, (1, 10), (3, 10)),
)


def _south(month_day: tuple[int, int]) -> tuple[int, int]:
    month, day = month_day
    return ((month + 5) % 12) + 1, min(day, 28)


def place_rules_clear() -> None:
    """Remove every season, local event and area demand row (the seed clears them before its live flows,
    which quote prices, so a reseed prices them as the first seed did)."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE pricing_seasonperiod, pricing_localevent, pricing_areademand RESTART IDENTITY")


def place_rules_seed(*, seed: int, today: dt.date | None = None, report: Callable[[str], None] = print) -> dict:
    """Replace every season, local event and area demand row with the demo world's (see the module docstring)."""
    rng = random.Random(f"place-rules-{seed}")
    today = today or timezone.localdate()
    size = float(settings.PRICING_DEMAND_CELL_DEGREES)
    place_rules_clear()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT country_code, avg(ST_Y(location)),
                   (array_agg(region ORDER BY n DESC))[1]
              FROM (SELECT country_code, location, region, count(*) OVER (PARTITION BY country_code, region) AS n
                      FROM listings_listing WHERE status = 'published' AND location IS NOT NULL
                       AND country_code <> '') x
             GROUP BY country_code ORDER BY country_code
            """
        )
        countries = cursor.fetchall()
        cursor.execute(
            """
            SELECT city, country_code, avg(ST_Y(location)), avg(ST_X(location)), count(*)
              FROM listings_listing WHERE status = 'published' AND location IS NOT NULL
             GROUP BY city, country_code ORDER BY count(*) DESC, city, country_code LIMIT %s
            """,
            [EVENT_CITIES],
        )
        cities = cursor.fetchall()

    periods = []
    for code, latitude, busiest_region in countries:
        south = latitude < 0
        for name, level, start, end in NORTH:
            if south:
                start, end = _south(start), _south(end)
            periods.append(SeasonPeriod(country_code=code, name=name, level=level, start_month=start[0],
                                        start_day=start[1], end_month=end[0], end_day=end[1]))  # fmt: skip
        if busiest_region and rng.random() < 0.25:
            month = rng.randint(1, 12)
            periods.append(SeasonPeriod(country_code=code, region=busiest_region, name="Regional peak",
                                        level=SeasonLevel.HIGH, start_month=month, start_day=1,
                                        end_month=month % 12 + 1, end_day=15))  # fmt: skip
            periods.append(SeasonPeriod(country_code=code, region=busiest_region, name="Regional quiet",
                                        level=SeasonLevel.LOW, start_month=(month + 5) % 12 + 1, start_day=1,
                                        end_month=(month + 5) % 12 + 1, end_day=28))  # fmt: skip
    SeasonPeriod.objects.bulk_create(periods)

    events = []
    for city, _code, latitude, longitude, _count in cities:
        for _ in range(rng.randint(2, 4)):
            starts_on = today + dt.timedelta(days=rng.randint(1, 360))
            big = rng.random() < 0.1
            events.append(
                LocalEvent(
                    name=f"{city} {rng.choice(EVENT_NAMES)}",
                    location=Point(longitude + rng.uniform(-0.05, 0.05), latitude + rng.uniform(-0.05, 0.05),
                                   srid=4326),
                    radius_km=rng.choice([3, 5, 8, 10, 15, 25]) if not big else rng.choice([40, 60]),
                    starts_on=starts_on,
                    ends_on=starts_on + dt.timedelta(days=rng.randint(0, 6)),
                    uplift_pct=rng.choice([60, 100, 150]) if big else rng.choice([-10, 10, 15, 20, 25, 30, 40]),
                )
            )  # fmt: skip
    LocalEvent.objects.bulk_create(events)

    days = int(settings.PRICING_DEMAND_DAYS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {AreaDemand._meta.db_table}
                   (cell_lat, cell_lng, date, score, listings, booked, searches, views, bookings, computed_at)
            SELECT c.cell_lat, c.cell_lng, d::date,
                   round(least(1, greatest(0, lv.level
                         + CASE WHEN extract(isodow FROM d) IN (5, 6) THEN 0.12 ELSE -0.04 END
                         + (abs(hashtext(%(salt)s || c.cell_lat || ':' || c.cell_lng || ':' || d::date)) %% 1000)
                           / 1000.0 * 0.3 - 0.15))::numeric, 2),
                   c.listings, (c.listings * lv.level)::int, c.listings * 3, c.listings * 20, c.listings / 4, now()
              FROM (SELECT floor(ST_Y(location) / %(size)s)::int AS cell_lat,
                           floor(ST_X(location) / %(size)s)::int AS cell_lng, count(*) AS listings
                      FROM listings_listing WHERE status = 'published' AND location IS NOT NULL
                     GROUP BY 1, 2 HAVING count(*) >= %(min)s) c
             CROSS JOIN LATERAL (SELECT 0.2 + (abs(hashtext(%(salt)s || c.cell_lat || ':' || c.cell_lng)) %% 600)
                                        / 1000.0 AS level) lv
             CROSS JOIN generate_series(%(today)s::date, %(today)s::date + %(days)s - 1, interval '1 day') d
            """,
            {"salt": f"demand-{seed}", "size": size, "min": DEMAND_MIN_LISTINGS, "today": today, "days": days},
        )
        demand = cursor.rowcount
        cursor.execute("ANALYZE pricing_seasonperiod, pricing_localevent, pricing_areademand")
    counts = {"pricing_seasonperiod": len(periods), "pricing_localevent": len(events), "pricing_areademand": demand}
    report("  place rules: " + ", ".join(f"{table} {n:,}" for table, n in counts.items()))
    return counts
