"""The results page: server-rendered results, filters with counts, map data, inline errors."""

import datetime as dt
import json
import re
from decimal import Decimal
from html import unescape

import pytest
from django.contrib.gis.geos import Point

from listings.models import ListingStatus
from tests.listings.factories import ListingFactory

from .conftest import in_paris

pytestmark = pytest.mark.django_db
AFTER_CHECKIN = "Check-out must be after check-in."


def card_titles(response) -> list[str]:
    return re.findall(r'class="card__link" href="[^"]+">([^<]+)</a>', response.content.decode())


def future(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


def test_results_page_shows_cards_with_stay_totals_and_keeps_the_search(client):
    in_paris(title="Loft on the Seine", base_price=Decimal("95"), cleaning_fee=Decimal("0"), max_guests=3)
    ListingFactory(title="Lyon flat", location=Point(4.8357, 45.764, srid=4326))
    in_paris(title="Draft", status=ListingStatus.DRAFT)
    checkin, checkout = future(29), future(31)  # whatever the weekday, two nights
    response = client.get("/search/", {"q": "paris", "guests": "2", "checkin": checkin, "checkout": checkout})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="results-heading">Stays in Paris</h1>' in html
    assert "1 stay in Paris, France" in html
    assert card_titles(response) == ["Loft on the Seine"]
    assert " total</span>" in html and "fees included" in html
    assert 'value="paris"' in html and f'value="{checkin}"' in html and f'value="{checkout}"' in html
    assert 'name="guests" value="2"' in html
    data = json.loads(unescape(re.search(r'<div hidden id="search-data" data-json="([^"]*)"', html).group(1)))
    assert data["count"] == 1 and data["results"][0]["title"] == "Loft on the Seine"


def test_sidebar_counts_and_checked_filters(client):
    in_paris(room_type="entire", amenities=["wifi"])
    in_paris(room_type="private", amenities=["wifi", "pool"])
    html = client.get("/search/", {"q": "Paris", "room_type": "private"}).content.decode()
    assert re.search(
        r'value="private" checked> <label for="room_type-private">Private room</label> '
        r'<span class="filter-count">1</span>',
        html,
    )
    assert re.search(
        r'value="entire"> <label for="room_type-entire">Entire place</label> <span class="filter-count">1</span>', html
    )
    assert re.search(r'value="pool"> <label for="amenity-pool">Pool</label> <span class="filter-count">1</span>', html)
    assert 'class="histogram"' in html


def test_place_in_the_path(client):
    in_paris(title="Canal flat")
    response = client.get("/s/Paris/")
    assert card_titles(response) == ["Canal flat"]


def test_unknown_place_is_a_friendly_message(client):
    html = client.get("/search/", {"q": "Xyzzyville"}).content.decode()
    assert "We couldn't find a place called “Xyzzyville”" in html
    assert 'href="/search/?q=Lisbon"' in html


def test_empty_search_page_shows_the_form(client):
    html = client.get("/search/").content.decode()
    assert '<h1 id="results-heading">Search stays</h1>' in html
    assert "field-error" not in html


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"q": "Paris", "guests": "abc"}, "guests", "Enter the number of guests, from 1 to 16."),
        ({"q": "Paris", "guests": "17"}, "guests", "At most 16 guests."),
        ({"q": "Paris", "checkin": future(10), "checkout": future(5)}, "checkout", AFTER_CHECKIN),
        (
            {"q": "Paris", "checkin": "2020-01-01", "checkout": future(5)},
            "checkin",
            "Check-in can&#x27;t be in the past.",
        ),
        ({"q": "Paris", "checkin": future(3)}, "checkout", "Add a check-out date, or clear check-in."),
        ({"guests": "2"}, "q", "Enter a city to search, for example Paris."),
        (
            {"q": "Paris", "price_min": "9", "price_max": "1"},
            "price_max",
            "The maximum price must be at least the minimum price.",
        ),
    ],
)
def test_bad_parameters_are_inline_errors_not_500(client, params, field, message):
    in_paris(title="Should not show")
    response = client.get("/search/", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<a href="#{field}">' in html and message in html
    assert card_titles(response) == []


def test_pagination_keeps_the_query_string(client):
    for number in range(23):
        in_paris(title=f"Flat {number:02d}", max_guests=3)
    response = client.get("/search/", {"q": "Paris", "guests": "2", "sort": "newest"})
    assert len(card_titles(response)) == 20
    html = response.content.decode()
    assert "23 stays" in html
    next_link = re.search(r'<a class="pagination__step" href="([^"]+)" rel="next">', html).group(1)
    assert "page=2" in next_link and "sort=newest" in next_link and "guests=2" in next_link
    second = client.get("/search/" + next_link.replace("&amp;", "&"))
    assert len(card_titles(second)) == 3
    assert set(card_titles(response)).isdisjoint(card_titles(second))


def test_page_loads_the_map_and_script_without_inline_code(client):
    in_paris()
    html = client.get("/search/", {"q": "Paris"}).content.decode()
    assert "vendor/leaflet/leaflet.js" in html and "js/search.js" in html and "css/search.css" in html
    assert not re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)  # no inline code (CSP script-src 'self')
    assert 'id="search-map"' in html


def test_results_page_query_count_does_not_grow_with_the_results(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    params = {"q": "Paris", "checkin": future(5), "checkout": future(8)}

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/search/", params).status_code == 200
        return len(captured)

    in_paris()
    client.get("/search/", params)  # warm the place cache
    one = queries()
    for _ in range(15):
        in_paris()
    assert queries() == one <= 12


@pytest.mark.django_db
def test_dated_search_of_a_place_feeds_demand_signals(client):
    import datetime as dt

    from django.utils import timezone

    from pricing.models import AreaSearchDay
    from pricing.services.demand import demand_signals_flush

    check_in = timezone.localdate() + dt.timedelta(days=30)
    response = client.get(
        "/search/",
        {
            "q": "Paris",
            "checkin": check_in.isoformat(),
            "checkout": (check_in + dt.timedelta(days=2)).isoformat(),
            "guests": 2,
        },
    )
    assert response.status_code == 200
    demand_signals_flush()
    nights = set(AreaSearchDay.objects.values_list("night", flat=True))
    assert nights == {check_in, check_in + dt.timedelta(days=1)}


# --- The results page's layout, prices and map settings (issue 14) ----------------------------------


def search_data(html: str) -> dict:
    return json.loads(unescape(re.search(r'<div hidden id="search-data" data-json="([^"]*)"', html).group(1)))


def test_results_are_a_grid_with_filters_behind_a_button_and_a_map_toggle(client):
    in_paris(title="Loft", room_type="private", instant_book=True)
    in_paris(title="Flat", room_type="entire")
    html = client.get("/search/", {"q": "Paris"}).content.decode()
    assert '<ul class="card-grid search-cards" role="list">' in html
    # Filters: a <details> panel in the form (opens without JavaScript), closed, without a count.
    filters = re.search(r'<details class="search-filters" id="search-filters" data-filters>(.*?)</details>', html, re.S)
    assert filters, "the filters are not behind a Filters button"
    assert re.search(r'<summary class="filters-button">.*<span>Filters</span>', filters.group(1), re.S)
    assert 'name="room_type" value="private"' in filters.group(1)
    assert re.search(r"<button type=\"submit\"[^>]*data-filters-apply>Show 2 stays</button>", filters.group(1))
    assert '<span class="filters-button__count" data-filters-count hidden></span>' in html
    # The phone's floating Map / List button, shown by the script.
    assert re.search(
        r'<button type="button" class="map-toggle" data-map-toggle aria-controls="search-map" hidden>', html
    )
    # Two filters set: the button says so, and the sheet counts what they leave.
    html = client.get("/search/", {"q": "Paris", "room_type": "private", "instant_book": "1"}).content.decode()
    assert 'data-filters-count><span aria-hidden="true">2</span><span class="visually-hidden">(2 active)</span>' in html
    assert "Show 1 stay</button>" in html


def test_cards_show_whole_units_rounded_half_up_while_the_data_keeps_the_cents(client):
    in_paris(title="Half", base_price=Decimal("366.50"), cleaning_fee=Decimal("0"))
    in_paris(title="Below half", base_price=Decimal("120.49"), cleaning_fee=Decimal("0"))
    html = client.get("/search/", {"q": "Paris"}).content.decode()
    assert "€367</strong> night" in html  # half up, not to even (366)
    assert "€120</strong> night" in html
    assert "366.50" not in html.split('id="search-data"')[0] and "€120.49" not in html
    # The map's pins are drawn from the page's data: exact amounts, rounded by search.js's money().
    nightly = {item["title"]: item["price"]["nightly"] for item in search_data(html)["results"]}
    assert nightly == {"Half": "366.50", "Below half": "120.49"}


def test_dated_cards_show_the_total_in_whole_units(client):
    from pricing.selectors import price_quote

    listing = in_paris(title="Loft", base_price=Decimal("95.00"), cleaning_fee=Decimal("25.00"), max_guests=3)
    checkin, checkout = dt.date.today() + dt.timedelta(days=40), dt.date.today() + dt.timedelta(days=43)
    quote = price_quote(listing=listing, check_in=checkin, check_out=checkout, guests=1)
    assert quote.total != quote.total.quantize(Decimal(1))  # the service fee makes cents
    html = client.get("/search/", {"q": "Paris", "checkin": checkin, "checkout": checkout}).content.decode()
    whole = quote.total.quantize(Decimal(1), rounding="ROUND_HALF_UP")
    assert f'<span class="card__total">€{whole:,} total</span>' in html
    assert f"{quote.total:,}" not in html.split('id="search-data"')[0]


def test_home_cards_show_whole_units(client):
    in_paris(title="Rated", base_price=Decimal("89.50"), rating_count=3, rating_avg=Decimal("4.8"))
    html = client.get("/").content.decode()
    assert "€90</strong> night" in html and "89.50" not in html


def test_map_tiles_off_in_tests_and_configurable(client, settings):
    in_paris()
    html = client.get("/search/", {"q": "Paris"}).content.decode()
    assert 'data-tile-url=""' in html  # test settings: no tile is ever requested
    assert "vendor/leaflet.markercluster/leaflet.markercluster.js" in html
    assert "vendor/leaflet.markercluster/MarkerCluster.css" in html
    settings.SEARCH_MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    settings.SEARCH_MAP_TILE_ATTRIBUTION = settings.OSM_TILE_ATTRIBUTION
    html = client.get("/search/", {"q": "Paris"}).content.decode()
    assert 'data-tile-url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in html
    assert (
        'data-attribution="&amp;copy; &lt;a href=&quot;https://www.openstreetmap.org/copyright&quot;&gt;'
        'OpenStreetMap&lt;/a&gt; contributors"'
    ) in html


@pytest.mark.parametrize(
    "value, url, in_policy",
    [
        (
            None,
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "img-src 'self' data: blob: https://tile.openstreetmap.org;",
        ),
        ("off", "", "img-src 'self' data: blob:;"),
        ("", "", "img-src 'self' data: blob:;"),
        (
            "https://{s}.tiles.example.org/{z}/{x}/{y}.png",
            "https://{s}.tiles.example.org/{z}/{x}/{y}.png",
            "https://*.tiles.example.org;",
        ),
    ],
)
def test_tile_settings_default_to_openstreetmap_switch_off_and_open_the_csp(value, url, in_policy):
    """``airbnb/settings/base.py`` read with SEARCH_MAP_TILE_URL unset, "off", empty or another server."""
    import os
    import subprocess
    import sys

    env = {key: item for key, item in os.environ.items() if not key.startswith("SEARCH_MAP_TILE")}
    if value is not None:
        env["SEARCH_MAP_TILE_URL"] = value
    code = (
        "import json; from airbnb.settings import base as s; "
        "print(json.dumps([s.SEARCH_MAP_TILE_URL, s.SEARCH_MAP_TILE_ATTRIBUTION, s.CONTENT_SECURITY_POLICY]))"
    )
    answer = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    tile_url, attribution, policy = json.loads(answer.stdout)
    assert tile_url == url
    assert in_policy in policy
    assert ("OpenStreetMap</a> contributors" in attribution) == (value is None)


def test_card_photos_offer_the_resized_variants(client):
    from tests.listings.factories import ListingPhotoFactory

    photo = ListingPhotoFactory(listing=in_paris(title="Loft"), caption="The loft", width=640, height=480)
    type(photo).objects.filter(pk=photo.pk).update(image_thumb="listings/thumb.webp", image_card="listings/card.webp")
    html = client.get("/search/", {"q": "Paris"}).content.decode()
    img = re.search(r'<img src="([^"]+)" srcset="([^"]+)" sizes="([^"]+)" alt="The loft"', html)
    assert img, "the card's photo has no srcset"
    assert img.group(1).endswith("listings/card.webp")
    assert img.group(2) == "/media/listings/thumb.webp 320w, /media/listings/card.webp 640w"
    # search.js redraws cards from the same data: the variants are in it too.
    assert search_data(html)["results"][0]["photos"][0]["srcset"] == img.group(2)


def test_card_photos_with_variants_cost_no_query_per_photo(client):
    """The cards' srcset reads the variant names: they are loaded with the photos, not one query each."""
    from tests.listings.factories import ListingPhotoFactory

    def page_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get("/search/", {"q": "Paris"}).status_code == 200
        return len(captured)

    def listing_with_photos(title: str) -> None:
        listing = in_paris(title=title)
        for position in range(3):
            photo = ListingPhotoFactory(listing=listing, position=position, width=1200, height=800)
            type(photo).objects.filter(pk=photo.pk).update(
                image_thumb=f"listings/{photo.pk}-thumb.webp",
                image_card=f"listings/{photo.pk}-card.webp",
                image_full=f"listings/{photo.pk}-full.webp",
            )

    listing_with_photos("First")
    page_queries()  # warms what the page caches (place lookups)
    few = page_queries()
    for index in range(4):
        listing_with_photos(f"More {index}")
    page_queries()
    assert page_queries() == few  # 12 more photos, not a query more


def test_cards_carry_the_first_five_photos_in_order(client):
    """A host with many photos: the card's carousel has the first five by position, the page's cover is the first."""
    from tests.listings.factories import ListingPhotoFactory

    listing = in_paris(title="Many photos")
    photos = {}
    for position in (6, 2, 0, 5, 1, 3, 4):  # created out of order
        photos[position] = ListingPhotoFactory(listing=listing, position=position, caption=f"p{position}")
    html = client.get("/search/", {"q": "Paris"}).content.decode()
    carousel = search_data(html)["results"][0]["photos"]
    assert [photo["caption"] for photo in carousel] == ["p0", "p1", "p2", "p3", "p4"]
    assert carousel[0]["url"] == photos[0].image.url
    assert re.search(r'<img src="[^"]+"[^>]* alt="p0"', html), "the cover is not the first photo"
    api = client.get("/api/v1/search/", {"q": "Paris"}).json()["results"][0]["photos"]
    assert api == carousel


def test_a_typo_shows_results_for_the_correction_with_a_way_back(client):
    page = client.get("/search/", {"q": "Olso", "guests": "2"}).content.decode()
    assert "Stays in Oslo" in page
    assert "Showing results for <strong>Oslo</strong>" in page
    link = re.search(r'<a href="([^"]+)" data-exact-place>Search instead for Olso</a>', page)
    assert link is not None
    back = client.get(unescape(link.group(1))).content.decode()
    assert "couldn't find a place called “Olso”" in back and "Showing results for" not in back
    exact = client.get("/search/", {"q": "Oslo"}).content.decode()
    assert "Stays in Oslo" in exact and "Showing results for" not in exact
