"""The recall oracle: every word of every title finds its listing.

A world of titles written the way hosts write them (slashes, ampersands, plus
signs, pipes, middle dots, dashes, emoji, numbers glued to units, e-mail- and
URL-like tokens, decimals, accents in either Unicode form) is created through
the ORM, each listing alone in its own small box (around its public point, where
the map shows it). Then, through the public API,
each title is searched in its box by every token as a guest would type it
("w/balcony") and by every word inside those tokens ("balcony"); every search
must return the listing. A brute-force answer needs no SQL: the listing is the
only one in its box, so "found" means the result list holds it.
"""

from __future__ import annotations

import random
import re
import unicodedata

import pytest
from django.contrib.gis.geos import Point

from tests.listings.factories import ListingFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/search/"
# South Atlantic, far from every other test's listings.
WEST, SOUTH = -30.0, -52.0
STEP = 0.05  # degrees between listings; each search box is 0.01 wide

WORDS = (
    "balcony", "balkong", "parking", "metro", "studio", "loft", "garden", "terrace", "harbour", "fjord",
    "Storo", "Sandaker", "Nordic", "Japanese", "Grünerløkka", "Frogner", "Majorstuen", "sauna", "view",
    "kitchen", "bright", "quiet", "family", "rooftop", "Café", "Ærlig", "Straße", "Tøyen", "cosy", "modern",
)  # fmt: skip
SEPARATORS = (
    "/", "&", "+", "|", "·", "—", "–", "-", "_", "~", "•", ",", ".", ":", ";", "=", "*", "#", "@",
    "🏖", "✨", "❤️", "👉",
)  # fmt: skip
GLUED = ("90sqm", "4PPL", "2BR", "50m²", "m2", "1.5bath", "24/7", "wi-fi", "e-mail", "self-check-in", "3rd", "T2")
HOSTILE = (
    "w/balcony", "m/balkong", "w/parking", "Storo/Sandaker", "Nordic/Japanese", "center/high-end", "studio/4PPL",
    "B&B", "A+B", "sea|view", "bed·breakfast", "www.oslo-flat.no", "https://example.com/flat", "host@flat.no",
    "(90 sqm)", "[new]", "{top}", "\"quiet\"", "'cosy'", "«Tøyen»", "2.5", "1,5", "10%", "€90", "#1", "no.7",
)  # fmt: skip


def _title(rng: random.Random, n: int) -> str:
    parts: list[str] = []
    for _ in range(rng.randint(2, 4)):
        kind = rng.random()
        if kind < 0.35:
            parts.append(rng.choice(WORDS) + rng.choice(SEPARATORS) + rng.choice(WORDS))
        elif kind < 0.55:
            parts.append(rng.choice(GLUED))
        elif kind < 0.8:
            parts.append(rng.choice(HOSTILE))
        else:
            parts.append(rng.choice(SEPARATORS) + rng.choice(WORDS))
    title = " ".join(parts)
    if n % 5 == 0:  # the same letters decomposed (e + combining accent), as some keyboards send them
        title = unicodedata.normalize("NFD", title)
    return title[:100]


def _queries(title: str) -> set[str]:
    """What a guest might type for this title: each token as written and each word in it.

    A word is a run of letters and digits of the composed text: "Grünerløkka" stays one word
    when the title spells its "ü" as "u" plus a combining diaeresis.
    """
    queries = set()
    for token in title.split():
        if re.search(r"[^\W_]", token):
            queries.add(token)
        queries.update(re.findall(r"[^\W_]+", unicodedata.normalize("NFC", token)))
    return queries


@pytest.mark.parametrize("seed", [1, 2])
def test_every_word_of_every_title_finds_its_listing(api_client, seed):
    rng = random.Random(seed)
    listings = []
    for n in range(60):
        row, column = divmod(n, 10)
        lng, lat = WEST + column * STEP + seed, SOUTH + row * STEP
        listing = ListingFactory(title=_title(rng, n), location=Point(lng, lat, srid=4326), description="")
        listing.refresh_from_db(fields=["public_location"])
        # The box around the point the map shows (search filters by it, 250-700 m from the home).
        listings.append((listing, listing.public_location.x, listing.public_location.y))
    misses = []
    searches = 0
    for listing, lng, lat in listings:
        bbox = f"{lng - 0.005},{lat - 0.005},{lng + 0.005},{lat + 0.005}"
        for query in sorted(_queries(listing.title)):
            response = api_client.get(URL, {"text": query, "bbox": bbox})
            assert response.status_code == 200, (query, response.content)
            searches += 1
            if listing.pk not in [card["id"] for card in response.json()["results"]]:
                misses.append((listing.title, query))
    assert searches > 300
    assert misses == []
