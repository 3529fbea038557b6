"""The demo world's people and listings, generated as COPY text rows.

``DemoWorld`` first makes a *plan*: how many listings each city gets, which host
owns which listing (some hosts own one place, a few property managers dozens),
and in which order listings were created. Then each phase streams the rows of
one table, reading only the plan and a few compact per-listing arrays that later
phases need (prices, capacity, publication time), so a million listings never
exist as Python objects at once.

Determinism: every phase draws from its own ``random.Random`` seeded with
``"<seed>:<phase>"``, so the same seed and size give the same world, and
changing how one phase draws does not reshuffle the others. Timestamps are laid
out relative to the day the world is generated (bookings must lie in the past),
so only absolute dates move from one day to the next.
"""

from __future__ import annotations

import math
import random
import struct
import time
from array import array
from bisect import bisect
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import accumulate

from django.utils.text import slugify

from listings.localtime import zone_for_point
from listings.models import CancellationPolicy, PropertyType, RoomType

from . import DEMO_ADMIN_EMAIL, DEMO_GUEST_EMAIL, DEMO_HOST_EMAIL
from . import vocabulary as words
from .geography import PARIS_GEONAMEID, City, CityPlacer, cities, price_round
from .pgcopy import copy_escape
from .photos import EXTERIOR_STYLES, PoolPhoto

DAY = 86_400
HISTORY_DAYS = 3 * 365
DEMO_HOST_LISTINGS = 6
GUESTS_PER_LISTING = 0.12
MIN_CITIES = 30
LISTINGS_PER_CITY = 40  # on average, when deciding how many cities a world covers
_CITY_BITS = 13  # the plan packs (host << 13) | city into one int per listing
_CITY_MASK = (1 << _CITY_BITS) - 1

PROPERTY_TYPES: tuple[str, ...] = tuple(PropertyType.values)
ROOM_TYPES: tuple[str, ...] = tuple(RoomType.values)
_ENTIRE, _PRIVATE, _SHARED = (ROOM_TYPES.index(v) for v in ("entire", "private", "shared"))

# Property type mix in big cities (1M+) and elsewhere.
_TYPE_WEIGHTS_BIG = {
    "apartment": 55,
    "loft": 8,
    "townhouse": 8,
    "house": 12,
    "guesthouse": 6,
    "villa": 3,
    "cottage": 2,
    "cabin": 1,
}
_TYPE_WEIGHTS_SMALL = {
    "apartment": 35,
    "loft": 4,
    "townhouse": 8,
    "house": 25,
    "guesthouse": 6,
    "villa": 6,
    "cottage": 9,
    "cabin": 7,
}
# (bedroom counts, weights) for entire places
_BEDROOMS: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "apartment": ((0, 1, 2, 3, 4), (12, 45, 28, 12, 3)),
    "loft": ((0, 1, 2), (25, 55, 20)),
    "townhouse": ((2, 3, 4), (40, 40, 20)),
    "house": ((1, 2, 3, 4, 5), (8, 25, 37, 20, 10)),
    "guesthouse": ((1, 2), (75, 25)),
    "villa": ((3, 4, 5, 6), (30, 35, 25, 10)),
    "cottage": ((1, 2, 3), (35, 45, 20)),
    "cabin": ((1, 2, 3), (40, 40, 20)),
}
_TYPE_PRICE = {
    "apartment": 1.0,
    "loft": 1.25,
    "townhouse": 1.25,
    "house": 1.3,
    "guesthouse": 0.8,
    "villa": 2.2,
    "cottage": 1.1,
    "cabin": 1.05,
}
_PHOTO_STYLE = {t: (t if t in EXTERIOR_STYLES else "house") for t in PROPERTY_TYPES}
_CANCELLATION = (
    (CancellationPolicy.FLEXIBLE.value,) * 35
    + (CancellationPolicy.MODERATE.value,) * 45
    + (CancellationPolicy.STRICT.value,) * 20
)


def _amenity_probabilities(
    *, property_type: str, room_type: str, climate: str, big_city: bool
) -> list[tuple[str, float]]:
    """How likely each amenity is for this kind of place: wifi nearly always, a pool rarely."""
    countryside = property_type in ("house", "villa", "cabin", "cottage")
    entire = room_type == "entire"
    p = {
        "wifi": 0.96,
        "kitchen": 0.92 if entire else 0.6,
        "washer": 0.62 if entire else 0.35,
        "dryer": 0.35,
        "air-conditioning": {"tropical": 0.85, "warm": 0.55, "cold": 0.15}[climate],
        "heating": {"tropical": 0.1, "warm": 0.7, "cold": 0.96}[climate],
        "workspace": 0.42,
        "tv": 0.72,
        "hair-dryer": 0.6,
        "iron": 0.5,
        "essentials": 0.9,
        "hot-water": 0.92,
        "pool": {"villa": 0.75, "house": 0.1}.get(property_type, 0.03) * (2 if climate == "tropical" else 1),
        "hot-tub": {"cabin": 0.3, "villa": 0.3}.get(property_type, 0.03),
        "free-parking": 0.8 if countryside else (0.15 if big_city else 0.4),
        "ev-charger": 0.05 if countryside else 0.02,
        "gym": 0.12 if property_type == "apartment" else 0.02,
        "bbq-grill": 0.45 if countryside else 0.05,
        "fireplace": {"cabin": 0.6, "cottage": 0.4}.get(property_type, 0.05),
        "balcony": 0.5 if property_type in ("apartment", "loft") else 0.15,
        "garden": 0.6 if property_type in ("house", "cottage", "villa") else 0.08,
        "breakfast": 0.6 if property_type == "guesthouse" else 0.04,
        "pets-allowed": 0.15,
        "self-check-in": 0.45,
        "beachfront": 0.03,
        "waterfront": 0.04,
        "ski-in-out": 0.08 if property_type == "cabin" and climate == "cold" else 0.002,
        "city-view": 0.2 if big_city and property_type in ("apartment", "loft") else 0.03,
        "smoke-alarm": 0.85,
        "carbon-monoxide-alarm": 0.55,
        "fire-extinguisher": 0.55,
        "first-aid-kit": 0.45,
        "step-free-access": 0.12,
        "wide-entrance": 0.06,
        "step-free-bathroom": 0.06,
        "grab-bars": 0.03,
        "accessible-parking": 0.03,
        "elevator": (0.45 if big_city else 0.25) if property_type == "apartment" else 0.02,
    }
    return list(p.items())


def ts_text(seconds: int) -> str:
    """Epoch seconds as a COPY timestamptz literal."""
    return time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime(seconds))


class DayNames(dict):
    """Day number (days since 1970-01-01) -> ISO date, computed once per day."""

    def __missing__(self, day: int) -> str:
        value = self[day] = time.strftime("%Y-%m-%d", time.gmtime(day * DAY))
        return value


@dataclass(frozen=True, slots=True)
class IdBases:
    """Primary keys are assigned by the generator (rows reference each other before they exist)."""

    user: int
    listing: int
    booking: int


class _CityContext:
    """Everything per city the listing loop needs, escaped for COPY once."""

    __slots__ = (
        "city", "placer", "name", "slug", "region", "country_code", "currency", "usd_rate", "price_level",
        "climate", "big", "name_group", "streets", "languages", "type_cum", "hood_names", "hood_slugs",
        "time_zone",
    )  # fmt: skip

    def __init__(self, *, city: City, seed: int) -> None:
        self.city = city
        self.placer = CityPlacer(city=city, seed=seed)
        self.name = copy_escape(city.name)
        self.slug = city.slug
        self.region = copy_escape(city.region)
        self.country_code = city.country.code
        self.currency = city.country.currency
        self.usd_rate = city.country.usd_rate
        size_factor = min(1.4, max(0.75, (city.population / 1e6) ** 0.12))
        self.price_level = city.country.price_level_usd * size_factor
        latitude = abs(city.latitude)
        self.climate = "tropical" if latitude < 23.5 else "warm" if latitude < 40 else "cold"
        self.big = city.population >= 1_000_000
        self.name_group = city.country.name_group
        self.streets = words.STREETS.get(self.name_group, words.STREETS["en"])
        self.languages = "{" + ",".join(city.country.languages) + "}"
        weights = _TYPE_WEIGHTS_BIG if self.big else _TYPE_WEIGHTS_SMALL
        self.type_cum = list(accumulate(weights.get(t, 0) for t in PROPERTY_TYPES))
        self.hood_names = {id(h): copy_escape(h.name) for h in self.placer.hoods}
        self.hood_slugs = {id(h): h.slug for h in self.placer.hoods}
        # The city centre's zone for all its listings (cities do not straddle zone borders here).
        self.time_zone = zone_for_point(lat=city.latitude, lng=city.longitude)


class _NamePool:
    """First and last names of one language group, with ASCII slugs for e-mail addresses."""

    __slots__ = (
        "male",
        "female",
        "last_male",
        "last_female",
        "male_slug",
        "female_slug",
        "last_male_slug",
        "last_female_slug",
    )

    def __init__(self, group: str) -> None:
        male, female, last = words.NAMES[group]
        last_female = tuple(_feminine_surname(group, name) for name in last)
        self.male, self.female = tuple(map(copy_escape, male)), tuple(map(copy_escape, female))
        self.last_male, self.last_female = tuple(map(copy_escape, last)), tuple(map(copy_escape, last_female))
        self.male_slug = tuple(_email_part(n) for n in male)
        self.female_slug = tuple(_email_part(n) for n in female)
        self.last_male_slug = tuple(_email_part(n) for n in last)
        self.last_female_slug = tuple(_email_part(n) for n in last_female)

    def draw(self, rng: random.Random) -> tuple[str, str, str]:
        """(first name, last name, "first.last" for an e-mail address)."""
        if rng.random() < 0.5:
            i, j = rng.randrange(len(self.male)), rng.randrange(len(self.last_male))
            return self.male[i], self.last_male[j], f"{self.male_slug[i]}.{self.last_male_slug[j]}"
        i, j = rng.randrange(len(self.female)), rng.randrange(len(self.last_female))
        return self.female[i], self.last_female[j], f"{self.female_slug[i]}.{self.last_female_slug[j]}"


def _feminine_surname(group: str, name: str) -> str:
    if group == "ru" and name.endswith(("ov", "ev", "in", "yov")):
        return name + "a"
    if group == "pl" and name.endswith("ki"):
        return name[:-1] + "a"
    return name


# Letters that do not decompose to ASCII (slugify would drop them: "Aslı" -> "asl").
_ASCII_LETTERS = str.maketrans(
    {"ı": "i", "ø": "o", "Ø": "O", "æ": "ae", "ß": "ss", "ł": "l", "Ł": "L", "đ": "d", "œ": "oe"}
)


def _email_part(name: str) -> str:
    return slugify(name.translate(_ASCII_LETTERS)).replace("-", "") or "guest"


class DemoWorld:
    """Plan of the demo world and the row generators for users, listings and photos.

    Bookings, calendar nights and reviews are generated by ``airbnb.demo.stays``
    from the per-listing facts recorded here while listing rows are produced, so
    the listing phase must run before them.
    """

    def __init__(
        self,
        *,
        listings: int,
        seed: int,
        today: date,
        ids: IdBases,
        password_hash: str,
        amenity_codes: Collection[str],
        photo_pool: Sequence[PoolPhoto],
    ) -> None:
        if listings < 1:
            raise ValueError("A demo world needs at least one listing.")
        self.size = listings
        self.seed = seed
        self.ids = ids
        self.password_hash = copy_escape(password_hash)
        self.amenity_codes = frozenset(amenity_codes)
        self.photo_pool = photo_pool
        self.today_day = (today - date(1970, 1, 1)).days
        self.now = self.today_day * DAY
        self.history_start = self.now - HISTORY_DAYS * DAY
        self.days = DayNames()
        self.cities = cities()
        if len(self.cities) > _CITY_MASK:
            raise RuntimeError("Too many cities for the plan's packing: raise _CITY_BITS.")
        self._city_contexts: dict[int, _CityContext] = {}
        self._name_pools = {group: _NamePool(group) for group in words.NAMES}
        self._plan()
        n = listings
        # Facts later phases need, one slot per listing (compact arrays, not objects).
        self.listing_published = array("q", [0]) * n  # epoch seconds, 0 = not published
        self.listing_price = array("l", [0]) * n  # nightly price, whole currency units
        self.listing_cleaning = array("l", [0]) * n
        self.listing_min_nights = array("H", [0]) * n
        self.listing_max_nights = array("H", [0]) * n
        self.listing_weekly = bytearray(n)
        self.listing_monthly = bytearray(n)
        self.listing_guests = bytearray(n)
        self.listing_instant = bytearray(n)
        self.listing_type = bytearray(n)
        self.listing_room = bytearray(n)
        self.listing_created = array("q", [0]) * n
        self.host_first_names: list[str] = [""] * self.host_count
        self.guest_first_names: list[str] = [""] * self.guest_count

    # --- plan -------------------------------------------------------------------

    def _plan(self) -> None:
        rng = random.Random(f"{self.seed}:plan")
        n = self.size
        paris = next(i for i, c in enumerate(self.cities) if c.geonameid == PARIS_GEONAMEID)
        demo = min(DEMO_HOST_LISTINGS, n)
        # Small worlds use only the biggest markets, so each city still has a few listings and hosts
        # own several places; a million listings reach every city.
        ranked = sorted(range(len(self.cities)), key=lambda i: -self.cities[i].listing_weight)
        used = ranked[: max(MIN_CITIES, n // LISTINGS_PER_CITY)]
        if paris not in used:
            used.append(paris)
        counts = [0] * len(self.cities)
        cum = list(accumulate(self.cities[i].listing_weight for i in used))
        for index in rng.choices(used, cum_weights=cum, k=n - demo):
            counts[index] += 1
        host_city = array("H", [paris])  # host 0 is host@demo.test
        packed = [paris] * demo
        for city_index, count in enumerate(counts):
            while count > 0:
                size = min(count, self._host_size(rng))
                packed.extend([(len(host_city) << _CITY_BITS) | city_index] * size)
                host_city.append(city_index)
                count -= size
        # Listings of one host were created at different times, not in one block.
        rng.shuffle(packed)
        # The demo host's listings are among the oldest third (ids follow creation time), so
        # they have a year or more of history for the analytics page, whatever the world's size.
        early = max(1, n // 3)
        demo_late = [p for p in range(early, n) if packed[p] >> _CITY_BITS == 0]
        others_early = [p for p in range(early) if packed[p] >> _CITY_BITS != 0]
        slots = rng.sample(others_early, min(len(demo_late), len(others_early)))
        for late, slot in zip(demo_late, slots, strict=False):
            packed[late], packed[slot] = packed[slot], packed[late]
        # Positions of host@demo.test's listings, in id order (the live flows place stays on them).
        self.demo_positions = [p for p, value in enumerate(packed) if value >> _CITY_BITS == 0]
        first_listing = array("l", [-1]) * len(host_city)
        for position, value in enumerate(packed):
            host = value >> _CITY_BITS
            if first_listing[host] < 0:
                first_listing[host] = position
        self.plan = packed
        self.host_city = host_city
        self.host_first_listing = first_listing
        self.host_count = len(host_city)
        self.guest_count = max(30, int(n * GUESTS_PER_LISTING))
        self.city_count = sum(1 for count in counts if count) + (counts[paris] == 0)
        self.demo_host_listings = demo

    @staticmethod
    def _host_size(rng: random.Random) -> int:
        """Listings per host: most own one or two places, a few manage dozens."""
        r = rng.random()
        if r < 0.55:
            return 1
        if r < 0.75:
            return 2
        if r < 0.85:
            return 3
        if r < 0.93:
            return rng.randint(4, 8)
        if r < 0.985:
            return rng.randint(9, 30)
        return rng.randint(31, 150)

    def plan_host(self, position: int) -> int:
        """Host number (0 = host@demo.test) of the listing at ``position``."""
        return self.plan[position] >> _CITY_BITS

    def plan_city(self, position: int) -> int:
        """Index into ``self.cities`` of the listing at ``position``."""
        return self.plan[position] & _CITY_MASK

    def city_context(self, index: int) -> _CityContext:
        context = self._city_contexts.get(index)
        if context is None:
            context = self._city_contexts[index] = _CityContext(city=self.cities[index], seed=self.seed)
        return context

    # --- ids ----------------------------------------------------------------------

    @property
    def admin_id(self) -> int:
        return self.ids.user + 1

    @property
    def demo_host_id(self) -> int:
        return self.ids.user + 2

    @property
    def demo_guest_id(self) -> int:
        return self.ids.user + 3

    def host_id(self, host: int) -> int:
        return self.demo_host_id if host == 0 else self.ids.user + 3 + host

    def guest_id(self, guest: int) -> int:
        return self.ids.user + 3 + self.host_count + guest

    @property
    def user_rows(self) -> int:
        return 2 + self.host_count + self.guest_count

    def listing_created_at(self, position: int) -> int:
        """Creation time of the listing at ``position``: spread evenly over the history, in id order."""
        span = (HISTORY_DAYS - 3) * DAY
        return self.history_start + int((position + 0.5) * span / self.size)

    @property
    def guest_joined_range(self) -> tuple[int, int]:
        return self.history_start - 365 * DAY, self.now - 7 * DAY

    # --- users --------------------------------------------------------------------

    USER_COLUMNS = (
        "id", "password", "last_login", "is_superuser", "first_name", "last_name", "is_staff", "is_active",
        "date_joined", "email", "about", "languages", "avatar", "phone", "is_superhost", "response_rate",
        "response_time_minutes",
    )  # fmt: skip

    def user_lines(self) -> Iterator[str]:
        """Admin, demo host, demo guest, then hosts and guests, all with the demo password."""
        rng = random.Random(f"{self.seed}:users")
        password = self.password_hash
        joined_demo = ts_text(self.history_start - 30 * DAY)
        response_times = (15, 30, 60, 60, 120, 180, 360, 720, 1440)
        yield "\t".join((str(self.admin_id), password, "\\N", "t", "Ada", "Admin", "t", "t", joined_demo,
                         DEMO_ADMIN_EMAIL, "", "{English}", "", "", "f", "\\N", "\\N"))  # fmt: skip
        about = "Bonjour! I host a few flats in Paris and love sharing my favourite bakeries."
        yield "\t".join((str(self.demo_host_id), password, "\\N", "f", "Camille", "Martin", "f", "t", joined_demo,
                         DEMO_HOST_EMAIL, about, "{French,English}", "", "", "f", "0.980", "30"))  # fmt: skip
        yield "\t".join((str(self.demo_guest_id), password, "\\N", "f", "Alex", "Morgan", "f", "t", joined_demo,
                         DEMO_GUEST_EMAIL, "", "{English}", "", "", "f", "\\N", "\\N"))  # fmt: skip
        self.host_first_names[0] = "Camille"
        first_listing = self.host_first_listing
        for host in range(1, self.host_count):
            context = self.city_context(self.host_city[host])
            first, last, handle = self._name_pools[context.name_group].draw(rng)
            self.host_first_names[host] = first
            joined = self.listing_created_at(first_listing[host]) - rng.randrange(DAY, 120 * DAY)
            about = rng.choice(words.HOST_ABOUT).format(first=first, city=context.name) if rng.random() < 0.6 else ""
            rate = "1.000" if rng.random() < 0.3 else f"0.{rng.randint(820, 999)}"
            yield (
                f"{self.host_id(host)}\t{password}\t\\N\tf\t{first}\t{last}\tf\tt\t{ts_text(joined)}\t"
                f"{handle}.{host}@example.com\t{about}\t{context.languages}\t\t\tf\t{rate}\t{rng.choice(response_times)}"
            )
        groups = list(words.GUEST_ORIGINS)
        group_cum = list(accumulate(words.GUEST_ORIGINS.values()))
        group_total = group_cum[-1]
        language = {g: "{" + ("English" if g == "en" else f"{self._group_language(g)},English") + "}" for g in groups}
        joined_from, joined_to = self.guest_joined_range
        step = (joined_to - joined_from) / self.guest_count
        for guest in range(self.guest_count):
            group = groups[bisect(group_cum, rng.random() * group_total)]
            first, last, handle = self._name_pools[group].draw(rng)
            self.guest_first_names[guest] = first
            joined = joined_from + int(guest * step + rng.random() * step)
            yield (
                f"{self.guest_id(guest)}\t{password}\t\\N\tf\t{first}\t{last}\tf\tt\t{ts_text(joined)}\t"
                f"{handle}.g{guest}@example.com\t\t{language[group]}\t\t\tf\t\\N\t\\N"
            )

    @staticmethod
    def _group_language(group: str) -> str:
        code = {"nordic": "sv", "in": "hi"}.get(group, group)
        return words.LANGUAGE_NAMES.get(code, "English")

    # --- listings -----------------------------------------------------------------

    LISTING_COLUMNS = (
        "id", "host_id", "title", "slug", "description", "property_type", "room_type", "location", "address",
        "neighbourhood", "city", "region", "country_code", "max_guests", "bedrooms", "beds", "bathrooms",
        "amenities", "house_rules", "check_in_time", "check_out_time", "currency", "base_price", "cleaning_fee",
        "weekly_discount_pct", "monthly_discount_pct", "min_nights", "max_nights", "instant_book",
        "cancellation_policy", "status", "published_at", "created_at", "updated_at", "rating_avg", "rating_count",
        "time_zone",
    )  # fmt: skip

    def listing_lines(self) -> Iterator[str]:
        """One row per listing, in id order (ids follow creation time)."""
        rng = random.Random(f"{self.seed}:listings")
        rand, randrange, gauss = rng.random, rng.randrange, rng.gauss
        amenity_cache: dict[tuple[int, int, str, bool], list[tuple[str, float]]] = {}
        ewkb = struct.Struct("<BIIdd")
        adjectives = words.ADJECTIVES
        adjective_slugs = [slugify(a) for a in adjectives]
        nouns = {t: words.NOUNS[t] for t in PROPERTY_TYPES}
        noun_slugs = {t: [slugify(x) for x in words.NOUNS[t]] for t in PROPERTY_TYPES}
        place_phrases = [(p, slugify(p.replace("{hood}", ""))) for p in words.PLACE_PHRASES]
        feature_phrases = {code: (text, slugify(text)) for code, text in words.FEATURE_PHRASES.items()}
        house_rules = ["\\n".join(rules) for rules in words.HOUSE_RULES]
        step = (HISTORY_DAYS - 3) * DAY / self.size
        limit = self.now - 3600
        listing_base = self.ids.listing
        for position, value in enumerate(self.plan):
            host, city_index = value >> _CITY_BITS, value & _CITY_MASK
            ctx = self.city_context(city_index)
            type_index = bisect(ctx.type_cum, rand() * ctx.type_cum[-1])
            property_type = PROPERTY_TYPES[type_index]
            r = rand()
            room = (
                _ENTIRE
                if r < 0.72
                else _PRIVATE
                if (r < 0.96 or property_type in ("villa", "cabin", "cottage"))
                else _SHARED
            )
            room_type = ROOM_TYPES[room]

            # Capacity: bedrooms -> beds -> guests, consistent with each other.
            if room == _ENTIRE:
                counts, weights = _BEDROOMS[property_type]
                bedrooms = rng.choices(counts, weights)[0]
                beds = max(1, bedrooms + (0, 0, 0, 1, 1, 2)[randrange(6)])
                guests = min(16, max(beds, beds * 2 - (0, 0, 1)[randrange(3)]))
                if bedrooms == 0:
                    guests = min(guests, 3)
                half_baths = max(2, bedrooms + randrange(-1, 2))
                bathrooms = f"{half_baths // 2}.{5 if half_baths % 2 else 0}"
            elif room == _PRIVATE:
                bedrooms, beds = 1, 1 if rand() < 0.8 else 2
                guests = beds + (1 if rand() < 0.3 else 0)
                bathrooms = "1.0"
            else:
                bedrooms, beds, guests, bathrooms = 1, 1, 1, "1.0"

            key = (type_index, room, ctx.climate, ctx.big)
            probabilities = amenity_cache.get(key)
            if probabilities is None:
                probabilities = [
                    (code, p)
                    for code, p in _amenity_probabilities(
                        property_type=property_type, room_type=room_type, climate=ctx.climate, big_city=ctx.big
                    )
                    if code in self.amenity_codes
                ]
                amenity_cache[key] = probabilities
            amenities = [code for code, p in probabilities if rand() < p]

            hood, latitude, longitude = ctx.placer.place(rng)
            hood_name, hood_slug = ctx.hood_names[id(hood)], ctx.hood_slugs[id(hood)]

            # Title and slug from parts whose slugs were computed once (slugify per row is slow).
            adjective_index = randrange(len(adjectives))
            adjective = adjectives[adjective_index]
            noun_index = randrange(len(nouns[property_type]))
            noun, noun_slug = nouns[property_type][noun_index], noun_slugs[property_type][noun_index]
            if property_type == "apartment" and bedrooms == 0:
                noun, noun_slug = words.STUDIO_NOUN, words.STUDIO_NOUN
            features = [code for code in amenities if code in feature_phrases]
            if features and rand() < 0.5:
                phrase, phrase_slug = feature_phrases[features[randrange(len(features))]]
                place = f"{phrase} in {ctx.name}"
                place_slug = f"{phrase_slug}-in-{ctx.slug}"
            else:
                phrase, phrase_slug = place_phrases[randrange(len(place_phrases))]
                if "{hood}" in phrase:
                    place = f"{phrase.replace('{hood}', hood_name)}, {ctx.name}"
                    place_slug = f"{phrase_slug}-{hood_slug}-{ctx.slug}"
                else:
                    place = f"{phrase} in {ctx.name}"
                    place_slug = f"{phrase_slug}-in-{ctx.slug}"
            if room == _ENTIRE:
                title = f"{adjective} {noun} {place}"
                slug = f"{adjective_slugs[adjective_index]}-{noun_slug}-{place_slug}"
            elif room == _PRIVATE:
                title = f"{adjective} private room {place}"
                slug = f"{adjective_slugs[adjective_index]}-private-room-{place_slug}"
            else:
                title = f"Shared room in a {adjective.lower()} {noun} in {ctx.name}"
                slug = f"shared-room-in-a-{adjective_slugs[adjective_index]}-{noun_slug}-in-{ctx.slug}"
            title = title[:120]
            slug = slug[:140].rstrip("-")

            description = self._description(
                rng, room=room, adjective=adjective.lower(), noun=noun, hood=hood_name, city=ctx.name,
                bedrooms=bedrooms, beds=beds, bathrooms=bathrooms, guests=guests, amenities=amenities,
            )  # fmt: skip
            template, streets = ctx.streets
            address = template.format(n=randrange(1, 180), street=streets[randrange(len(streets))])

            # Price: country level x city size x type x size, with log-normal spread.
            usd = ctx.price_level * _TYPE_PRICE[property_type]
            if room == _ENTIRE:
                usd *= 1 + 0.25 * max(0, bedrooms - 1)
            else:
                usd *= 0.45 if room == _PRIVATE else 0.25
            usd *= math.exp(gauss(0.0, 0.3))
            price = min(100_000, max(10, price_round(usd * ctx.usd_rate, usd_rate=ctx.usd_rate)))
            if room == _SHARED or rand() < 0.15:
                cleaning = 0
            else:
                cleaning = min(20_000, price_round(usd * (0.25 + 0.35 * rand()) * ctx.usd_rate, usd_rate=ctx.usd_rate))
            weekly = (5, 10, 10, 15, 20)[randrange(5)] if rand() < 0.35 else 0
            monthly = max(weekly + 5, (15, 20, 25, 30, 40)[randrange(5)]) if rand() < 0.25 else 0
            r = rand()
            min_nights = (
                1 if r < 0.5 else 2 if r < 0.75 else 3 if r < 0.9 else (4, 5, 7)[randrange(3)] if r < 0.985 else 30
            )
            r = rand()
            max_nights = (
                365 if r < 0.6 else 30 if r < 0.75 else 60 if r < 0.85 else 90 if r < 0.93 else 28 if r < 0.98 else 1125
            )
            if max_nights < min_nights:
                max_nights = 365

            created = self.listing_created_at(position) + int((rand() - 0.5) * step * 0.8)
            published = rand() < 0.985 or host == 0
            if published:
                published_at = min(limit, created + randrange(1800, 3 * DAY))
                status, published_text = "published", ts_text(published_at)
            else:
                published_at, status, published_text = 0, "draft", "\\N"
            created_text = ts_text(created)
            check_in = ("15:00", "15:00", "15:00", "14:00", "16:00")[randrange(5)]
            check_out = ("11:00", "11:00", "11:00", "10:00", "12:00")[randrange(5)]
            instant = rand() < 0.4
            if host == 0:
                # The demo host's first listing takes requests (the live flows need one to answer);
                # short minimum stays, so the demo's stays of a few nights fit every listing.
                instant = self.demo_positions.index(position) % 2 == 1
                min_nights, max_nights = min(min_nights, 2), max(max_nights, 30)

            self.listing_published[position] = published_at
            self.listing_price[position] = price
            self.listing_cleaning[position] = cleaning
            self.listing_min_nights[position] = min_nights
            self.listing_max_nights[position] = max_nights
            self.listing_weekly[position] = weekly
            self.listing_monthly[position] = monthly
            self.listing_guests[position] = guests
            self.listing_instant[position] = instant
            self.listing_type[position] = type_index
            self.listing_room[position] = room
            self.listing_created[position] = created

            yield (
                f"{listing_base + position + 1}\t{self.host_id(host)}\t{title}\t{slug}\t{description}\t"
                f"{property_type}\t{room_type}\t{ewkb.pack(1, 0x20000001, 4326, longitude, latitude).hex()}\t"
                f"{address}\t{hood_name}\t{ctx.name}\t{ctx.region}\t{ctx.country_code}\t{guests}\t{bedrooms}\t{beds}\t"
                f"{bathrooms}\t{{{','.join(amenities)}}}\t{house_rules[randrange(len(house_rules))]}\t{check_in}\t"
                f"{check_out}\t{ctx.currency}\t{price}\t{cleaning}\t{weekly}\t{monthly}\t{min_nights}\t{max_nights}\t"
                f"{'t' if instant else 'f'}\t{_CANCELLATION[randrange(100)]}\t{status}\t{published_text}\t"
                f"{created_text}\t{published_text if published else created_text}\t\\N\t0\t{ctx.time_zone}"
            )

    @staticmethod
    def _description(
        rng: random.Random,
        *,
        room: int,
        adjective: str,
        noun: str,
        hood: str,
        city: str,
        bedrooms: int,
        beds: int,
        bathrooms: str,
        guests: int,
        amenities: list[str],
    ) -> str:
        intro = rng.choice(words.INTROS[ROOM_TYPES[room]]).format(adj=adjective, noun=noun, hood=hood, city=city)
        if room == _ENTIRE:
            rooms = "a studio layout" if bedrooms == 0 else f"{bedrooms} bedroom{'s' if bedrooms > 1 else ''}"
            baths = "1 bathroom" if bathrooms == "1.0" else f"{bathrooms.removesuffix('.0')} bathrooms"
            space = (
                f"The {noun} has {rooms}, {beds} bed{'s' if beds > 1 else ''} and {baths}, and sleeps up to {guests}."
            )
        elif room == _PRIVATE:
            space = (
                f"The room has {beds} bed{'s' if beds > 1 else ''} and sleeps up to {guests}; the bathroom is shared."
            )
        else:
            space = "The room has bunk beds; the bathroom and kitchen are shared."
        sentences = [words.FEATURE_SENTENCES[code] for code in amenities if code in words.FEATURE_SENTENCES]
        if len(sentences) > 3:
            start = rng.randrange(len(sentences))
            sentences = [sentences[(start + k) % len(sentences)] for k in range(3)]
        area = rng.choice(words.AREA_SENTENCES).format(
            hood=hood, city=city, things=rng.choice(words.AREA_THINGS), minutes=rng.randrange(5, 35, 5)
        )
        closing = rng.choice(words.CLOSINGS).format(city=city)
        paragraphs = [f"{intro} {space}", " ".join(sentences), f"{area} {closing}"]
        return "\\n\\n".join(p for p in paragraphs if p)

    # --- photos -------------------------------------------------------------------

    PHOTO_COLUMNS = (
        "listing_id", "image", "width", "height", "image_thumb", "image_card", "image_full", "caption", "position",
        "created_at",
    )  # fmt: skip

    def photo_lines(self) -> Iterator[str]:
        """1-5 photos per listing, pointing at the shared image pool; exterior first for whole places."""
        rng = random.Random(f"{self.seed}:photos")
        rand, randrange = rng.random, rng.randrange
        by_style: dict[str, list[str]] = {}
        for photo in self.photo_pool:
            variants = "\t".join(photo.variant_name(variant) for variant in ("thumb", "card", "full"))
            by_style.setdefault(photo.style, []).append(f"{photo.name}\t{photo.width}\t{photo.height}\t{variants}")
        captions = words.PHOTO_CAPTIONS
        exterior_captions = {t: [copy_escape(c.format(noun=t)) for c in captions["exterior"]] for t in PROPERTY_TYPES}
        listing_base = self.ids.listing
        counts_cum = list(accumulate((10, 15, 25, 25, 25)))
        for position in range(self.size):
            count = bisect(counts_cum, rand() * 100) + 1
            property_type = PROPERTY_TYPES[self.listing_type[position]]
            exterior = _PHOTO_STYLE[property_type]
            if self.listing_room[position] == _ENTIRE:
                sequence = (exterior, "living-room", "bedroom", "kitchen", "bedroom")
            else:
                sequence = ("bedroom", exterior, "living-room", "kitchen", "bedroom")
            listing_id = listing_base + position + 1
            created = ts_text(self.listing_created[position])
            bedrooms_seen = 0
            for index in range(count):
                style = sequence[index]
                images = by_style[style]
                if style == "bedroom":
                    if self.listing_room[position] != _ENTIRE:
                        caption = "Your room" if bedrooms_seen == 0 else "Bedroom"
                    else:
                        caption = "Main bedroom" if bedrooms_seen == 0 and rand() < 0.5 else "Bedroom"
                        if bedrooms_seen:
                            caption = "Second bedroom"
                    bedrooms_seen += 1
                elif style in captions:
                    caption = captions[style][randrange(len(captions[style]))]
                else:
                    options = exterior_captions[property_type]
                    caption = options[randrange(len(options))]
                yield f"{listing_id}\t{images[randrange(len(images))]}\t{caption}\t{index}\t{created}"
