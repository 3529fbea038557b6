"""Search writes: the ranking features of ``search_listing`` and the booking-likelihood model.

Run by Celery (``search.tasks``, schedules in ``CELERY_BEAT_SCHEDULE``) and by
``manage.py search_maintain``. Everything is set-based SQL over the search rows;
the model fit reads a few thousand aggregated cells, not a million rows.

Features, each in [0, 1]:

* ``quality``: how complete the listing is: photos (up to 10), description
  length (up to 800 characters), amenities (up to 20).
* ``price_competitiveness``: 1 - percentile / 100 of the listing's nightly price
  among comparable listings nearby, read from the pricing app's nightly run
  (``pricing_listingcompetitiveness``); 0.5 when unknown.
* ``booking_likelihood``: the active ``BookingModel`` applied to the listing's
  features, divided by the highest probability the model gives (so the best
  profile scores 1); 0.5 for every listing without an active model.
* ``rank_tier``: the percentile (0 = best) of the query-independent part of the
  score, which big-area searches narrow to (``search.query``).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from redis.exceptions import RedisError

from .gazetteer import Place
from .models import BookingModel

logger = logging.getLogger(__name__)

# Features of the booking model: name -> SQL over search_listing "s" and the per-listing aggregates "a".
MODEL_FEATURES = {
    "price_competitiveness": "s.price_competitiveness",
    "review_score": "least(1, greatest(0, ((coalesce(s.rating_avg, 0)::float8 * s.rating_count + {m} * {c}) "
    "/ (s.rating_count + {c}) - 1) / 4))",
    "instant_book": "CASE WHEN s.instant_book THEN 1.0 ELSE 0.0 END",
    "superhost": "CASE WHEN s.is_superhost THEN 1.0 ELSE 0.0 END",
    "quality": "s.quality",
    "views": "least(1, ln(1 + coalesce(a.views, 0)) / ln(101))",
}
BINS = 5  # continuous features are fitted on 5 bins each: a few thousand cells at most
HISTORY_DAYS = 90
MIN_POSITIVES = 200
RIDGE = 1.0


def _feature_sql(name: str) -> str:
    return MODEL_FEATURES[name].format(
        m=float(settings.SEARCH_REVIEW_PRIOR_MEAN), c=float(settings.SEARCH_REVIEW_PRIOR_COUNT)
    )


_HISTORY = """
    SELECT l.listing_id,
           (SELECT sum(v.views) FROM pricing_listingviewday v
             WHERE v.listing_id = l.listing_id AND v.date >= %(since)s::date) AS views,
           EXISTS (SELECT 1 FROM bookings_booking b
                    WHERE b.listing_id = l.listing_id AND b.created_at >= %(since)s
                      AND b.status IN ('awaiting_host', 'confirmed', 'completed', 'cancelled_by_guest')) AS booked
      FROM search_listing l
"""


def search_quality_refresh() -> int:
    """Recompute ``quality`` and ``price_competitiveness`` of every search row; returns rows changed."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            """
            WITH photos AS (
                SELECT listing_id, count(*) AS n FROM listings_listingphoto GROUP BY listing_id
            ), fresh AS (
                SELECT s.listing_id,
                       round((0.4 * least(coalesce(p.n, 0), 10) / 10.0
                            + 0.3 * least(length(l.description), 800) / 800.0
                            + 0.3 * least(cardinality(l.amenities), 20) / 20.0)::numeric, 4)::float8 AS quality,
                       coalesce(round(1 - c.percentile / 100.0, 4)::float8, 0.5) AS competitiveness
                  FROM search_listing s
                  JOIN listings_listing l ON l.id = s.listing_id
                  LEFT JOIN photos p ON p.listing_id = s.listing_id
                  LEFT JOIN pricing_listingcompetitiveness c ON c.listing_id = s.listing_id
            )
            UPDATE search_listing s SET quality = f.quality, price_competitiveness = f.competitiveness
              FROM fresh f
             WHERE f.listing_id = s.listing_id
               AND (s.quality, s.price_competitiveness) IS DISTINCT FROM (f.quality, f.competitiveness)
            """
        )
        return cursor.rowcount


@dataclass(frozen=True)
class Fit:
    coefficients: dict[str, float]
    samples: int
    positives: int
    log_loss: float
    baseline_log_loss: float


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the systems here are 7 x 7)."""
    size = len(vector)
    rows = [row[:] + [vector[i]] for i, row in enumerate(matrix)]
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(rows[r][col]))
        rows[col], rows[pivot] = rows[pivot], rows[col]
        if abs(rows[col][col]) < 1e-12:
            raise ValueError("singular system")
        for r in range(size):
            if r != col:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col], strict=True)]
    return [rows[i][size] / rows[i][i] for i in range(size)]


def logistic_fit(
    cells: list[tuple[list[float], int, int]], *, ridge: float = RIDGE, iterations: int = 25
) -> list[float]:
    """Weighted logistic regression by Newton's method on aggregated cells.

    ``cells``: (features, trials, successes). Returns [intercept, *weights]. An
    L2 penalty (``ridge``, not on the intercept) keeps features without any
    variation (no view history yet) at zero instead of making the system singular.
    """
    dims = len(cells[0][0]) + 1
    beta = [0.0] * dims
    for _ in range(iterations):
        gradient = [0.0] * dims
        hessian = [[0.0] * dims for _ in range(dims)]
        for features, trials, successes in cells:
            x = [1.0, *features]
            z = sum(b * v for b, v in zip(beta, x, strict=True))
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
            weight = trials * p * (1 - p)
            for i in range(dims):
                gradient[i] += (successes - trials * p) * x[i]
                for j in range(dims):
                    hessian[i][j] += weight * x[i] * x[j]
        for i in range(1, dims):
            gradient[i] -= ridge * beta[i]
            hessian[i][i] += ridge
        step = _solve(hessian, gradient)
        beta = [b + s for b, s in zip(beta, step, strict=True)]
        if max(abs(s) for s in step) < 1e-8:
            break
    return beta


def _log_loss(cells, beta: list[float] | None, rate: float) -> float:
    total, trials_sum = 0.0, 0
    for features, trials, successes in cells:
        if beta is None:
            p = rate
        else:
            z = beta[0] + sum(b * v for b, v in zip(beta[1:], features, strict=True))
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
        p = min(max(p, 1e-9), 1 - 1e-9)
        total -= successes * math.log(p) + (trials - successes) * math.log(1 - p)
        trials_sum += trials
    return total / max(trials_sum, 1)


def search_booking_model_fit(*, now=None) -> BookingModel:
    """Fit P(a listing is booked within 90 days) on the platform's own history; activate it if it helps.

    Rows: every search row, labelled by whether a booking for it was created in
    the last ``HISTORY_DAYS`` days; features as ``MODEL_FEATURES`` (views from
    the pricing app's daily view counts). Continuous features are binned (the fit
    runs on the cells' counts). The fit becomes the active model when it has at
    least ``MIN_POSITIVES`` bookings and non-bookings and beats the constant
    base rate on log loss; otherwise it is stored inactive, with a note, and
    ranking keeps the previous model or the neutral 0.5.
    """
    now = now or timezone.now()
    since = now - timezone.timedelta(days=HISTORY_DAYS)
    names = list(MODEL_FEATURES)
    binned = ", ".join(f"round(({_feature_sql(name)}) * {BINS - 1}) / {BINS - 1}.0 AS {name}" for name in names)
    # SET LOCAL in a transaction: behind PgBouncer a plain SET would stay on a pooled server session.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            f"""
            WITH a AS ({_HISTORY})
            SELECT {", ".join(names)}, count(*), count(*) FILTER (WHERE booked)
              FROM (SELECT {binned}, a.booked FROM search_listing s JOIN a ON a.listing_id = s.listing_id) x
             GROUP BY {", ".join(names)}
            """,
            {"since": since},
        )
        rows = cursor.fetchall()
    cells = [([float(v) for v in row[: len(names)]], row[-2], row[-1]) for row in rows]
    samples = sum(trials for _, trials, _ in cells)
    positives = sum(successes for _, _, successes in cells)
    rate = positives / samples if samples else 0.0
    note = ""
    beta: list[float] | None = None
    if positives < MIN_POSITIVES or samples - positives < MIN_POSITIVES:
        note = f"Too little history: {positives} booked of {samples} listings (need {MIN_POSITIVES} of each)."
    else:
        try:
            beta = logistic_fit(cells)
        except ValueError as error:
            note = f"Fit failed: {error}."
    loss = _log_loss(cells, beta, rate) if beta else None
    baseline = _log_loss(cells, None, rate) if cells else None
    coefficients = {"intercept": beta[0], **dict(zip(names, beta[1:], strict=True))} if beta else {}
    if beta and loss is not None and baseline is not None and loss >= baseline:
        note = f"Not better than the base rate (log loss {loss:.4f} vs {baseline:.4f})."
    active = bool(beta) and not note
    with transaction.atomic():
        if active:
            BookingModel.objects.filter(active=True).update(active=False)
        model = BookingModel.objects.create(
            coefficients=coefficients,
            samples=samples,
            positives=positives,
            log_loss=loss,
            baseline_log_loss=baseline,
            active=active,
            note=note,
        )
    logger.info("booking model fitted", extra={"active": active, "samples": samples, "positives": positives})
    return model


def search_booking_likelihood_refresh(*, now=None) -> int:
    """Score every search row with the active booking model (0.5 everywhere without one); returns rows changed."""
    now = now or timezone.now()
    model = BookingModel.objects.filter(active=True).first()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        if model is None:
            cursor.execute("UPDATE search_listing SET booking_likelihood = 0.5 WHERE booking_likelihood <> 0.5")
            return cursor.rowcount
        coefficients = model.coefficients
        linear = " + ".join(
            [repr(float(coefficients["intercept"]))]
            + [f"{float(coefficients[name])!r} * ({_feature_sql(name)})" for name in MODEL_FEATURES]
        )
        # The highest probability the model can give: each weight at its favourable end of [0, 1].
        best = float(coefficients["intercept"]) + sum(max(0.0, float(coefficients[name])) for name in MODEL_FEATURES)
        p_best = 1 / (1 + math.exp(-best))
        views = "SELECT listing_id, sum(views) AS views FROM pricing_listingviewday WHERE date >= %(since)s::date " \
            "GROUP BY listing_id"  # fmt: skip
        cursor.execute(
            f"""
            WITH a AS ({views}), scored AS (
                SELECT s.listing_id,
                       round((1 / (1 + exp(-({linear}))) / {p_best!r})::numeric, 4)::float8 AS likelihood
                  FROM search_listing s LEFT JOIN a ON a.listing_id = s.listing_id
            )
            UPDATE search_listing s SET booking_likelihood = least(1, x.likelihood)
              FROM scored x
             WHERE x.listing_id = s.listing_id AND s.booking_likelihood IS DISTINCT FROM least(1, x.likelihood)
            """,
            {"since": now - timezone.timedelta(days=30)},
        )
        return cursor.rowcount


def search_rank_tiers_refresh(*, now=None) -> int:
    """Recompute ``rank_tier``: the percentile of each row's query-independent score (0 = best)."""
    now = now or timezone.now()
    weights = settings.SEARCH_RANKING_WEIGHTS
    m, c = float(settings.SEARCH_REVIEW_PRIOR_MEAN), float(settings.SEARCH_REVIEW_PRIOR_COUNT)
    half_life = float(settings.SEARCH_FRESHNESS_HALF_LIFE_DAYS)
    static = (
        f"{float(weights['quality'])} * s.quality"
        f" + {float(weights['review_score'])} * ((coalesce(s.rating_avg, 0)::float8 * s.rating_count + {m * c})"
        f" / (s.rating_count + {c}) - 1) / 4"
        f" + {float(weights['host_response_rate'])} * coalesce(s.host_response_rate, 0.5)::float8"
        f" + {float(weights['price_competitiveness'])} * s.price_competitiveness"
        f" + {float(weights['booking_likelihood'])} * s.booking_likelihood"
        f" + {float(weights['freshness'])} * exp(-0.6931471805599453 * greatest(0, date_part('epoch', %(now)s"
        f" - coalesce(s.published_at, %(now)s))) / 86400.0 / {half_life})"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            f"""
            WITH ranked AS (
                SELECT s.listing_id, floor(100 * percent_rank() OVER (ORDER BY {static} DESC))::smallint AS tier
                  FROM search_listing s
            )
            UPDATE search_listing s SET rank_tier = r.tier FROM ranked r
             WHERE r.listing_id = s.listing_id AND s.rank_tier IS DISTINCT FROM r.tier
            """,
            {"now": now},
        )
        return cursor.rowcount


def search_features_refresh(*, now=None) -> dict[str, int]:
    """Every periodic refresh in order: quality and competitiveness, booking likelihood, then the tiers."""
    return {
        "quality": search_quality_refresh(),
        "booking_likelihood": search_booking_likelihood_refresh(now=now),
        "rank_tier": search_rank_tiers_refresh(now=now),
    }


def search_table_maintain() -> None:
    """Rewrite ``search_listing`` in spatial order (CLUSTER on its GiST index) and refresh statistics.

    New listings are appended wherever there is room; after bulk loads (the demo
    seed, a big import) a city's rows are scattered again. CLUSTER takes an
    exclusive lock for its duration (~10 s at a million rows): run it off-peak.
    """
    with connection.cursor() as cursor:
        cursor.execute("CLUSTER search_listing USING search_listing_location_gist")
        cursor.execute("ANALYZE search_listing")
        cursor.execute("ANALYZE search_listing_text")


# --- How often places are searched (typo correction weighs it) ---------------------------------

PLACE_SEARCHES_KEY = "search:place-searches"  # Redis hash: place id -> searches not flushed yet


def _redis():
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def _prefixed(key: str) -> str:
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    return f"{prefix}:{key}" if prefix else key


def place_search_record(*, place: Place) -> None:
    """Count one search for ``place``: a Redis increment on the request path, stored by ``place_searches_flush``.

    Only places typed exactly count: counting corrections would let a guess feed itself.
    A Redis outage loses the count (logged), never the search.
    """
    if not place.id or place.corrected:
        return
    try:
        _redis().hincrby(_prefixed(PLACE_SEARCHES_KEY), str(place.id), 1)
    except RedisError:
        logger.warning("Place search not counted: Redis unavailable", extra={"place_id": place.id})


def place_searches_flush() -> int:
    """Add the buffered place searches to ``search_placesearchcount``; returns the places updated.

    The hash is renamed before it is read, so searches counted meanwhile go to a fresh one; the
    claimed copy is deleted after the commit, so a failed write is retried by the next flush.
    """
    key = _prefixed(PLACE_SEARCHES_KEY)
    claimed = key + ":flushing"
    try:
        redis = _redis()
        if not redis.exists(claimed):
            try:
                redis.rename(key, claimed)
            except RedisError:
                return 0  # nothing counted since the last flush
        counts = {int(k): int(v) for k, v in redis.hgetall(claimed).items()}
    except RedisError:
        logger.warning("Place searches not flushed: Redis unavailable")
        return 0
    if counts:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO search_placesearchcount (place_id, searches, updated_at)
                SELECT t.place_id, t.searches, now() FROM unnest(%s::bigint[], %s::bigint[]) AS t(place_id, searches)
                ON CONFLICT (place_id) DO UPDATE
                   SET searches = search_placesearchcount.searches + EXCLUDED.searches, updated_at = now()
                """,
                [list(counts), list(counts.values())],
            )
    redis.delete(claimed)
    return len(counts)
