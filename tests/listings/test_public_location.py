"""One public point per listing (issue 17, item 4).

Every public surface (search results and pins, the search page's data, the
listing page's map circle, the listings API) shows the same point: 250-700 m
from the home, stable over time and across unrelated edits, moving with the home,
and never anything finer. Search filters by it too, so shrinking a map box
cannot find the home. The exact point and address stay with the host and guests
with a confirmed stay.
"""

from __future__ import annotations

import html
import json
import math
import re

import pytest
from django.contrib.gis.geos import Point
from django.db import connection

from listings.models import Listing
from listings.services.listing import listing_update
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import book
from tests.listings.conftest import logged_in
from tests.listings.factories import ListingFactory, ListingPhotoFactory

pytestmark = pytest.mark.django_db

# Nowhere near other tests' listings: a search box here finds only this file's listings.
HOME = Point(-35.5, -60.25, srid=4326)


def metres(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Distance(ST_MakePoint(%s, %s)::geography, ST_MakePoint(%s, %s)::geography)",
            [lng1, lat1, lng2, lat2],
        )
        return cursor.fetchone()[0]


def surfaces(client, listing: Listing) -> dict[str, tuple[float, float]]:
    """The point each public surface shows for ``listing``."""
    found = {}
    box = f"{HOME.x - 0.05},{HOME.y - 0.05},{HOME.x + 0.05},{HOME.y + 0.05}"
    cards = client.get("/api/v1/search/", {"bbox": box}).json()["results"]
    card = next(card for card in cards if card["id"] == listing.pk)
    found["search api"] = (card["location"]["lat"], card["location"]["lng"])
    page = client.get("/search/", {"bbox": box}).content.decode()
    payload = json.loads(html.unescape(re.search(r'id="search-data" data-json="([^"]*)"', page)[1]))
    card = next(card for card in payload["results"] if card["id"] == listing.pk)
    found["search page"] = (card["location"]["lat"], card["location"]["lng"])
    detail = client.get(listing.get_absolute_url(), follow=True).content.decode()  # the title may have changed
    circle = re.search(r'data-lat="([-\d.]+)" data-lng="([-\d.]+)" data-radius="\d+"', detail)
    found["listing page"] = (float(circle[1]), float(circle[2]))
    body = client.get(f"/api/v1/listings/{listing.pk}/").json()
    found["listings api"] = (body["approximate_location"]["lat"], body["approximate_location"]["lng"])
    return found


def published(**fields) -> Listing:
    listing = ListingFactory(
        location=fields.pop("location", HOME), address="7 Secret Lane", instant_book=True, **fields
    )
    ListingPhotoFactory(listing=listing, position=0)
    return listing


def test_every_surface_shows_the_same_point_250_to_700_m_from_the_home(client):
    listing = published()
    points = surfaces(client, listing)
    assert len(set(points.values())) == 1, points
    lat, lng = points["search api"]
    assert 249 <= metres(lat, lng, HOME.y, HOME.x) <= 701
    assert surfaces(client, listing) == points  # the same on every call


def test_distances_are_250_to_700_m_in_every_direction_for_many_listings():
    listings = [published(location=Point(HOME.x + k * 0.01, HOME.y, srid=4326)) for k in range(150)]
    rows = Listing.objects.filter(pk__in=[x.pk for x in listings]).values_list("location", "public_location")
    distances, bearings = [], []
    for home, public in rows:
        distances.append(metres(public.y, public.x, home.y, home.x))
        bearings.append(math.atan2(public.y - home.y, (public.x - home.x) * math.cos(math.radians(home.y))))
    assert 249.9 <= min(distances) and max(distances) <= 700.1
    assert max(distances) - min(distances) > 300  # spread over the range, not one fixed distance
    quadrants = {int((bearing + math.pi) // (math.pi / 2)) for bearing in bearings}
    assert len(quadrants) == 4  # and over every direction


def test_stable_after_an_unrelated_edit_and_moved_with_the_home(client):
    listing = published()
    before = surfaces(client, listing)["search api"]
    listing_update(listing=listing, actor=listing.host, title="A new title, same home")
    assert surfaces(client, listing)["search api"] == before
    listing_update(listing=listing, actor=listing.host, location=Point(HOME.x + 0.01, HOME.y + 0.005, srid=4326))
    moved = surfaces(client, listing)
    assert len(set(moved.values())) == 1
    lat, lng = moved["search api"]
    assert (lat, lng) != before
    assert 249 <= metres(lat, lng, HOME.y + 0.005, HOME.x + 0.01) <= 701
    # The offset is the listing's own: the point moved exactly as the home did (old and new say no more).
    assert lat - before[0] == pytest.approx(0.005, abs=2e-5)


def test_a_map_box_around_the_home_but_not_the_point_does_not_find_it(api_client):
    """With the home behind the filters, shrinking the box would locate it to a metre in ~40 searches."""
    listing = published()
    listing.refresh_from_db()
    public = listing.public_location
    tight = 0.0005  # ~55 m
    around_home = f"{HOME.x - tight},{HOME.y - tight},{HOME.x + tight},{HOME.y + tight}"
    around_point = f"{public.x - tight},{public.y - tight},{public.x + tight},{public.y + tight}"
    assert api_client.get("/api/v1/search/", {"bbox": around_home}).json()["results"] == []
    assert [c["id"] for c in api_client.get("/api/v1/search/", {"bbox": around_point}).json()["results"]] == [
        listing.pk
    ]
    near_home = api_client.get("/api/v1/search/", {"lat": HOME.y, "lng": HOME.x, "radius_km": "0.2"}).json()
    assert near_home["results"] == []


def test_nothing_public_shows_the_home_only_the_host_and_a_confirmed_guest_see_it(client):
    listing = published()
    home_lat, home_lng = f"{HOME.y:.4f}", f"{HOME.x:.4f}"
    stranger_pages = [
        client.get(listing.get_absolute_url()).content.decode(),
        client.get(f"/api/v1/listings/{listing.pk}/").content.decode(),
        client.get(
            "/api/v1/search/", {"bbox": f"{HOME.x - 0.05},{HOME.y - 0.05},{HOME.x + 0.05},{HOME.y + 0.05}"}
        ).content.decode(),
    ]
    for body in stranger_pages:
        assert home_lat not in body and home_lng not in body and "7 Secret Lane" not in body
    guest = UserFactory()
    assert book(guest=guest, listing=listing, start=10, nights=2).status == "confirmed"
    assert "7 Secret Lane" in logged_in(guest).get(listing.get_absolute_url()).content.decode()
    assert home_lat in logged_in(listing.host).get(listing.get_absolute_url()).content.decode()
    other = UserFactory()
    assert "7 Secret Lane" not in logged_in(other).get(listing.get_absolute_url()).content.decode()
