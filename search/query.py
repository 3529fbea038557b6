"""The search query: one SQL statement for results, count and facets.

Shape (see docs/search.md for the EXPLAIN at a million listings)::

    WITH candidates AS (                    -- every candidate, once
        SELECT ... FROM search_listing s    -- narrow rows, in spatial order
         WHERE s.location && <box>          -- GiST index, then the exact coordinates
           AND <guests, rooms, amenities, instant book, superhost, policy, text>
           AND NOT s.unavailable && <stay>  -- the multirange the calendar keeps current
           AND <min / max nights, with the check-in night's override>
         LIMIT cap + 1)
    -- with dates: the place rules (seasons, events, demand) once per zone and night, packed into
    -- arrays each candidate indexes by its zone number; the stay total from them (docs/search.md)
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

from listings.localtime import latest_today
from pricing.fees import HOST_FLAT_FEES, FeeRates
from pricing.selectors import demand_cell_size

from .models import SearchListing
from .params import SearchParams
from .pricing_sql import (
    cap_sql,
    capped_price_sql,
    demand_pct_sql,
    event_pct_sql,
    extra_guests_per_night_sql,
    flat_fees_sql,
    guarded_price_sql,
    plain_night_price_sql,
    price_bounds_sql,
    rule_factor_sql,
    season_level_sql,
    stay_total_sql,
)

TIERS = (None, 10, 1)
# Stays up to this many nights price their nights' classes inline; longer ones in a subquery per listing.
INLINE_NIGHTS = 7  # full set, then the best 10%, then the best 1% (percent of listings)
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


def _factors(currency: str) -> str:
    """``{code: factor}`` (JSON) converting each listing currency into ``currency``.

    A JSON object, so each candidate looks its factor up by key instead of joining a table per row.
    """
    rates = settings.SEARCH_CURRENCY_PER_USD
    target = Decimal(str(rates[currency]))
    return json.dumps({code: str(target / Decimal(str(rates[code]))) for code in sorted(rates)})


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
        if check_in < latest_today():
            # "Tonight" is not the same night everywhere: near midnight UTC a check-in date is
            # already past where some listings are. Only these searches pay the zone lookup.
            where.append(f"({q.p('now', now)}::timestamptz AT TIME ZONE s.time_zone)::date <= {ci}")
        stay_columns = f"{ci} AS check_in, {co} AS check_out, {nights} AS nights, 1 AS stay_k"
    elif params.stays:
        ci, co, nights = "st.check_in", "st.check_out", "(st.check_out - st.check_in)"
        joins.append(
            f"""JOIN LATERAL (
                SELECT x.check_in, x.check_out, x.k
                  FROM unnest({q.p("cis", [a for a, _ in params.stays])}::date[],
                              {q.p("cos", [b for _, b in params.stays])}::date[])
                       WITH ORDINALITY AS x(check_in, check_out, k)
                 WHERE NOT s.unavailable && daterange(x.check_in, x.check_out)
                   AND s.max_nights >= x.check_out - x.check_in
                   AND x.check_out - x.check_in >= {min_nights_at("x.check_in")}
                 ORDER BY x.k LIMIT 1) st ON true"""
        )
        stay_columns = f"{ci} AS check_in, {co} AS check_out, {nights} AS nights, st.k AS stay_k"
    else:
        stay_columns = "NULL::date AS check_in, NULL::date AS check_out, NULL::int AS nights"

    # --- the stay's price (search/pricing_sql.py: price_quote in SQL) ----------------------
    # Every rule price_quote applies: per night the base price times the day of week, the season of the
    # listing's country/region, the largest local event around it and its area cell's demand, within the
    # guardrails; the host's settings and per-night prices; then discounts and fees. The place rules are
    # resolved once per *zone* (stay, country/region, demand cell, events around), never per listing: a
    # city's candidates share a few dozen zones. Each zone's nights are grouped into a profile (nights
    # alike in every percentage), so a listing prices a handful of distinct nights, however long the stay.
    pricing_ctes = ""
    price_columns = ""
    accommodation_from = "SELECT c.*, NULL::numeric AS accommodation FROM candidates c"
    if params.stays:
        # The host's pricing settings, joined only for flagged listings (the others read NULLs: platform values).
        joins.append(
            "LEFT JOIN LATERAL (SELECT lp.* FROM pricing_listingpricing lp"
            " WHERE s.has_pricing_settings AND lp.listing_id = s.listing_id OFFSET 0) lp ON true"
        )
        cell = q.p("cell", demand_cell_size())
        first = q.p("stays_from", min(a for a, _ in params.stays))
        last = q.p("stays_to", max(b for _, b in params.stays))
        # Events of the stays' dates whose circle may reach the searched area, each with a box around its
        # circle (NULL across the antimeridian: then only the exact distance decides).
        event_area = " OR ".join(
            f"ST_MakeEnvelope({q.p(f'w{i}', w)}, {q.p(f's{i}', s_)}, {q.p(f'e{i}', e)}, {q.p(f'n{i}', n)}, 4326)"
            f" && e.box"
            for i, (w, s_, e, n) in enumerate(params.area.boxes)
        )
        price_columns = f""",
               s.country_code AS place_cc, s.region_key AS place_rk,
               ({q.p("now", now)}::timestamptz AT TIME ZONE s.time_zone)::date AS local_today,
               floor(ST_Y(s.location) / {cell})::int AS cell_lat, floor(ST_X(s.location) / {cell})::int AS cell_lng,
               CASE WHEN (SELECT n = 0 FROM ev_reach) THEN '{{}}'::bigint[]
                    -- Outside every event's box (their extent): none can reach it, without a look at each.
                    WHEN NOT coalesce(s.location && (SELECT box FROM ev_reach), true) THEN '{{}}'::bigint[]
                    ELSE ARRAY(
                    SELECT ev.id FROM ev WHERE (ev.box IS NULL OR s.location && ev.box)
                       AND ST_DWithin(ev.location, s.location::geography, ev.radius_km * 1000.0))
                    END AS ev_ids,  -- in ev's order (by id): one zone key per set
               lp.weekend_premium_pct, lp.high_season_pct, lp.shoulder_season_pct, lp.low_season_pct,
               {price_bounds_sql("lp")}, {cap_sql("s.base_price")} AS price_cap, s.has_pricing_settings,
               {extra_guests_per_night_sql(guests=str(int(params.guests)), host="lp")} AS extra_per_night"""
        pricing_ctes = f"""ev AS MATERIALIZED (
        -- box: stored around each event's circle (pricing 0003), NULL across the antimeridian.
        SELECT e.id, e.location, e.radius_km, e.starts_on, e.ends_on, e.uplift_pct, e.box
          FROM pricing_localevent e
         WHERE e.ends_on >= {first}::date AND e.starts_on < {last}::date
           AND (e.box IS NULL OR {event_area or "true"})
         ORDER BY e.id  -- so each listing's ev_ids come out sorted without sorting them per listing
    ), ev_reach AS (
        -- How many events, and the extent of their boxes (NULL when one has none: then each is looked at).
        SELECT count(*) AS n, CASE WHEN bool_or(box IS NULL) THEN NULL ELSE ST_Extent(box)::geometry END AS box
          FROM ev
    ), """
        # Listings alike in every place rule and in what "today" is where they are (demand counts days ahead
        # from the listing's own date, as the quote does) share one zone.
        zone = ("stay_k", "place_cc", "place_rk", "cell_lat", "cell_lng", "ev_ids", "local_today")
        # Sorted to number them: the integer keys first (cheap, and most unequal pairs differ there), then the
        # text keys byte-wise and the event ids. 1,800 London candidates: 3.5 ms instead of 5.7 in key order.
        zone_order = [
            *(f"c.{column}" for column in ("cell_lat", "cell_lng", "local_today", "stay_k")),
            *(f'c.{column} COLLATE "C"' for column in ("place_cc", "place_rk")),
            "c.ev_ids",
        ]
        longest = max((b - a).days for a, b in params.stays)

        def arr(name: str) -> str:
            """One of the arrays of the ``arr`` CTE (one row, joined to every listing)."""
            return f"arr.{name}"

        def night_price(i: str, prefix: str = "") -> str:
            """The automatic price of the class of nights (``prefix`` "night_": the night) at index ``i`` of the
            arrays, with the listing's own settings (NULL columns when it has none)."""
            factor = rule_factor_sql(
                isodow=f"{arr(prefix + 'isodow')}[{i}]", level=f"{arr(prefix + 'level')}[{i}]",
                event_pct=f"{arr(prefix + 'event_pct')}[{i}]", demand_pct=f"{arr(prefix + 'demand_pct')}[{i}]",
                host="b",
            )  # fmt: skip
            return guarded_price_sql(capped=capped_price_sql(base="b.base_price", factor=factor, cap="b.price_cap"),
                                     host="b")  # fmt: skip

        uplift = (
            "CASE WHEN z.ev_ids = '{}' THEN NULL ELSE (SELECT max(ev.uplift_pct) FROM ev "
            "WHERE ev.id = ANY(z.ev_ids) AND pn.night BETWEEN ev.starts_on AND ev.ends_on) END"
        )
        classes = "isodow, level, event_pct, demand_pct"
        # A subquery, so all three columns of the unique index are bound (a join used only the cell).
        demand = (
            "(SELECT d.score FROM pricing_areademand d "
            "WHERE d.cell_lat = z.cell_lat AND d.cell_lng = z.cell_lng AND d.date = pn.night)"
        )
        class_columns = classes.split(", ")

        if len({(b - a).days for a, b in params.stays}) == 1:  # every zone has ``longest`` nights: dense
            night_arrays = (
                f"SELECT {', '.join(f'array_agg({c} ORDER BY zone_no, night_no) AS night_{c}' for c in class_columns)} "
                "FROM zone_nights"
            )
        else:  # flexible stays of different lengths: a zone's missing nights are zeros
            columns = ", ".join(
                f"array_agg(coalesce(zn.{c}, 0) ORDER BY z.zone_no, g.k) AS night_{c}" for c in class_columns
            )
            night_arrays = (
                f"SELECT {columns} FROM zones z CROSS JOIN generate_series(1, {longest}) g(k) "
                "LEFT JOIN zone_nights zn ON zn.zone_no = z.zone_no AND zn.night_no = g.k"
            )

        price_ctes_after = f"""
    ), cz AS MATERIALIZED (
        -- Numbered by sorting, not by joining candidates to their distinct keys: the planner sees one
        -- candidate (its filters' estimates multiply) and would join them in a nested loop.
        SELECT c.*, dense_rank() OVER (ORDER BY {", ".join(zone_order)}) AS zone_no
          FROM candidates c
    ), stays AS (
        SELECT x.check_in, x.check_out, x.k
          FROM unnest({q.p("st_ci", [a for a, _ in params.stays])}::date[],
                      {q.p("st_co", [b for _, b in params.stays])}::date[]) WITH ORDINALITY AS x(check_in, check_out, k)
    ), zones AS MATERIALIZED (
        SELECT DISTINCT zone_no, {", ".join(zone)} FROM cz
    ), place_nights AS MATERIALIZED (
        SELECT p.stay_k, p.place_cc, p.place_rk, n.night, n.night - st.check_in + 1 AS night_no,
               {season_level_sql(country_code="p.place_cc", region_key="p.place_rk", night="n.night")} AS level
          FROM (SELECT DISTINCT stay_k, place_cc, place_rk FROM zones) p
          JOIN stays st ON st.k = p.stay_k
         CROSS JOIN LATERAL (SELECT d::date AS night
                               FROM generate_series(st.check_in, st.check_out - 1, interval '1 day') d) n
    ), zone_nights AS MATERIALIZED (
        SELECT zone_no, night_no, extract(isodow FROM night)::int AS isodow, level,
               {event_pct_sql(uplift="uplift")} AS event_pct,
               {demand_pct_sql(score="score", days_out="(night - local_today)")} AS demand_pct
          FROM (SELECT z.zone_no, z.local_today, pn.night_no, pn.night, pn.level, {uplift} AS uplift,
                       {demand} AS score
                  FROM zones z
                  JOIN place_nights pn ON pn.stay_k = z.stay_k AND pn.place_cc = z.place_cc
                       AND pn.place_rk = z.place_rk
                OFFSET 0) zn  -- OFFSET 0: each lookup once, not once per reference
    ), profile AS MATERIALIZED (
        -- Each zone's nights grouped into classes alike in every percentage, numbered 1.. in zone order
        -- (for listings with their own settings), and by the platform's product alone (for the others).
        SELECT zone_no, {classes}, count(*)::int AS n, row_number() OVER (ORDER BY zone_no, {classes})::int AS i,
               {rule_factor_sql(isodow="isodow", level="level", event_pct="event_pct", demand_pct="demand_pct")}
                   AS factor
          FROM zone_nights GROUP BY zone_no, {classes}
    ), plain AS MATERIALIZED (
        SELECT zone_no, factor, sum(n)::int AS n, row_number() OVER (ORDER BY zone_no, factor)::int AS i
          FROM profile GROUP BY zone_no, factor
    ), arr AS MATERIALIZED (
        -- Fixed-width arrays a listing indexes directly: its zone's classes start at first[zone_no]
        -- (count[zone_no] of them), likewise plain_first / plain_count; night k of its stay is at
        -- (zone_no - 1) * {longest} + k of the night_ arrays.
        SELECT * FROM
               (SELECT {", ".join(f"array_agg({c} ORDER BY i) AS {c}" for c in ("n", *class_columns))} FROM profile) p,
               (SELECT array_agg(n ORDER BY i) AS plain_n, array_agg(factor ORDER BY i) AS plain_factor FROM plain) pl,
               {", ".join(
                   f"(SELECT array_agg(first ORDER BY zone_no) AS {prefix}first, array_agg(count ORDER BY zone_no) "
                   f"AS {prefix}count FROM (SELECT zone_no, min(i) AS first, count(*)::int AS count FROM {source} "
                   f"GROUP BY 1) x) {prefix}x"
                   for source, prefix in (("profile", ""), ("plain", "plain_"))
               )},
               ({night_arrays}) nights"""  # fmt: skip
        with_settings = (
            f"(SELECT sum({arr('n')}[i] * {night_price('i')}) FROM generate_series({arr('first')}[b.zone_no], "
            f"{arr('first')}[b.zone_no] + {arr('count')}[b.zone_no] - 1) i)"
        )

        def plain_night(i: str) -> str:
            return plain_night_price_sql(base="b.base_price", factor=f"{arr('plain_factor')}[{i}]", cap="b.price_cap")

        if longest <= INLINE_NIGHTS:
            # Short stays (most searches): one term per possible class, written out; no subquery per listing.
            first, count, n = arr("plain_first"), arr("plain_count"), arr("plain_n")
            plain = " + ".join(
                f"CASE WHEN {count}[b.zone_no] >= {j} THEN {n}[{first}[b.zone_no] + {j - 1}] "
                f"* {plain_night(f'{first}[b.zone_no] + {j - 1}')} ELSE 0 END"
                for j in range(1, longest + 1)
            )
        else:
            first, count = arr("plain_first"), arr("plain_count")
            plain = (
                f"(SELECT sum({arr('plain_n')}[i] * {plain_night('i')}) FROM generate_series("
                f"{first}[b.zone_no], {first}[b.zone_no] + {count}[b.zone_no] - 1) i)"
            )
        automatic = f"CASE WHEN b.has_pricing_settings THEN {with_settings} ELSE {plain} END"
        night_at = f"(b.zone_no - 1) * {longest} + (c.date - b.check_in) + 1"
        correction = (
            "CASE WHEN b.has_overrides THEN coalesce((SELECT sum(c.price - "
            f"{night_price(night_at, 'night_')}) FROM availability_calendarnight c "
            "WHERE c.listing_id = b.listing_id AND c.date >= b.check_in AND c.date < b.check_out "
            "AND c.price IS NOT NULL), 0) ELSE 0 END"
        )
        pricing_ctes = (pricing_ctes, price_ctes_after)
        accommodation_from = (
            f"SELECT b.*, ({automatic}) + b.nights * b.extra_per_night + {correction} AS accommodation "
            "FROM arr CROSS JOIN cz b OFFSET 0"  # OFFSET 0: computed once, not at every reference
        )
        total = stay_total_sql(
            accommodation="b.accommodation", nights="b.nights", weekly="b.weekly_discount_pct",
            monthly="b.monthly_discount_pct", flat_fees=flat_fees_sql("b"), rates=rates,
        )  # fmt: skip
        nightly = "round(b.accommodation / b.nights, 2)"
    else:
        pricing_ctes = ("", "")
        total, nightly = "NULL::numeric", "b.base_price"
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
    # The search currency's rate of each listing's currency (NULL: none), read once per candidate.
    fx_rate = f"({q.p('fx', _factors(params.currency))}::jsonb ->> s.currency)::numeric AS fx_rate"
    fx = "b.fx_rate"
    explain_columns = ", ".join(f"'{name}', round(({sql})::numeric, 4)" for name, sql in components.items())
    buckets = int(settings.SEARCH_HISTOGRAM_BUCKETS)
    flat_fee_columns = ", ".join(f"s.{fee.field}" for fee in HOST_FLAT_FEES)

    sql = f"""
    WITH {pricing_ctes[0]}candidates AS (
        SELECT s.listing_id, s.property_type, s.room_type, s.amenity_ids, s.currency, s.base_price,
               {flat_fee_columns}, s.weekly_discount_pct, s.monthly_discount_pct, s.rating_count,
               s.published_at, s.location, s.instant_book, s.is_superhost, s.has_overrides, {fx_rate},
               {stay_columns}{price_columns},
               {score} AS score,
               {components["review_score"]} AS review_score
               {", jsonb_build_object(" + explain_columns + ") AS explain" if params.explain else ""}
          FROM search_listing s {" ".join(joins)}
         {"WHERE " + " AND ".join(where) if where else ""}
         LIMIT {cap + 1}{pricing_ctes[1]}
    ), matched AS MATERIALIZED (
        SELECT b.*, ({facet_pt}) AS pt_ok, ({facet_rt}) AS rt_ok, ({facet_price}) AS price_ok
          FROM (SELECT b.*, {total} AS total, {nightly} AS nightly,
                       CASE WHEN b.currency = {q.p("currency", params.currency)} THEN {value}
                            ELSE round(({value}) * {fx}, 2) END AS price_value
                  FROM ({accommodation_from}) b
                 WHERE {fx} IS NOT NULL  -- a currency without a rate is left out, as ever
                OFFSET 0) b  -- OFFSET 0: each price is computed once, not once per reference
    ), hist AS (
        SELECT min(price_value) AS lo,
               greatest(percentile_disc(0.97) WITHIN GROUP (ORDER BY price_value), min(price_value) + 1) AS hi
          FROM matched WHERE pt_ok AND rt_ok
    ), totals AS (
        SELECT count(*) AS candidates, count(*) FILTER (WHERE pt_ok AND rt_ok AND price_ok) AS count,
               count(*) FILTER (WHERE pt_ok AND rt_ok AND price_ok AND instant_book) AS instant_book,
               count(*) FILTER (WHERE pt_ok AND rt_ok AND price_ok AND is_superhost) AS superhost
          FROM matched
    )
    SELECT t.candidates, t.count,
           (SELECT coalesce(jsonb_object_agg(property_type, n), '{{}}') FROM (
                SELECT property_type, count(*) AS n FROM matched WHERE rt_ok AND price_ok GROUP BY 1) x)
               AS property_types,
           (SELECT coalesce(jsonb_object_agg(room_type, n), '{{}}') FROM (
                SELECT room_type, count(*) AS n FROM matched WHERE pt_ok AND price_ok GROUP BY 1) x) AS room_types,
           (SELECT coalesce(jsonb_object_agg(a.code, x.n), '{{}}') FROM (
                SELECT unnest(amenity_ids) AS id, count(*) AS n FROM matched
                 WHERE pt_ok AND rt_ok AND price_ok GROUP BY 1) x JOIN listings_amenity a ON a.id = x.id)
               AS amenities,
           jsonb_build_object('instant_book', t.instant_book, 'superhost', t.superhost) AS toggles,
           (SELECT jsonb_build_object('min', h.lo, 'max', h.hi, 'counts', (
                SELECT jsonb_agg(coalesce(c.n, 0) ORDER BY g.k) FROM generate_series(1, {buckets}) g(k)
                  LEFT JOIN (SELECT width_bucket(least(m.price_value, h.hi), h.lo, h.hi + 0.01, {buckets}) AS k,
                                    count(*) AS n
                               FROM matched m WHERE m.pt_ok AND m.rt_ok GROUP BY 1) c ON c.k = g.k))
              FROM hist h WHERE h.lo IS NOT NULL) AS histogram,
           (SELECT coalesce(jsonb_agg(r), '[]') FROM (
                SELECT listing_id, check_in, check_out, nights, accommodation::text AS accommodation,
                       {"extra_per_night::text" if params.stays else "NULL"} AS extra_per_night,
                       total, nightly, price_value, score,
                       ST_Y(location) AS lat, ST_X(location) AS lng
                       {", explain" if params.explain else ""}
                  FROM matched WHERE pt_ok AND rt_ok AND price_ok
                 ORDER BY {order} LIMIT {per_page} OFFSET {offset}) r) AS results
      FROM totals t
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
