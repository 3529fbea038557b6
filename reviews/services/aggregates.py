"""Rating aggregates: a listing's averages (overall and per category) and a person's ratings.

They change only when a review is published or hidden, and are refreshed by the
service doing that, in its transaction, from that listing's / person's visible
published reviews (one indexed aggregate query each, never on a page view).
``review_aggregates_rebuild`` recomputes everything in set-based SQL, for data
loaded around the services (the demo seeder's COPY).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Avg, Count, DecimalField, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from listings.models import Listing

from ..models import GUEST_CATEGORIES, STAY_CATEGORIES, ListingRating, Review, UserRating

D = Review.Direction
CENT = Decimal("0.01")


def _rounded(value) -> Decimal | None:
    """Averages are stored rounded half-up to two decimals (PostgreSQL's ``round``)."""
    return None if value is None else Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _average(expression, **filters) -> Avg:
    return Avg(expression, output_field=DecimalField(max_digits=12, decimal_places=6), filter=Q(**filters) or None)


def _category(code: str):
    return Cast(KT(f"categories__{code}"), DecimalField(max_digits=4, decimal_places=2))


def visible_published() -> Q:
    return Q(published_at__isnull=False, hidden_at__isnull=True)


def listing_rating_refresh(*, listing_id: int) -> ListingRating:
    """Recompute a listing's rating from its visible published guest reviews.

    Writes ``ListingRating`` and ``Listing.rating_avg`` / ``rating_count``. Call it
    inside the transaction that published or hid the review, holding the
    listing row lock (concurrent publications on one listing then serialise).
    """
    values = Review.objects.filter(visible_published(), listing_id=listing_id, direction=D.GUEST_TO_HOST).aggregate(
        review_count=Count("id"),
        overall=_average("overall"),
        **{code: _average(_category(code)) for code in STAY_CATEGORIES},
    )
    count = values.pop("review_count")
    rounded = {name: _rounded(value) for name, value in values.items()}
    rating, _ = ListingRating.objects.update_or_create(
        listing_id=listing_id, defaults={"review_count": count, **rounded}
    )
    Listing.objects.filter(pk=listing_id).update(rating_avg=rounded["overall"], rating_count=count)
    return rating


def user_rating_refresh(*, user_id: int) -> UserRating:
    """Recompute a person's host rating and guest rating (with the guest categories)."""
    guest_reviews = {"direction": D.HOST_TO_GUEST}
    values = Review.objects.filter(visible_published(), subject_id=user_id).aggregate(
        host_review_count=Count("id", filter=Q(direction=D.GUEST_TO_HOST)),
        host_rating=_average("overall", direction=D.GUEST_TO_HOST),
        guest_review_count=Count("id", filter=Q(**guest_reviews)),
        guest_rating=_average("overall", **guest_reviews),
        **{f"guest_{code}": _average(_category(code), **guest_reviews) for code in GUEST_CATEGORIES},
    )
    counts = {name: values.pop(name) for name in ("host_review_count", "guest_review_count")}
    rating, _ = UserRating.objects.update_or_create(
        user_id=user_id, defaults={**counts, **{name: _rounded(value) for name, value in values.items()}}
    )
    return rating


_STAY_AVERAGES = ", ".join(f"round(avg((categories->>'{code}')::numeric), 2)" for code in STAY_CATEGORIES)
_GUEST_AVERAGES = ", ".join(
    f"round(avg((categories->>'{code}')::numeric) FILTER (WHERE direction = 'host_to_guest'), 2)"
    for code in GUEST_CATEGORIES
)
_VISIBLE = "published_at IS NOT NULL AND hidden_at IS NULL"

REBUILD_SQL = [
    "DELETE FROM reviews_listingrating",
    f"""
    INSERT INTO reviews_listingrating (listing_id, review_count, overall, {", ".join(STAY_CATEGORIES)}, updated_at)
    SELECT listing_id, count(*), round(avg(overall), 2), {_STAY_AVERAGES}, now()
      FROM reviews_review
     WHERE direction = 'guest_to_host' AND {_VISIBLE}
     GROUP BY listing_id
    """,
    """
    UPDATE listings_listing AS l
       SET rating_avg = r.overall, rating_count = r.review_count
      FROM reviews_listingrating AS r
     WHERE r.listing_id = l.id
       AND (l.rating_avg, l.rating_count) IS DISTINCT FROM (r.overall, r.review_count)
    """,
    """
    UPDATE listings_listing AS l
       SET rating_avg = NULL, rating_count = 0
     WHERE (l.rating_count <> 0 OR l.rating_avg IS NOT NULL)
       AND NOT EXISTS (SELECT 1 FROM reviews_listingrating r WHERE r.listing_id = l.id)
    """,
    "DELETE FROM reviews_userrating",
    f"""
    INSERT INTO reviews_userrating (
        user_id, host_review_count, host_rating, guest_review_count, guest_rating,
        {", ".join(f"guest_{code}" for code in GUEST_CATEGORIES)}, updated_at
    )
    SELECT subject_id,
           count(*) FILTER (WHERE direction = 'guest_to_host'),
           round(avg(overall) FILTER (WHERE direction = 'guest_to_host'), 2),
           count(*) FILTER (WHERE direction = 'host_to_guest'),
           round(avg(overall) FILTER (WHERE direction = 'host_to_guest'), 2),
           {_GUEST_AVERAGES},
           now()
      FROM reviews_review
     WHERE {_VISIBLE}
     GROUP BY subject_id
    """,
]


def review_aggregates_rebuild() -> dict[str, int]:
    """Recompute every listing's and person's rating from the reviews table, in SQL.

    For reviews written around the services (bulk loads such as the demo seeder);
    run inside one transaction by the caller or the management command. Returns
    the number of listing and user rating rows written.
    """
    counts = {}
    with connection.cursor() as cursor:
        for statement in REBUILD_SQL:
            cursor.execute(statement)
            if "INSERT INTO reviews_listingrating" in statement:
                counts["listings"] = cursor.rowcount
            elif "INSERT INTO reviews_userrating" in statement:
                counts["users"] = cursor.rowcount
    return counts
