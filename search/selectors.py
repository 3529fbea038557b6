"""Search reads: listings matching a search, with facets; a bulk availability re-check.

``listing_search`` runs the one search statement (``search.query``), then loads
the page's listings (with hosts, and photos as plain values: two queries). A
card's price is the statement's own (the number that filtered and sorted it),
written as ``price_quote``'s lines by ``pricing.selectors.stay_lines``, the
function ``price_quote`` ends with. The statement's nightly prices are
``price_quote``'s to the cent; ``tests/search/test_pricing_sql.py`` proves it
against ``price_quote`` called as the checkout calls it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.db import connection, connections, router

from listings.models import LISTING_PRICE_FIELDS, CardPhoto, Listing, ListingPhoto, ListingStatus
from pricing.fees import FeeRates
from pricing.selectors import StayPrice, price_quote, pricing_rules_for_listings, stay_lines

from .gazetteer import Place, country_name, normalise_place_name, place_resolve  # noqa: F401 - re-exported
from .params import SearchParams
from .query import RawResult, search_execute


@dataclass
class SearchCard:
    """One result: the listing, the stay it matched (flexible searches differ per listing) and its price."""

    listing: Listing
    photos: list[CardPhoto]  # the first CARD_PHOTOS, cover first
    check_in: dt.date | None
    check_out: dt.date | None
    quote: StayPrice | None  # the statement's price in price_quote's lines (total, nightly average)
    price_value: Decimal  # nightly or total, in the search currency (what filters and sorting used)
    lat: float  # the listing's public point (250-700 m from the home; listings.selectors.listing_public_point)
    lng: float
    score: float
    explain: dict | None = None

    @property
    def nights(self) -> int | None:
        return (self.check_out - self.check_in).days if self.check_in and self.check_out else None


@dataclass
class SearchResult:
    params: SearchParams
    count: int
    count_is_estimate: bool
    cards: list[SearchCard]
    facets: dict
    raw: RawResult | None = field(default=None, repr=False)

    @property
    def pages(self) -> int:
        per_page = settings.SEARCH_RESULTS_PER_PAGE
        return max(1, min(settings.SEARCH_MAX_PAGES, -(-self.count // per_page)))

    @property
    def has_next(self) -> bool:
        return self.params.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.params.page > 1


def listing_search(params: SearchParams, *, now: dt.datetime | None = None) -> SearchResult:
    """Published listings matching ``params``: one page of cards, the total count and the facets.

    Count and facets cover every candidate when there are at most
    ``SEARCH_CANDIDATE_CAP``; beyond that they are estimates from the best-ranked
    listings (``count_is_estimate``). Raises nothing for valid ``params``.
    """
    raw = search_execute(params, now=now)
    ids = [row["listing_id"] for row in raw.rows]
    listings, photos = _card_listings(ids)
    rates = FeeRates.current()
    cards: list[SearchCard] = []
    for row in raw.rows:
        listing = listings.get(row["listing_id"])
        if listing is None:  # unpublished between the two reads
            continue
        check_in = dt.date.fromisoformat(row["check_in"]) if row["check_in"] else None
        check_out = dt.date.fromisoformat(row["check_out"]) if row["check_out"] else None
        quote = None
        if check_in and check_out:
            # The statement's own price, the number that filtered and sorted this card, in price_quote's lines.
            nights = (check_out - check_in).days
            lines, _ = stay_lines(
                listing=listing,
                nights=nights,
                accommodation=Decimal(row["accommodation"]),
                extra_per_night=Decimal(row["extra_per_night"]),
                rates=rates,
            )
            quote = StayPrice(listing.currency, check_in, check_out, nights, lines)
        # search_listing keeps the public point (search.0009), the same the listing page and API show.
        lat, lng = round(row["lat"], 5), round(row["lng"], 5)
        cards.append(
            SearchCard(
                listing=listing,
                photos=photos.get(listing.pk, []),
                check_in=check_in,
                check_out=check_out,
                quote=quote,
                price_value=Decimal(str(row["price_value"])),
                lat=lat,
                lng=lng,
                score=float(row["score"] or 0),
                explain=row.get("explain"),
            )
        )
    return SearchResult(
        params=params,
        count=raw.count,
        count_is_estimate=raw.count_is_estimate,
        cards=cards,
        facets=raw.facets,
        raw=raw,
    )


CARD_FIELDS = (
    "id", "title", "slug", "property_type", "room_type", "neighbourhood", "city", "country_code", "max_guests",
    "bedrooms", "beds", "bathrooms", "rating_avg", "rating_count", "instant_book", *LISTING_PRICE_FIELDS, "status",
    "time_zone", "host_id",
)  # fmt: skip
CARD_HOST_FIELDS = ("id", "is_superhost", "first_name")
CARD_PHOTOS = 5  # photos a card carries (the API's carousel; the page shows the first)


def _card_listings(ids: list[int]) -> tuple[dict[int, Listing], dict[int, list[CardPhoto]]]:
    """The page's published listings with their hosts, and their first ``CARD_PHOTOS`` photos in order.

    One plain statement (the ORM's query building cost more than the read itself):
    listings come back as ``Listing`` instances holding ``CARD_FIELDS`` only (the
    rest deferred, as ``.only()`` makes them), each with its host (``CARD_HOST_FIELDS``);
    photos as ``CardPhoto`` values. Read through the router, as the ORM's reads are
    (the replica on public read paths).
    """
    if not ids:
        return {}, {}
    User = Listing.host.field.related_model
    # In the models' field order: Model.from_db fills deferred fields in between by position.
    listing_fields, host_fields = _concrete(Listing, CARD_FIELDS), _concrete(User, CARD_HOST_FIELDS)
    listing_columns = ", ".join(f"l.{column}" for _, column in listing_fields)
    host_columns = ", ".join(f"u.{column}" for _, column in host_fields)
    photo_columns = ", ".join(CardPhoto.FIELDS)
    alias = router.db_for_read(Listing)
    with connections[alias].cursor() as cursor:
        cursor.execute(
            f"""
            SELECT {listing_columns}, {host_columns},
                   (SELECT json_agg(json_build_array({photo_columns}) ORDER BY position, id)
                      FROM (SELECT {photo_columns}, position FROM {ListingPhoto._meta.db_table}
                             WHERE listing_id = l.id ORDER BY position, id LIMIT %s) p) AS photos
              FROM {Listing._meta.db_table} l JOIN {User._meta.db_table} u ON u.id = l.host_id
             WHERE l.id = ANY(%s) AND l.status = %s
            """,
            [CARD_PHOTOS, ids, ListingStatus.PUBLISHED.value],
        )
        rows = cursor.fetchall()
    listings: dict[int, Listing] = {}
    photos: dict[int, list[CardPhoto]] = {}
    listing_end, host_end = len(listing_fields), len(listing_fields) + len(host_fields)
    for row in rows:
        listing = Listing.from_db(alias, [name for name, _ in listing_fields], row[:listing_end])
        host = User.from_db(alias, [name for name, _ in host_fields], row[listing_end:host_end])
        Listing.host.field.set_cached_value(listing, host)
        listings[listing.pk] = listing
        photos[listing.pk] = [CardPhoto(*values) for values in row[host_end] or ()]
    return listings, photos


@cache
def _concrete(model, attnames: tuple[str, ...]) -> list[tuple[str, str]]:
    """``(attname, column)`` of ``attnames`` in the model's field order."""
    fields = [(field.attname, field.column) for field in model._meta.concrete_fields if field.attname in attnames]
    assert len(fields) == len(attnames), f"unknown fields among {attnames}"
    return fields


@dataclass(frozen=True)
class Availability:
    listing_id: int
    available: bool
    reason: str  # "" when available; else not_found, dates_unavailable, too_many_guests, stay_too_short, stay_too_long
    total: Decimal | None = None
    currency: str = ""


def availability_check(
    *, listing_ids: list[int], check_in: dt.date, check_out: dt.date, guests: int
) -> list[Availability]:
    """Whether each listing can still be booked for the stay, read now from the same data search uses.

    For the results page's reconciliation after it was shown: one statement for
    up to a hundred listings, then ``price_quote`` for the available ones.
    Listings that are not published come back ``not_found``.
    """
    nights = (check_out - check_in).days
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT s.listing_id,
                   s.unavailable && daterange(%(ci)s, %(co)s) AS taken,
                   s.max_guests,
                   s.max_nights,
                   CASE WHEN s.has_overrides THEN COALESCE((SELECT c.min_nights FROM availability_calendarnight c
                         WHERE c.listing_id = s.listing_id AND c.date = %(ci)s), s.min_nights)
                        ELSE s.min_nights END AS min_nights
              FROM search_listing s WHERE s.listing_id = ANY(%(ids)s)
            """,
            {"ci": check_in, "co": check_out, "ids": listing_ids},
        )
        rows = {row[0]: row[1:] for row in cursor.fetchall()}
    available_ids = [
        pk for pk, (taken, max_guests, max_nights, min_nights) in rows.items()
        if not taken and guests <= max_guests and min_nights <= nights <= max_nights
    ]  # fmt: skip
    listings = Listing.objects.in_bulk(available_ids)
    rules = pricing_rules_for_listings(listing_ids=available_ids, start=check_in, end=check_out)
    answers: list[Availability] = []
    for pk in listing_ids:
        if pk not in rows:
            answers.append(Availability(pk, False, "not_found"))
            continue
        taken, max_guests, max_nights, min_nights = rows[pk]
        if taken:
            reason = "dates_unavailable"
        elif guests > max_guests:
            reason = "too_many_guests"
        elif nights < min_nights:
            reason = "stay_too_short"
        elif nights > max_nights:
            reason = "stay_too_long"
        else:
            listing = listings[pk]
            quote = price_quote(listing=listing, check_in=check_in, check_out=check_out, guests=guests, rules=rules[pk])
            answers.append(Availability(pk, True, "", quote.total, quote.currency))
            continue
        answers.append(Availability(pk, False, reason))
    return answers
