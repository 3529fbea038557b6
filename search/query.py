"""The search query: one SQL statement for results, count and facets.

Shape (see docs/search.md for the EXPLAIN at a million listings)::

    WITH candidates AS (                    -- every candidate, once
        SELECT ... FROM search_listing s    -- narrow rows, in spatial order
         WHERE s.location && <box>          -- GiST index, then the exact coordinates
           AND <guests, rooms, amenities, instant book, superhost, policy, text>
           AND NOT s.unavailable && <stay>  -- the multirange the calendar keeps current
           AND <min / max nights, with the check-in night's override>
         LIMIT cap + 1)
    SELECT count, facets (property types, room types, amenities, price histogram), results
      FROM base

The property-type, room-type and price filters are *not* in ``base``: each facet
is counted with the other filters applied but not its own (so choosing
"Entire place" still shows how many private rooms there are), and the final
count and results apply all three. Everything per candidate (stay total, price
in the search currency, score) is computed once, in ``base``.

When an area has more than ``SEARCH_CANDIDATE_CAP`` candidates (a country, a
zoomed-out map) the statement is run again on the best 10% (then 1%) of
listings by their query-independent score (``rank_tier``, partial GiST
indexes), and the count is an estimate.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connections, router, transaction
from django.utils import timezone

from pricing.fees import HOST_FLAT_FEES, FeeRates

from .models import SearchListing
from .params import SearchParams
from .pricing_sql import (
    extra_guests_per_night_sql,
    flat_fees_sql,
    night_price_by_date_sql,
    rule_accommodation_sql,
    stay_total_sql,
)

TIERS = (None, 10, 1)  # full set, then the best 10%, then the best 1% (percent of listings)
COMPONENTS = (
    "quality",
    "review_score",
    "host_response_rate",
    "price_competitiveness",
    "booking_likelihood",
    "freshness",
    "text_relevance",
)


@dataclass
class RawResult:
    """What the statement returns, before listings are loaded for the cards."""

    count: int
    count_is_estimate: bool
    rows: list[dict]
    facets: dict
    tier: int | None = None
    sql: str = ""
    sql_params: dict = field(default_factory=dict)


class _Sql:
    """Collects SQL fragments and their parameters (named, so fragments can be reused)."""

    def __init__(self) -> None:
        self.params: dict[str, object] = {}

    def p(self, name: str, value) -> str:
        self.params[name] = value
        return f"%({name})s"


def _factors(currency: str) -> tuple[list[str], list[Decimal]]:
    rates = settings.SEARCH_CURRENCY_PER_USD
    target = Decimal(str(rates[currency]))
    codes = sorted(rates)
    return codes, [target / Decimal(str(rates[code])) for code in codes]


def build_sql(params: SearchParams, *, tier: int | None, now: dt.datetime | None = None) -> tuple[str, dict]:
    """The statement for ``params`` restricted to listings in the best ``tier`` percent (None: all)."""
    q = _Sql()
    now = now or timezone.now()
    weights = settings.SEARCH_RANKING_WEIGHTS
    rates = FeeRates.current()
    cap = settings.SEARCH_CANDIDATE_CAP
    where: list[str] = []
    joins: list[str] = []

    # --- where -------------------------------------------------------------------------
    # The index compares float4 boxes, which lets in points just outside the edge: the exact test on
    # the coordinates follows (ST_Intersects would do the same, five times slower per row).
    boxes = [
        f"(s.location && ST_MakeEnvelope({q.p(f'w{i}', w)}, {q.p(f's{i}', s)}, {q.p(f'e{i}', e)}, {q.p(f'n{i}', n)}, "
        f"4326) AND ST_X(s.location) BETWEEN {q.p(f'w{i}', w)} AND {q.p(f'e{i}', e)} "
        f"AND ST_Y(s.location) BETWEEN {q.p(f's{i}', s)} AND {q.p(f'n{i}', n)})"
        for i, (w, s, e, n) in enumerate(params.area.boxes)
    ]
    if params.area.boxes != ((-180.0, -90.0, 180.0, 90.0),):
        where.append(boxes[0] if len(boxes) == 1 else "(" + " OR ".join(boxes) + ")")
    if params.area.circle:
        lat, lng, metres = params.area.circle
        where.append(
            f"ST_DWithin(s.location::geography, ST_SetSRID(ST_MakePoint({q.p('clng', lng)}, "
            f"{q.p('clat', lat)}), 4326)::geography, {q.p('cr', metres)})"
        )
    if tier is not None:
        where.append(f"s.rank_tier < {int(tier)}")  # a literal, so the partial index matches
    if params.guests > 1:
        where.append(f"s.max_guests >= {q.p('guests', params.guests)}")
    if params.min_bedrooms:
        where.append(f"s.bedrooms >= {q.p('bedrooms', params.min_bedrooms)}")
    if params.min_beds:
        where.append(f"s.beds >= {q.p('beds', params.min_beds)}")
    if params.min_bathrooms:
        where.append(f"s.bathrooms >= {q.p('bathrooms', params.min_bathrooms)}")
    if params.amenities:
        where.append(
            "s.amenity_ids @> ARRAY(SELECT a.id::smallint FROM listings_amenity a "
            f"WHERE a.code = ANY({q.p('amenities', list(params.amenities))}))"
        )
    if params.instant_book:
        where.append("s.instant_book")
    if params.superhost:
        where.append("s.is_superhost")
    if params.cancellation_policies:
        where.append(f"s.cancellation_policy = ANY({q.p('cancellation', list(params.cancellation_policies))})")
    text_rank = "0.0"
    if params.text_query:
        tsquery = f"to_tsquery('search_english', {q.p('tsquery', params.text_query)})"
        joins.append(f"JOIN search_listing_text t ON t.listing_id = s.listing_id AND t.document @@ {tsquery}")
        text_rank = f"ts_rank(t.document, {tsquery}, 32)"

    # --- the stay ----------------------------------------------------------------------
    def min_nights_at(day: str) -> str:
        return (
            "CASE WHEN s.has_overrides THEN COALESCE((SELECT c.min_nights FROM availability_calendarnight c "
            f"WHERE c.listing_id = s.listing_id AND c.date = {day}), s.min_nights) ELSE s.min_nights END"
        )

    if params.stays and not params.flexible:
        check_in, check_out = params.stays[0]
        ci, co = f"{q.p('ci', check_in)}::date", f"{q.p('co', check_out)}::date"
        nights = str((check_out - check_in).days)
        where.append(f"NOT s.unavailable && daterange({ci}, {co})")
        where.append(f"s.max_nights >= {nights}")
        where.append(f"{nights} >= {min_nights_at(ci)}")
        stay_columns = f"{ci} AS check_in, {co} AS check_out, {nights} AS nights"
    elif params.stays:
        ci, co, nights = "st.check_in", "st.check_out", "(st.check_out - st.check_in)"
        joins.append(
            f"""JOIN LATERAL (
                SELECT x.check_in, x.check_out
                  FROM unnest({q.p("cis", [a for a, _ in params.stays])}::date[],
                              {q.p("cos", [b for _, b in params.stays])}::date[])
                       WITH ORDINALITY AS x(check_in, check_out, k)
                 WHERE NOT s.unavailable && daterange(x.check_in, x.check_out)
                   AND s.max_nights >= x.check_out - x.check_in
                   AND x.check_out - x.check_in >= {min_nights_at("x.check_in")}
                 ORDER BY x.k LIMIT 1) st ON true"""
        )
        stay_columns = f"{ci} AS check_in, {co} AS check_out, {nights} AS nights"
    else:
        stay_columns = "NULL::date AS check_in, NULL::date AS check_out, NULL::int AS nights"

    if params.stays:
        # The host's pricing settings (weekend percentage, extra-guest fee, minimum and maximum
        # price), joined only for flagged listings; the others keep the plain price expression.
        joins.append("LEFT JOIN pricing_listingpricing lp ON s.has_pricing_settings AND lp.listing_id = s.listing_id")

        def accommodation_sql(host: str | None) -> str:
            if params.flexible:
                automatic = (
                    f"(SELECT sum({night_price_by_date_sql(base='s.base_price', day='d::date', host=host)}) "
                    f"FROM generate_series({ci}, {co} - 1, interval '1 day') d)"
                )
            else:
                counts: dict[int, int] = {}
                day = check_in
                while day < check_out:
                    counts[day.weekday()] = counts.get(day.weekday(), 0) + 1
                    day += dt.timedelta(days=1)
                automatic = rule_accommodation_sql(base="s.base_price", weekday_counts=counts, host=host)
            extra = ""
            if host:
                extra = f" + {nights} * {extra_guests_per_night_sql(guests=str(int(params.guests)), host=host)}"
            return (
                f"({automatic}{extra} + CASE WHEN s.has_overrides THEN COALESCE((SELECT sum(c.price - "
                f"{night_price_by_date_sql(base='s.base_price', day='c.date', host=host)}) "
                f"FROM availability_calendarnight c WHERE c.listing_id = s.listing_id AND c.date >= {ci} "
                f"AND c.date < {co} AND c.price IS NOT NULL), 0) ELSE 0 END)"
            )

        # Most listings have no host settings: they keep the plain (cheaper) expression.
        accommodation = (
            f"(CASE WHEN s.has_pricing_settings THEN {accommodation_sql('lp')} ELSE {accommodation_sql(None)} END)"
        )
        total = stay_total_sql(
            accommodation="b.accommodation", nights="b.nights", weekly="b.weekly_discount_pct",
            monthly="b.monthly_discount_pct", flat_fees=flat_fees_sql("b"), rates=rates,
        )  # fmt: skip
        nightly = "round(b.accommodation / b.nights, 2)"
    else:
        accommodation, total, nightly = "NULL::numeric", "NULL::numeric", "b.base_price"
    value = total if params.price_type == "total" and params.stays else nightly

    # --- ranking -----------------------------------------------------------------------
    prior_mean = float(settings.SEARCH_REVIEW_PRIOR_MEAN)
    prior_count = float(settings.SEARCH_REVIEW_PRIOR_COUNT)
    components = {
        "quality": "s.quality",
        "review_score": (
            f"((coalesce(s.rating_avg, 0)::float8 * s.rating_count + {prior_mean * prior_count}) "
            f"/ (s.rating_count + {prior_count}) - 1) / 4"
        ),
        "host_response_rate": "coalesce(s.host_response_rate, 0.5)::float8",
        "price_competitiveness": "s.price_competitiveness",
        "booking_likelihood": "s.booking_likelihood",
        "freshness": (
            f"exp(-0.6931471805599453 * greatest(0, date_part('epoch', {q.p('now', now)}::timestamptz "
            f"- coalesce(s.published_at, {q.p('now', now)}::timestamptz))) / 86400.0 "
            f"/ {float(settings.SEARCH_FRESHNESS_HALF_LIFE_DAYS)})"
        ),
        "text_relevance": text_rank,
    }
    score = (
        " + ".join(
            f"{float(weights.get(name, 0))} * ({sql})"
            for name, sql in components.items()
            if weights.get(name) and (name != "text_relevance" or params.text_query)
        )
        or "0.0"
    )

    facet_pt = f"b.property_type = ANY({q.p('pt', list(params.property_types))})" if params.property_types else "true"
    facet_rt = f"b.room_type = ANY({q.p('rt', list(params.room_types))})" if params.room_types else "true"
    price_filters = []
    if params.price_min is not None:
        price_filters.append(f"b.price_value >= {q.p('pmin', params.price_min)}")
    if params.price_max is not None:
        price_filters.append(f"b.price_value <= {q.p('pmax', params.price_max)}")
    facet_price = " AND ".join(price_filters) or "true"

    order = {
        "recommended": "score DESC, listing_id",
        "price_asc": "price_value ASC, listing_id",
        "price_desc": "price_value DESC, listing_id",
        "rating": "review_score DESC, rating_count DESC, listing_id",
        "newest": "published_at DESC NULLS LAST, listing_id DESC",
    }[params.sort]
    per_page = settings.SEARCH_RESULTS_PER_PAGE
    offset = (params.page - 1) * per_page
    codes, factors = _factors(params.currency)
    explain_columns = ", ".join(f"'{name}', round(({sql})::numeric, 4)" for name, sql in components.items())
    buckets = int(settings.SEARCH_HISTOGRAM_BUCKETS)
    flat_fee_columns = ", ".join(f"s.{fee.field}" for fee in HOST_FLAT_FEES)

    sql = f"""
    WITH fx AS (
        SELECT * FROM unnest({q.p("fx_codes", codes)}::text[], {q.p("fx_factors", factors)}::numeric[])
                    AS f(code, factor)
    ), candidates AS (
        SELECT s.listing_id, s.property_type, s.room_type, s.amenity_ids, s.currency, s.base_price,
               {flat_fee_columns}, s.weekly_discount_pct, s.monthly_discount_pct, s.rating_count,
               s.published_at, s.location, s.instant_book, s.is_superhost, s.has_overrides,
               {stay_columns},
               {accommodation} AS accommodation,
               {score} AS score,
               {components["review_score"]} AS review_score
               {", jsonb_build_object(" + explain_columns + ") AS explain" if params.explain else ""}
          FROM search_listing s {" ".join(joins)}
         {"WHERE " + " AND ".join(where) if where else ""}
         LIMIT {cap + 1}
    ), matched AS MATERIALIZED (
        SELECT b.*, ({facet_pt}) AS pt_ok, ({facet_rt}) AS rt_ok, ({facet_price}) AS price_ok
          FROM (SELECT b.*, {total} AS total, {nightly} AS nightly,
                       CASE WHEN b.currency = {q.p("currency", params.currency)} THEN {value}
                            ELSE round(({value}) * fx.factor, 2) END AS price_value
                  FROM candidates b JOIN fx ON fx.code = b.currency
                OFFSET 0) b  -- OFFSET 0: each price is computed once, not once per reference
    ), hist AS (
        SELECT min(price_value) AS lo,
               greatest(percentile_disc(0.97) WITHIN GROUP (ORDER BY price_value), min(price_value) + 1) AS hi
          FROM matched WHERE pt_ok AND rt_ok
    )
    SELECT (SELECT count(*) FROM matched) AS candidates,
           (SELECT count(*) FROM matched WHERE pt_ok AND rt_ok AND price_ok) AS count,
           (SELECT coalesce(jsonb_object_agg(property_type, n), '{{}}') FROM (
                SELECT property_type, count(*) AS n FROM matched WHERE rt_ok AND price_ok GROUP BY 1) x)
               AS property_types,
           (SELECT coalesce(jsonb_object_agg(room_type, n), '{{}}') FROM (
                SELECT room_type, count(*) AS n FROM matched WHERE pt_ok AND price_ok GROUP BY 1) x) AS room_types,
           (SELECT coalesce(jsonb_object_agg(a.code, x.n), '{{}}') FROM (
                SELECT unnest(amenity_ids) AS id, count(*) AS n FROM matched
                 WHERE pt_ok AND rt_ok AND price_ok GROUP BY 1) x JOIN listings_amenity a ON a.id = x.id)
               AS amenities,
           (SELECT jsonb_build_object(
                'instant_book', count(*) FILTER (WHERE instant_book),
                'superhost', count(*) FILTER (WHERE is_superhost))
              FROM matched WHERE pt_ok AND rt_ok AND price_ok) AS toggles,
           (SELECT jsonb_build_object('min', h.lo, 'max', h.hi, 'counts', (
                SELECT jsonb_agg(coalesce(c.n, 0) ORDER BY g.k) FROM generate_series(1, {buckets}) g(k)
                  LEFT JOIN (SELECT width_bucket(least(m.price_value, h.hi), h.lo, h.hi + 0.01, {buckets}) AS k,
                                    count(*) AS n
                               FROM matched m WHERE m.pt_ok AND m.rt_ok GROUP BY 1) c ON c.k = g.k))
              FROM hist h WHERE h.lo IS NOT NULL) AS histogram,
           (SELECT coalesce(jsonb_agg(r), '[]') FROM (
                SELECT listing_id, check_in, check_out,
                       nights, accommodation, total, nightly, price_value, score, has_overrides,
                       ST_Y(location) AS lat, ST_X(location) AS lng
                       {", explain" if params.explain else ""}
                  FROM matched WHERE pt_ok AND rt_ok AND price_ok
                 ORDER BY {order} LIMIT {per_page} OFFSET {offset}) r) AS results
    """
    return sql, q.params


LARGE_AREA_SQUARE_DEGREES = 1.0  # a big city's box is ~0.1; only larger areas pay for the estimate


def _reading():
    """The connection search reads from: a replica on the public read paths (airbnb/db/routing.py), else the primary.

    Raw SQL does not pass through Django's router by itself; this asks it.
    """
    return connections[router.db_for_read(SearchListing)]


def _is_large(params: SearchParams) -> bool:
    return sum((e - w) * (n - s) for w, s, e, n in params.area.boxes) >= LARGE_AREA_SQUARE_DEGREES


def _first_tier(params: SearchParams) -> int | None:
    """Where to start for a large area: the tier whose share of its listings fits the cap.

    The area's listings are estimated from the best 1% (``rank_tier < 1``, its own small partial
    index): 100 times their count.
    """
    q = _Sql()
    boxes = " OR ".join(
        f"location && ST_MakeEnvelope({q.p(f'w{i}', w)}, {q.p(f's{i}', s)}, {q.p(f'e{i}', e)}, {q.p(f'n{i}', n)}, 4326)"
        for i, (w, s, e, n) in enumerate(params.area.boxes)
    )
    with _reading().cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM search_listing WHERE rank_tier < 1 AND ({boxes})", q.params)
        estimate = 100 * cursor.fetchone()[0]
    cap = settings.SEARCH_CANDIDATE_CAP
    if estimate > 20 * cap:
        return 1
    if estimate > 2 * cap:
        return 10
    return None


def search_execute(params: SearchParams, *, now: dt.datetime | None = None) -> RawResult:
    """Run the search, narrowing to the best-ranked tiers when an area has too many candidates.

    Large areas start directly at the tier their estimated size calls for (``_first_tier``);
    otherwise the full set is tried first and narrowed only if it overflows the cap.
    """
    if not _is_large(params):
        return _execute_tiers(params, first=None, now=now)
    # Big areas plan as costly: keep PostgreSQL from spending ~50 ms compiling the statement (JIT) or
    # starting parallel workers for a query that reads a few thousand index-ordered rows.
    reading = _reading()
    with transaction.atomic(using=reading.alias):
        with reading.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        return _execute_tiers(params, first=_first_tier(params), now=now)


def _execute_tiers(params: SearchParams, *, first: int | None, now: dt.datetime | None) -> RawResult:
    cap = settings.SEARCH_CANDIDATE_CAP
    last: RawResult | None = None
    for tier in TIERS[TIERS.index(first) :]:
        sql, sql_params = build_sql(params, tier=tier, now=now)
        with _reading().cursor() as cursor:
            cursor.execute(sql, sql_params)
            candidates, count, property_types, room_types, amenities, toggles, histogram, results = cursor.fetchone()
        facets = {
            "property_types": _loads(property_types),
            "room_types": _loads(room_types),
            "amenities": _loads(amenities),
            "toggles": _loads(toggles) or {"instant_book": 0, "superhost": 0},
            "price_histogram": _loads(histogram),
        }
        last = RawResult(
            count=count, count_is_estimate=tier is not None, rows=_loads(results), facets=facets, tier=tier,
            sql=sql, sql_params=sql_params,
        )  # fmt: skip
        if candidates <= cap:
            break
        last.count_is_estimate = True
    assert last is not None
    if last.tier is not None:
        # The tier holds ``tier`` percent of all listings: scale the counts up (an estimate, and said so).
        scale = 100 / last.tier
        last.count = int(math.ceil(last.count * scale))
        for name in ("property_types", "room_types", "amenities"):
            last.facets[name] = {key: int(math.ceil(n * scale)) for key, n in last.facets[name].items()}
        last.facets["toggles"] = {key: int(math.ceil(n * scale)) for key, n in last.facets["toggles"].items()}
    return last


def _loads(value):
    if value is None or isinstance(value, (dict, list)):
        return value
    return json.loads(value)
