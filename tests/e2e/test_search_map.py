"""The search map in the browser: tiles that cannot load, tiles that do, no tiles; clusters, whole-unit pins,
card and pin highlighted together, the phone's Map / List button, the listing page's map, and the place
typo notice ("Showing results for Oslo") kept up to date by the script.

No test touches the network: the tile server is ``tiles.invalid`` (a name that never resolves), and
Playwright answers or refuses its requests before they leave the browser.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.contrib.gis.geos import Point
from playwright.sync_api import expect

from pricing.selectors import price_quote
from tests.listings.factories import ListingFactory

from .browser import Tab
from .world import day, money_value, paris_listing, paris_world, person, pin_at

TILE_HOST = "http://tiles.invalid"
TILE_URL = TILE_HOST + "/{z}/{x}/{y}.png"
# A 1x1 transparent PNG: what a reachable tile server answers in these tests.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002"
    "000001e221bc330000000049454e44ae426082"
)
PIN_TEXTS_JS = "() => [...document.querySelectorAll('#search-map .price-pin')].map((pin) => pin.textContent)"
CLUSTER_SIZES_JS = (
    "() => [...document.querySelectorAll('#search-map .price-cluster')].map((c) => Number(c.textContent))"
)


@pytest.fixture
def tiles_at_test_host(settings):
    """Tiles from ``tiles.invalid``, allowed by the page's CSP like any configured tile host."""
    settings.SEARCH_MAP_TILE_URL = TILE_URL
    settings.SEARCH_MAP_TILE_ATTRIBUTION = "Test tiles"
    settings.CONTENT_SECURITY_POLICY = settings.CONTENT_SECURITY_POLICY.replace(
        "img-src 'self' data: blob:", f"img-src 'self' data: blob: {TILE_HOST}"
    )


def tile_requests(tab: Tab, *, reachable: bool) -> list[str]:
    """Route the tile host: answer with a PNG, or fail as an offline browser does. Returns the requested URLs."""
    requested: list[str] = []

    def handle(route):
        requested.append(route.request.url)
        if reachable:
            route.fulfill(status=200, content_type="image/png", body=PNG)
        else:
            route.abort("internetdisconnected")

    tab.context.route(TILE_HOST + "/**", handle)
    return requested


def forget_tile_failures(tab: Tab) -> list[str]:
    """The browser reports each refused tile as a failed request and a console error: expected here."""
    failures = [p for p in tab.problems if "tiles.invalid" in p or "ERR_INTERNET_DISCONNECTED" in p]
    tab.problems[:] = [p for p in tab.problems if p not in failures]
    return failures


def open_search(tab: Tab, query: str) -> None:
    """Open the results page and wait for the map's pins (search.js draws them after load)."""
    response = tab.page.goto(query)
    assert response is not None and response.ok
    expect(tab.page.locator("#search-map .price-pin-icon, #search-map .price-cluster-icon").first).to_be_visible()


def pins_shown(tab: Tab) -> int:
    """Listings on the map: single pins plus the homes counted in cluster bubbles."""
    return len(tab.page.evaluate(PIN_TEXTS_JS)) + sum(tab.page.evaluate(CLUSTER_SIZES_JS))


def test_unreachable_tiles_fall_back_to_the_offline_drawing_with_pins_and_one_failed_request(
    open_tab, tiles_at_test_host
):
    host = person("Hugo", "hugo@example.com")
    listings = paris_world(host)
    # Three flats whose pins sit within metres of each other: a bubble of 3 at any zoom the results are
    # framed at. (Each listing's pin is its own public point, so flats of one building do not share one.)
    trio = [paris_listing(host=host, title=f"Flat {letter} on the Rue Cler") for letter in "ABC"]
    for flat, (dx, dy) in zip(trio, ((0, 0), (0.0003, 0.0001), (0.0001, 0.0003)), strict=True):
        pin_at(flat, offset=(-0.02 + dx, -0.02 + dy))
    results = len(listings) + len(trio)
    check_in, check_out = day(30), day(33)
    tab = open_tab("guest")
    page = tab.page
    requested = tile_requests(tab, reachable=False)

    open_search(tab, f"/search/?q=Paris&checkin={check_in}&checkout={check_out}&guests=2")
    box = page.locator("#search-map")
    expect(box).to_have_class(re.compile(r"\bis-offline\b"))
    # The offline drawing fills the map, no tile layer was added, and one probe tile was all it cost.
    expect(box.locator(".map-grid-tile").first).to_be_visible()
    assert box.locator("img.leaflet-tile").count() == 0
    assert len(requested) == 1
    assert forget_tile_failures(tab)  # the refused probe, reported by the browser
    tab.audit()

    # Every result is on the map, as a price pin or inside a cluster bubble; the building is a bubble of 3.
    assert page.locator(".search-cards > li").count() == results
    assert pins_shown(tab) == results
    assert 3 in page.evaluate(CLUSTER_SIZES_JS)
    # Pins show whole units: the room's stay total (fees make cents) rounded half up, as on its card.
    room = listings["room"]
    quote = price_quote(listing=room, check_in=check_in, check_out=check_out, guests=2)
    whole = quote.total.quantize(Decimal(1), ROUND_HALF_UP)
    assert quote.total != whole
    pin_texts = page.evaluate(PIN_TEXTS_JS)
    assert pin_texts and all(re.fullmatch(r"€\d[\d,]*", text) for text in pin_texts), pin_texts
    assert f"€{whole:,}" in pin_texts
    card = page.locator(f'.search-cards > li[data-listing-id="{room.pk}"]')
    assert money_value(card.locator(".card__total").inner_text()) == whole

    # Hovering a card darkens its pin; leaving it clears that; keyboard focus does the same.
    active = page.locator("#search-map .price-pin-icon.is-active, #search-map .price-cluster-icon.is-active")
    card.hover()
    expect(active).to_have_count(1)
    expect(box.locator(".price-pin-icon.is-active .price-pin")).to_have_text(f"€{whole:,}")
    page.locator("[data-summary]").hover()
    expect(active).to_have_count(0)
    card.locator("a.card__link").focus()
    expect(active).to_have_count(1)
    # A card whose pin is in a bubble darkens the bubble.
    page.locator(f'.search-cards > li[data-listing-id="{trio[0].pk}"]').hover()
    expect(box.locator(".price-cluster-icon.is-active .price-cluster")).to_have_text("3")
    # Hovering a pin highlights its card.
    box.locator(".price-pin-icon", has_text=f"€{whole:,}").hover()
    expect(page.locator(".search-cards > li.is-highlighted")).to_have_count(1)
    expect(page.locator(".search-cards > li.is-highlighted")).to_have_attribute("data-listing-id", str(room.pk))
    page.locator("[data-summary]").hover()
    expect(page.locator(".search-cards > li.is-highlighted")).to_have_count(0)
    # Reaching the pin with the keyboard does the same.
    box.locator(".price-pin-icon", has_text=f"€{whole:,}").focus()
    expect(page.locator(".search-cards > li.is-highlighted")).to_have_attribute("data-listing-id", str(room.pk))

    # A click on the bubble zooms in (or spreads its pins): three more price pins, no tile request.
    page.locator("[data-follow-map]").uncheck()
    box.locator(".price-cluster-icon", has_text="3").click()
    expect(box.locator(".price-cluster", has_text="3")).to_have_count(0)
    pin_texts = page.evaluate(PIN_TEXTS_JS)
    assert len(pin_texts) >= 3 and all(re.fullmatch(r"€\d[\d,]*", text) for text in pin_texts), pin_texts
    assert len(requested) == 1

    # A filter after the fallback redraws the pins (the cluster group needs a finite max zoom).
    page.locator("[data-filters] > summary").click()
    page.get_by_label("Private room").check()
    expect(page.locator("[data-summary]")).to_have_text(re.compile(r"^2 stays"))
    page.get_by_role("button", name="Show 2 stays").click()
    expect(page.locator(".search-cards > li")).to_have_count(2)
    tab.audit()
    page.locator("[data-follow-map]").check()
    page.locator(".leaflet-control-zoom-out").click()  # searches the map area again
    expect(page.locator("[data-summary]")).to_contain_text("map area")
    assert len(requested) == 1
    tab.audit()


def test_reachable_tiles_are_drawn_with_their_attribution(open_tab, tiles_at_test_host):
    paris_world(person("Hugo", "hugo@example.com"))
    tab = open_tab("guest")
    requested = tile_requests(tab, reachable=True)
    open_search(tab, "/search/?q=Paris")
    box = tab.page.locator("#search-map")
    expect(box.locator("img.leaflet-tile-loaded").first).to_be_attached()
    expect(box).not_to_have_class(re.compile(r"\bis-offline\b"))
    expect(box.locator(".leaflet-control-attribution")).to_contain_text("Test tiles")
    assert requested and all(url.startswith(TILE_HOST + "/") for url in requested)
    tab.audit()


def test_without_tiles_the_map_asks_no_tile_server(open_tab):
    """Test settings switch tiles off: the drawing, the pins, and not one request off the test server."""
    paris_world(person("Hugo", "hugo@example.com"))
    tab = open_tab("guest")
    elsewhere: list[str] = []
    tab.page.on(
        "request", lambda request: None if request.url.startswith(tab.base_url) else elsewhere.append(request.url)
    )
    open_search(tab, "/search/?q=Paris")
    box = tab.page.locator("#search-map")
    expect(box).to_have_class(re.compile(r"\bis-offline\b"))
    expect(box.locator(".map-grid-tile").first).to_be_visible()
    assert box.locator("img.leaflet-tile").count() == 0
    assert pins_shown(tab) == tab.page.locator(".search-cards > li").count() == 6
    assert elsewhere == []
    tab.audit()


def test_phone_switches_between_the_list_and_the_map(open_tab):
    paris_world(person("Hugo", "hugo@example.com"))
    tab = open_tab("guest")
    page = tab.page
    page.set_viewport_size({"width": 390, "height": 844})
    tab.goto("/search/?q=Paris")
    toggle = page.get_by_role("button", name="Show map")
    expect(toggle).to_be_visible()
    expect(page.locator("#search-map")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")

    toggle.click()
    expect(page.locator("#search-map")).to_be_visible()
    expect(page.locator(".search-cards")).to_be_hidden()
    expect(page.locator("#search-map .price-pin-icon, #search-map .price-cluster-icon").first).to_be_visible()
    assert pins_shown(tab) == 6

    page.get_by_role("button", name="Show list").click()
    expect(page.locator(".search-cards")).to_be_visible()
    expect(page.locator("#search-map")).to_be_hidden()
    tab.audit()


def test_listing_map_keeps_its_drawing_when_tiles_cannot_load(open_tab, tiles_at_test_host):
    room = paris_world(person("Hugo", "hugo@example.com"))["room"]
    tab = open_tab("guest")
    requested = tile_requests(tab, reachable=False)
    response = tab.page.goto(room.get_absolute_url())
    assert response is not None and response.ok
    box = tab.page.locator("[data-map]")
    expect(box).to_have_class(re.compile(r"\bis-offline\b"))
    expect(box.locator("svg.map__canvas")).to_be_visible()
    expect(box.locator(".map__leaflet")).to_have_count(0)  # no map built: one probe tile failed
    assert len(requested) == 1
    assert forget_tile_failures(tab)
    tab.audit()


def test_listing_map_is_interactive_when_tiles_load(open_tab, tiles_at_test_host):
    room = paris_world(person("Hugo", "hugo@example.com"))["room"]
    tab = open_tab("guest")
    requested = tile_requests(tab, reachable=True)
    tab.goto(room.get_absolute_url())
    box = tab.page.locator("[data-map]")
    expect(box.locator(".map__leaflet img.leaflet-tile-loaded").first).to_be_attached()
    expect(box.locator("svg.map__canvas")).to_have_count(0)
    expect(box.locator(".leaflet-control-attribution")).to_contain_text("Test tiles")
    assert requested
    tab.audit()


def test_a_typo_shows_the_correction_and_keeps_it_while_filtering(open_tab):
    host = person("Ola", "ola@example.com")
    ListingFactory(host=host, title="Flat by the fjord", city="Oslo", location=Point(10.75, 59.91, srid=4326))
    paris_listing(host=host, title="Flat in Paris")
    tab = open_tab("guest")
    page = tab.page
    open_search(tab, "/search/?q=Olso")
    notice = page.locator("[data-corrected]")
    expect(notice).to_have_text(re.compile(r"Showing results for Oslo\s+·\s+Search instead for Olso"))
    tab.audit()
    # A change applied in place (through the API) keeps the correction and its way back.
    page.locator('select[name="sort"]').select_option("price_asc")
    expect(page).to_have_url(re.compile(r"sort=price_asc"))
    expect(notice).to_be_visible()
    expect(notice.get_by_role("link", name="Search instead for Olso")).to_have_attribute(
        "href", re.compile(r"exact_place=1")
    )
    tab.audit()
    # Another place, typed exactly: no correction to show.
    where = page.locator('input[name="q"]')
    where.fill("Paris")
    where.dispatch_event("change")
    expect(page.locator(".search-cards")).to_contain_text("Flat in Paris")
    expect(notice).to_be_hidden()
    tab.audit()
