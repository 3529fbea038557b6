"""The search statement's stay totals equal ``pricing.selectors.price_quote`` to the cent.

Search filters, sorts and shows cards by totals computed in SQL (``search.pricing_sql``);
the checkout charges ``price_quote``'s, called here as the checkout calls it
(``checkout_quote``: the listing read afresh, its rules and night prices loaded by the
quote). These must agree for every stay length (weekly and monthly discounts),
weekday premiums, host per-night prices, the host's pricing settings (weekend percentage,
extra-guest fee, minimum and maximum price), cleaning fees, service fee and taxes.
"""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.http import QueryDict
from django.utils import timezone

from availability.services import calendar_set_nights
from listings.models import Listing
from pricing.models import PRICE_CEILING, PRICE_FLOOR, AreaDemand, ListingPricing, LocalEvent, SeasonPeriod
from pricing.selectors import price_quote
from pricing.services.demand import demand_cell
from search.params import SearchForm
from search.selectors import listing_search
from tests.listings.factories import ListingFactory

pytestmark = pytest.mark.django_db


def area_cell(listing) -> tuple[int, int]:
    """The demand cell of the listing's public point, set by the database (area rules read it)."""
    listing.refresh_from_db(fields=["public_location"])
    return demand_cell(lat=listing.public_location.y, lng=listing.public_location.x)


def checkout_quote(card, guests: int):
    """``price_quote`` as the checkout calls it, independent of everything the search read."""
    listing = Listing.objects.get(pk=card.listing.pk)
    return price_quote(listing=listing, check_in=card.check_in, check_out=card.check_out, guests=guests)


def same_lines(card, quote) -> bool:
    """The card's breakdown is the quote's: every line's code, amount and label parameters."""
    return [(line.code, line.amount, line.params) for line in card.quote.lines] == [
        (line.code, line.amount, line.params) for line in quote.lines
    ]


SPOT = Point(-140.5, -50.5, srid=4326)  # open ocean: nothing else is there
BBOX = "-141,-51,-140,-50"


def _listings(rng: random.Random, count: int = 12):
    listings = []
    for n in range(count):
        listing = ListingFactory(
            location=Point(-140.5 + n * 0.01, -50.5, srid=4326),
            base_price=Decimal(rng.choice(["10.00", "19.99", "87.35", "120.00", "333.33", "2999.99"])),
            cleaning_fee=Decimal(rng.choice(["0", "12.50", "45.00"])),
            weekly_discount_pct=rng.choice([0, 7, 10, 33]),
            monthly_discount_pct=rng.choice([0, 15, 41]),
            min_nights=1,
            max_nights=60,
            max_guests=6,
        )
        if n % 2 == 1:  # the host's own pricing settings on others (and on some with night prices too)
            _pricing_settings(rng, listing)
        if n % 3 == 0:  # host prices on some nights
            start = dt.date.today() + dt.timedelta(days=rng.randint(3, 20))
            calendar_set_nights(
                listing=listing, start=start, end=start + dt.timedelta(days=rng.randint(1, 9)),
                price=Decimal(rng.choice(["55.55", "99.00", "410.10"])),
            )  # fmt: skip
        listings.append(listing)
    return listings


def _pricing_settings(rng: random.Random, listing) -> ListingPricing:
    """Random host settings: weekend percentage (some above the automatic cap), extra-guest fee, bounds."""

    def bound(factor: str) -> Decimal:
        return min(max((listing.base_price * Decimal(factor)).quantize(Decimal("0.01")), PRICE_FLOOR), PRICE_CEILING)

    min_price, max_price = rng.choice(
        [(None, None), (bound("1.3"), None), (None, bound("0.9")), (bound("0.95"), bound("1.1"))]
    )
    return ListingPricing.objects.create(
        listing=listing,
        guests_included=rng.choice([1, 2, 3]),
        extra_guest_fee=Decimal(rng.choice(["0", "7.50", "15.25"])),
        weekend_premium_pct=rng.choice([None, -10, 0, 35, 80]),
        min_price=min_price,
        max_price=max_price,
    )


@pytest.mark.parametrize("tax_rate", ["0", "0.075"])
def test_sql_totals_equal_price_quote(settings, tax_rate):
    settings.PRICING_TAX_RATE = tax_rate
    settings.SEARCH_RESULTS_PER_PAGE = 100
    rng = random.Random(11)
    listings = _listings(rng)
    compared = 0
    for nights in (1, 2, 3, 6, 7, 9, 13, 27, 28, 35):
        for offset in (2, 5, 9):
            check_in = dt.date.today() + dt.timedelta(days=offset)
            for flexible in ("", "&flex_days=1"):
                query = QueryDict(
                    f"bbox={BBOX}&checkin={check_in}&checkout={check_in + dt.timedelta(days=nights)}&guests=2"
                    f"&price_type=total&currency=EUR{flexible}"
                )
                form = SearchForm(query)
                assert form.is_valid(), form.errors
                result = listing_search(form.params())
                assert len(result.cards) == len(listings)
                rows = {row["listing_id"]: row for row in result.raw.rows}
                for card in result.cards:
                    quote = checkout_quote(card, 2)
                    sql_total = Decimal(str(rows[card.listing.pk]["total"]))
                    assert sql_total == quote.total, (card.listing.pk, check_in, nights, flexible)
                    assert card.price_value == quote.total  # same currency: no conversion
                    assert same_lines(card, quote), (card.listing.pk, check_in, nights, flexible)
                    assert card.quote.nightly_average == quote.nightly_average
                    compared += 1
    assert compared == 10 * 3 * 2 * len(listings)


def test_nightly_filter_uses_the_nightly_average_and_weekends_cost_more(settings):
    listing = ListingFactory(location=SPOT, base_price=Decimal("100.00"), cleaning_fee=Decimal("0"))
    today = dt.date.today()
    friday = today + dt.timedelta(days=(4 - today.weekday()) % 7 + 7)
    form = SearchForm(QueryDict(f"bbox={BBOX}&currency=EUR&checkin={friday}&checkout={friday + dt.timedelta(days=2)}"))
    assert form.is_valid()
    card = listing_search(form.params()).cards[0]
    assert card.listing.pk == listing.pk
    assert card.quote.nightly_average == Decimal("120.00")  # Friday and Saturday nights: +20% by default
    assert checkout_quote(card, 1).nightly_average == Decimal("120.00")
    assert card.price_value == Decimal("120.00")


def test_price_filter_and_sort_follow_the_hosts_pricing_settings():
    """A host minimum above the base price and an extra-guest fee move a listing in price search."""
    plain = ListingFactory(location=SPOT, base_price=Decimal("100.00"), cleaning_fee=Decimal("0"), max_guests=4)
    bounded = ListingFactory(
        location=Point(-140.49, -50.5, srid=4326), base_price=Decimal("80.00"), cleaning_fee=Decimal("0"), max_guests=4
    )
    ListingPricing.objects.create(
        listing=bounded, min_price=Decimal("140.00"), extra_guest_fee=Decimal("10.00"), guests_included=2
    )
    monday = dt.date.today() + dt.timedelta(days=(0 - dt.date.today().weekday()) % 7 + 7)
    stay = f"checkin={monday}&checkout={monday + dt.timedelta(days=2)}&currency=EUR&bbox={BBOX}"

    def search(extra: str) -> list[tuple[int, Decimal]]:
        form = SearchForm(QueryDict(f"{stay}&{extra}"))
        assert form.is_valid(), form.errors
        return [(card.listing.pk, card.price_value) for card in listing_search(form.params()).cards]

    # Two weekday nights for three guests: 140 (the host's minimum) + 10 for the third guest.
    assert search("guests=3&sort=price_asc") == [(plain.pk, Decimal("100.00")), (bounded.pk, Decimal("150.00"))]
    assert search("guests=3&price_max=120") == [(plain.pk, Decimal("100.00"))]
    assert search("guests=2&price_min=130") == [(bounded.pk, Decimal("140.00"))]


# --- seasons, local events and area demand --------------------------------------------------


def _next_weekday(weekday: int, *, after: int = 1) -> dt.date:
    """The first ``weekday`` (Monday 0) at least ``after`` days from today."""
    start = dt.date.today() + dt.timedelta(days=after)
    return start + dt.timedelta(days=(weekday - start.weekday()) % 7)


def _demand(listing, day: dt.date, score: str) -> AreaDemand:
    cell = area_cell(listing)
    return AreaDemand.objects.update_or_create(
        cell_lat=cell[0], cell_lng=cell[1], date=day,
        defaults={"score": Decimal(score), "listings": 1, "booked": 0, "searches": 0, "views": 0, "bookings": 0,
                  "computed_at": timezone.now()},
    )[0]  # fmt: skip


def test_an_event_across_the_antimeridian_prices_the_homes_it_reaches(settings):
    """An event circle crossing 180 degrees has no box (search/query.py): every candidate is measured
    exactly, next to an event whose box is known and reaches nobody. Cards equal price_quote's."""
    settings.SEARCH_RESULTS_PER_PAGE = 100
    monday = _next_weekday(0, after=2)
    reached = ListingFactory(location=Point(179.97, -16.5, srid=4326), base_price=Decimal("200.00"))
    beyond = ListingFactory(location=Point(179.62, -16.9, srid=4326), base_price=Decimal("200.00"))
    for name, lng, radius in (("Across", -179.98, 15), ("Nearby", 179.5, 10)):
        LocalEvent.objects.create(
            name=name, location=Point(lng, -16.5, srid=4326), radius_km=radius,
            starts_on=monday, ends_on=monday + dt.timedelta(days=1), uplift_pct=40,
        )  # fmt: skip
    form = SearchForm(
        QueryDict(f"bbox=179.4,-17,180,-16&currency=EUR&checkin={monday}&checkout={monday + dt.timedelta(days=2)}")
    )
    assert form.is_valid(), form.errors
    cards = {card.listing.pk: card for card in listing_search(form.params()).cards}
    assert set(cards) == {reached.pk, beyond.pk}
    for pk, card in cards.items():
        quote = checkout_quote(card, 1)
        assert same_lines(card, quote), pk
        events = {
            reason.params.get("name") for night in quote.nights for reason in night.reasons if reason.code == "event"
        }
        assert events == ({"Across"} if pk == reached.pk else set()), pk
    assert cards[reached.pk].quote.nightly_average > cards[beyond.pk].quote.nightly_average


def test_a_moved_or_widened_event_prices_by_its_new_circle():
    """Search reads each event's stored box (pricing 0003, a generated column): moving or widening
    an event must move its box with it, or search would miss the homes it now reaches."""
    monday = _next_weekday(0, after=2)
    ListingFactory(location=Point(-150.30, -45.0, srid=4326), base_price=Decimal("200.00"))
    event = LocalEvent.objects.create(
        name="Regatta", location=Point(-151.5, -45.0, srid=4326), radius_km=5,
        starts_on=monday, ends_on=monday, uplift_pct=50,
    )  # fmt: skip
    stay = f"checkin={monday}&checkout={monday + dt.timedelta(days=1)}"
    query = QueryDict(f"bbox=-150.5,-45.2,-150.1,-44.8&currency=EUR&{stay}")

    def events_priced() -> set[str]:
        form = SearchForm(query)
        assert form.is_valid(), form.errors
        (card,) = listing_search(form.params()).cards
        quote = checkout_quote(card, 1)
        assert same_lines(card, quote)
        return {r.params.get("name") for night in quote.nights for r in night.reasons if r.code == "event"}

    assert events_priced() == set()  # 95 km away
    LocalEvent.objects.filter(pk=event.pk).update(radius_km=120)  # a queryset update: no save() hook
    assert events_priced() == {"Regatta"}
    LocalEvent.objects.filter(pk=event.pk).update(radius_km=5, location=Point(-150.32, -45.01, srid=4326))
    assert events_priced() == {"Regatta"}
    LocalEvent.objects.filter(pk=event.pk).update(location=Point(-149.0, -45.0, srid=4326))
    assert events_priced() == set()


def test_price_filter_sort_and_histogram_follow_seasons_events_and_demand(settings):
    """The issue's example: a high season lifts one home above 1,200 a night, a low-demand discount
    brings another under it, an event lifts a third; filter, sort and histogram use the card's price."""
    settings.SEARCH_RESULTS_PER_PAGE = 100
    monday = _next_weekday(0, after=2)  # Monday and Tuesday nights, within the last two weeks
    seasonal = ListingFactory(
        location=Point(-140.55, -50.55, srid=4326), country_code="NZ", region="Southland",
        base_price=Decimal("1000.00"), cleaning_fee=Decimal("0"),
    )  # fmt: skip
    discounted = ListingFactory(
        location=Point(-140.25, -50.25, srid=4326), country_code="CK", base_price=Decimal("1400.00"),
        cleaning_fee=Decimal("0"),
    )  # fmt: skip
    eventful = ListingFactory(
        location=Point(-140.75, -50.85, srid=4326), country_code="CK", base_price=Decimal("900.00"),
        cleaning_fee=Decimal("0"),
    )  # fmt: skip
    SeasonPeriod.objects.create(
        country_code="NZ", region="southland", name="All year", level="high",
        start_month=1, start_day=1, end_month=12, end_day=31,
    )  # fmt: skip
    for night in (monday, monday + dt.timedelta(days=1)):
        _demand(discounted, night, "0.10")  # low demand, last minute: -20%
    LocalEvent.objects.create(
        name="Regatta", location=Point(-140.75, -50.8, srid=4326), radius_km=10,
        starts_on=monday, ends_on=monday + dt.timedelta(days=1), uplift_pct=40,
    )  # fmt: skip
    stay = f"bbox={BBOX}&currency=EUR&checkin={monday}&checkout={monday + dt.timedelta(days=2)}"

    def search(extra: str = ""):
        form = SearchForm(QueryDict(f"{stay}&{extra}"))
        assert form.is_valid(), form.errors
        return listing_search(form.params())

    result = search("sort=price_asc")
    nightly = {card.listing.pk: checkout_quote(card, 1).nightly_average for card in result.cards}
    assert nightly == {card.listing.pk: card.quote.nightly_average for card in result.cards}
    assert nightly == {
        seasonal.pk: Decimal("1350.00"),
        discounted.pk: Decimal("1120.00"),
        eventful.pk: Decimal("1260.00"),
    }
    assert [card.listing.pk for card in result.cards] == [discounted.pk, eventful.pk, seasonal.pk]
    assert all(card.price_value == card.quote.nightly_average for card in result.cards)
    assert [card.listing.pk for card in search("price_max=1200").cards] == [discounted.pk]
    assert {card.listing.pk for card in search("price_min=1250").cards} == {seasonal.pk, eventful.pk}
    histogram = search("price_max=1200").facets["price_histogram"]
    assert Decimal(str(histogram["min"])) == Decimal("1120.00")
    assert sum(histogram["counts"]) == 3 and histogram["counts"][0] == 1 and histogram["counts"][-1] == 1


def _random_place_rules(rng: random.Random, today: dt.date, listings) -> None:
    """Seasons (country-wide and regional, some wrapping the new year), events of random radius and uplift,
    and demand scores per cell and night (thresholds included), around the listings of ``_place_world``."""
    levels = ["high", "shoulder", "low", "high"]
    for country, region in (("NZ", ""), ("NZ", "OTAGO"), ("CK", ""), ("NZ", "southland")):
        for _ in range(rng.randint(1, 3)):
            start = today + dt.timedelta(days=rng.randint(-30, 90))
            end = start + dt.timedelta(days=rng.randint(0, 40))
            if rng.random() < 0.2:  # wraps the new year
                start, end = dt.date(2000, 12, rng.randint(1, 31)), dt.date(2000, 1, rng.randint(1, 31))
            SeasonPeriod.objects.create(
                country_code=country, region=region, name="Random", level=rng.choice(levels),
                start_month=start.month, start_day=min(start.day, 28), end_month=end.month, end_day=min(end.day, 28),
            )  # fmt: skip
    for n in range(rng.randint(3, 6)):
        starts_on = today + dt.timedelta(days=rng.randint(1, 80))
        LocalEvent.objects.create(
            name=f"Event {n}", location=Point(rng.uniform(-140.9, -140.1), rng.uniform(-50.9, -50.1), srid=4326),
            radius_km=rng.choice([3, 8, 15, 30, 60]), starts_on=starts_on,
            ends_on=starts_on + dt.timedelta(days=rng.randint(0, 10)), uplift_pct=rng.choice([-20, 10, 40, 150, 400]),
        )  # fmt: skip
    # One long event centred on a listing's public point (the point area rules read), so every world
    # has stays an event covers whatever the database's location key put the public points.
    anchor = rng.choice(list(listings))
    anchor.refresh_from_db(fields=["public_location"])
    LocalEvent.objects.create(
        name="Anchored", location=anchor.public_location, radius_km=3, starts_on=today + dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=80), uplift_pct=rng.choice([10, 40, 150]),
    )  # fmt: skip
    cells = {area_cell(listing) for listing in listings}
    rows = []
    for cell_lat, cell_lng in sorted(cells):
        for offset in range(0, 100):
            if rng.random() < 0.7:
                score = Decimal(rng.choice(["0.00", "0.29", "0.30", "0.31", "0.55", "0.79", "0.80", "1.00"]))
                if rng.random() < 0.5:
                    score = Decimal(rng.randint(0, 100)) / 100
                rows.append(
                    AreaDemand(
                        cell_lat=cell_lat, cell_lng=cell_lng, date=today + dt.timedelta(days=offset), score=score,
                        listings=1, booked=0, searches=0, views=0, bookings=0, computed_at=timezone.now(),
                    )
                )  # fmt: skip
    AreaDemand.objects.bulk_create(rows)


def _place_world(rng: random.Random, count: int):
    places = [("NZ", "Otago"), ("NZ", "Southland"), ("NZ", ""), ("CK", ""), ("CK", "Aitutaki")]
    listings = []
    for _ in range(count):
        country, region = rng.choice(places)
        listing = ListingFactory(
            location=Point(rng.uniform(-140.95, -140.05), rng.uniform(-50.95, -50.05), srid=4326),
            country_code=country, region=region,
            base_price=Decimal(rng.choice(["10.00", "19.99", "87.35", "120.00", "333.33", "1250.50", "2999.99"])),
            cleaning_fee=Decimal(rng.choice(["0", "12.50", "45.00"])),
            weekly_discount_pct=rng.choice([0, 7, 10]), monthly_discount_pct=rng.choice([0, 15]),
            min_nights=1, max_nights=60, max_guests=6,
        )  # fmt: skip
        if rng.random() < 0.35:
            settings_row = _pricing_settings(rng, listing)
            for level in ("high", "shoulder", "low"):
                setattr(settings_row, f"{level}_season_pct", rng.choice([None, None, -30, 0, 25, 90]))
            settings_row.save()
        if rng.random() < 0.3:
            start = dt.date.today() + dt.timedelta(days=rng.randint(2, 70))
            calendar_set_nights(
                listing=listing, start=start, end=start + dt.timedelta(days=rng.randint(1, 9)),
                price=Decimal(rng.choice(["55.55", "99.00", "410.10"])),
            )  # fmt: skip
        listings.append(listing)
    return listings


def _expected_histogram(values: list[Decimal], buckets: int) -> tuple[Decimal, Decimal, list[int]]:
    """The statement's histogram (min, 97th percentile (discrete), width_bucket counts) over ``values``."""
    ordered = sorted(values)
    lo = ordered[0]
    hi = max(ordered[max(0, -(-97 * len(ordered) // 100) - 1)], lo + 1)
    counts = [0] * buckets
    for value in ordered:
        k = int((min(value, hi) - lo) * buckets // (hi + Decimal("0.01") - lo))
        counts[k] += 1
    return lo, hi, counts


@pytest.mark.parametrize("world_seed,surge_disabled", [(1, False), (2, False), (3, True)])
def test_random_worlds_with_seasons_events_and_demand_price_like_the_quote(settings, world_seed, surge_disabled):
    """For every listing and stay: the SQL stay total is price_quote's to the cent; filter membership, price
    sort order and histogram buckets are those of the quotes."""
    settings.SEARCH_RESULTS_PER_PAGE = 100
    settings.PRICING_SURGE_DISABLED = surge_disabled
    settings.PRICING_TAX_RATE = "0.075"
    rng = random.Random(world_seed)
    today = dt.date.today()
    listings = _place_world(rng, 24)
    _random_place_rules(rng, today, listings)
    buckets = int(settings.SEARCH_HISTOGRAM_BUCKETS)
    compared = 0
    reasons: set[str] = set()
    for _ in range(8):
        check_in = today + dt.timedelta(days=rng.randint(1, 75))
        nights = rng.choice([1, 2, 3, 5, 7, 10, 28])
        price_type = rng.choice(["total", "nightly"])
        flexible = rng.choice(["", "", "&flex_days=2"])
        stay = (
            f"bbox={BBOX}&checkin={check_in}&checkout={check_in + dt.timedelta(days=nights)}&guests="
            f"{rng.randint(1, 4)}&price_type={price_type}&currency=EUR{flexible}"
        )

        def search(extra: str = "", stay=stay):
            form = SearchForm(QueryDict(f"{stay}&{extra}"))
            assert form.is_valid(), form.errors
            return listing_search(form.params())

        result = search("sort=price_asc")
        assert len(result.cards) == len(listings)
        rows = {row["listing_id"]: row for row in result.raw.rows}
        values = {}
        guests = int(QueryDict(stay)["guests"])
        for card in result.cards:
            context = (world_seed, card.listing.pk, card.check_in, card.check_out)
            quote = checkout_quote(card, guests)
            assert Decimal(str(rows[card.listing.pk]["total"])) == quote.total, context
            assert same_lines(card, quote), context
            value = quote.total if price_type == "total" else quote.nightly_average
            assert card.price_value == value, context
            values[card.listing.pk] = value
            reasons |= {reason.code for night in quote.nights for reason in night.reasons}
            compared += 1
        assert [card.listing.pk for card in result.cards] == sorted(values, key=lambda pk: (values[pk], pk))
        descending = [card.listing.pk for card in search("sort=price_desc").cards]
        assert descending == sorted(values, key=lambda pk: (-values[pk], pk))
        cut = sorted(values.values())[len(values) // 2]
        assert {card.listing.pk for card in search(f"price_max={cut}").cards} == {
            pk for pk, value in values.items() if value <= cut
        }
        assert {card.listing.pk for card in search(f"price_min={cut}").cards} == {
            pk for pk, value in values.items() if value >= cut
        }
        histogram = search(f"price_max={cut}").facets["price_histogram"]
        lo, hi, counts = _expected_histogram(list(values.values()), buckets)
        assert (Decimal(str(histogram["min"])), Decimal(str(histogram["max"]))) == (lo, hi)
        assert histogram["counts"] == counts
    assert compared == 8 * len(listings)
    # The worlds exercise every rule (and the guardrails they run into).
    assert {"weekend", "season", "demand", "cap"} <= reasons, reasons
    assert ("surge_paused" if surge_disabled else "event") in reasons, reasons
