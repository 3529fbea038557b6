"""A small random world for search tests, far from every real place, and a brute-force oracle over it.

The world sits in the South Pacific (around 44.5°S 149.5°W), where no other
test puts listings, so tests running at the same time on the same database
cannot change what a search there finds. Everything is written through the
ORM and plain SQL on the listings and bookings tables; the search rows follow
through their triggers, exactly as in production.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection
from django.utils import timezone

from accounts.models import User
from availability.models import CalendarNight
from listings.catalogue import AMENITIES
from listings.models import CancellationPolicy, Listing, ListingStatus, PropertyType, RoomType
from pricing.rules import PricingRules
from pricing.selectors import price_quote

WEST, SOUTH, EAST, NORTH = -150.0, -45.0, -149.0, -44.0
CENT = Decimal("0.01")


@dataclass
class World:
    listings: list[Listing]
    superhosts: set[int]
    taken: dict[int, set[dt.date]]
    min_nights_at: dict[int, dict[dt.date, int]]
    night_prices: dict[int, dict[dt.date, Decimal]]
    today: dt.date
    amenity_codes: list[str]
    published: set[int] = field(default_factory=set)


def world_build(*, size: int = 2000, seed: int = 7, days: int = 70) -> World:
    """``size`` listings with random attributes and calendars (taken ranges, min-nights and price overrides)."""
    rng = random.Random(seed)
    today = timezone.localdate()
    hosts = User.objects.bulk_create(
        [
            User(email=f"oracle-host-{seed}-{n}@example.com", first_name="Host", is_superhost=rng.random() < 0.3,
                 response_rate=Decimal(str(round(rng.random(), 3))) if rng.random() < 0.8 else None)
            for n in range(60)
        ]
    )  # fmt: skip
    codes = [code for code, *_ in AMENITIES]
    listings = []
    for n in range(size):
        currency = "EUR" if rng.random() < 0.85 else "USD"
        min_nights = rng.choice([1, 1, 1, 2, 2, 3, 4])
        listings.append(
            Listing(
                host=rng.choice(hosts),
                title=f"Oracle place {n}",
                slug=f"oracle-place-{n}",
                description="A quiet place by the sea." if n % 3 else "Hot tub and a garden.",
                property_type=rng.choice(PropertyType.values),
                room_type=rng.choice(RoomType.values),
                location=Point(rng.uniform(WEST, EAST), rng.uniform(SOUTH, NORTH), srid=4326),
                city="Oracle",
                country_code="",
                max_guests=rng.randint(1, 8),
                bedrooms=rng.randint(0, 4),
                beds=rng.randint(1, 5),
                bathrooms=Decimal(rng.choice(["1.0", "1.5", "2.0", "3.0"])),
                amenities=rng.sample(codes, rng.randint(0, 14)),
                currency=currency,
                base_price=Decimal(rng.randint(15, 400)) + Decimal(rng.choice(["0", "0.5", "0.99"])),
                cleaning_fee=Decimal(rng.choice([0, 0, 10, 25, 40.5])),
                weekly_discount_pct=rng.choice([0, 0, 5, 10]),
                monthly_discount_pct=rng.choice([0, 15]),
                min_nights=min_nights,
                max_nights=rng.choice([min_nights + 2, 7, 14, 30]),
                instant_book=rng.random() < 0.4,
                cancellation_policy=rng.choice(CancellationPolicy.values),
                status=ListingStatus.PUBLISHED if rng.random() < 0.93 else ListingStatus.DRAFT,
                published_at=timezone.now() - dt.timedelta(days=rng.randint(0, 400)),
                rating_avg=Decimal(str(round(rng.uniform(3, 5), 2))) if rng.random() < 0.7 else None,
                rating_count=rng.randint(1, 50),
            )
        )
    for listing in listings:
        if listing.rating_avg is None:
            listing.rating_count = 0
        listing.time_zone_derive()  # bulk_create skips save(), which derives it
    listings = Listing.objects.bulk_create(listings)

    taken: dict[int, set[dt.date]] = {}
    min_nights_at: dict[int, dict[dt.date, int]] = {}
    night_prices: dict[int, dict[dt.date, Decimal]] = {}
    rows: list[CalendarNight] = []
    for listing in listings:
        nights: set[dt.date] = set()
        for _ in range(rng.randint(0, 6)):
            start = today + dt.timedelta(days=rng.randint(0, days))
            nights.update(start + dt.timedelta(days=k) for k in range(rng.randint(1, 8)))
        taken[listing.pk] = nights
        rows += [CalendarNight(listing=listing, date=day, status="blocked") for day in sorted(nights)]
        overrides: dict[dt.date, CalendarNight] = {}
        if rng.random() < 0.15:
            for _ in range(rng.randint(1, 10)):
                day = today + dt.timedelta(days=rng.randint(0, days))
                if day in nights:
                    continue
                row = overrides.setdefault(day, CalendarNight(listing=listing, date=day, status="available"))
                if rng.random() < 0.5:
                    row.min_nights = rng.randint(2, 5)
                    min_nights_at.setdefault(listing.pk, {})[day] = row.min_nights
                else:
                    row.price = Decimal(rng.randint(20, 500))
                    night_prices.setdefault(listing.pk, {})[day] = row.price
        rows += overrides.values()
    CalendarNight.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        # As availability.services.calendar_refresh_unavailable does, for all of them at once.
        cursor.execute(
            """
            UPDATE listings_listing AS l SET unavailable = COALESCE(
                (SELECT range_agg(daterange(c.date, c.date + 1)) FROM availability_calendarnight c
                  WHERE c.listing_id = l.id AND c.status IN ('held', 'booked', 'blocked')
                    AND c.date >= CURRENT_DATE - 1), '{}'::datemultirange)
             WHERE l.id = ANY(%s)
            """,
            [[listing.pk for listing in listings]],
        )
    public = dict(Listing.objects.filter(pk__in=[x.pk for x in listings]).values_list("pk", "public_location"))
    for listing in listings:
        listing.public_location = public[listing.pk]  # set by the database's trigger
    return World(
        listings=listings,
        superhosts={host.pk for host in hosts if host.is_superhost},
        taken=taken,
        min_nights_at=min_nights_at,
        night_prices=night_prices,
        today=today,
        amenity_codes=codes,
        published={listing.pk for listing in listings if listing.status == ListingStatus.PUBLISHED},
    )


# --- the oracle --------------------------------------------------------------------------


def convert(value: Decimal, source: str, target: str) -> Decimal:
    if source == target:
        return value
    rates = settings.SEARCH_CURRENCY_PER_USD
    factor = Decimal(str(rates[target])) / Decimal(str(rates[source]))
    return (value * factor).quantize(CENT, rounding=ROUND_HALF_UP)


def _fits(world: World, listing: Listing, check_in: dt.date, check_out: dt.date) -> bool:
    nights = (check_out - check_in).days
    if any(check_in + dt.timedelta(days=k) in world.taken[listing.pk] for k in range(nights)):
        return False
    minimum = world.min_nights_at.get(listing.pk, {}).get(check_in) or listing.min_nights
    return minimum <= nights <= listing.max_nights


def oracle(world: World, params) -> dict:
    """Brute force over the world: the matching ids (in sort order when sorting by price) and the facets."""
    rules = PricingRules.platform()
    base: list[tuple[Listing, Decimal]] = []
    for listing in world.listings:
        if listing.pk not in world.published:
            continue
        # Search filters by the public point (what the map shows), never by the home.
        lng, lat = listing.public_location.x, listing.public_location.y
        if not any(w <= lng <= e and s <= lat <= n for w, s, e, n in params.area.boxes):
            continue
        if listing.max_guests < params.guests or listing.bedrooms < params.min_bedrooms:
            continue
        if listing.beds < params.min_beds or listing.bathrooms < params.min_bathrooms:
            continue
        if not set(params.amenities) <= set(listing.amenities):
            continue
        if params.instant_book and not listing.instant_book:
            continue
        if params.superhost and listing.host_id not in world.superhosts:
            continue
        if params.cancellation_policies and listing.cancellation_policy not in params.cancellation_policies:
            continue
        stay = next((s for s in params.stays if _fits(world, listing, *s)), None) if params.stays else None
        if params.stays and stay is None:
            continue
        if stay:
            quote = price_quote(
                listing=listing, check_in=stay[0], check_out=stay[1], guests=params.guests,
                night_prices=world.night_prices.get(listing.pk, {}), rules=rules, today=world.today,
            )  # fmt: skip
            value = quote.total if params.price_type == "total" else quote.nightly_average
        else:
            value = Decimal(listing.base_price)
        base.append((listing, convert(value, listing.currency, params.currency)))

    def pt_ok(listing):
        return not params.property_types or listing.property_type in params.property_types

    def rt_ok(listing):
        return not params.room_types or listing.room_type in params.room_types

    def price_ok(value):
        return (params.price_min is None or value >= params.price_min) and (
            params.price_max is None or value <= params.price_max
        )

    final = [(listing, value) for listing, value in base if pt_ok(listing) and rt_ok(listing) and price_ok(value)]
    count = lambda items: {k: v for k, v in _counter(items).items() if v}  # noqa: E731
    amenities: dict[str, int] = {}
    for listing, _ in final:
        for code in listing.amenities:
            amenities[code] = amenities.get(code, 0) + 1
    ordered = sorted(final, key=lambda item: (item[1], item[0].pk))
    return {
        "ids": {listing.pk for listing, _ in final},
        "price_order": [listing.pk for listing, _ in ordered],
        "values": {listing.pk: value for listing, value in final},
        "count": len(final),
        "property_types": count(item.property_type for item, v in base if rt_ok(item) and price_ok(v)),
        "room_types": count(item.room_type for item, v in base if pt_ok(item) and price_ok(v)),
        "amenities": amenities,
        "toggles": {
            "instant_book": sum(1 for listing, _ in final if listing.instant_book),
            "superhost": sum(1 for listing, _ in final if listing.host_id in world.superhosts),
        },
    }


def _counter(values) -> dict[str, int]:
    result: dict[str, int] = {}
    for value in values:
        result[value] = result.get(value, 0) + 1
    return result
