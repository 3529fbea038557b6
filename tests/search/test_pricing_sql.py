"""The search statement's stay totals equal ``pricing.selectors.price_quote`` to the cent.

Search filters and sorts by totals computed in SQL (``search.pricing_sql``); cards show
``price_quote``'s. These must agree for every stay length (weekly and monthly discounts),
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
from pricing.models import PRICE_CEILING, PRICE_FLOOR, AreaDemand, ListingPricing, LocalEvent, SeasonPeriod
from pricing.services.demand import demand_cell
from search.params import SearchForm
from search.selectors import listing_search
from tests.listings.factories import ListingFactory

pytestmark = pytest.mark.django_db
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
                    sql_total = Decimal(str(rows[card.listing.pk]["total"]))
                    assert sql_total == card.quote.total, (card.listing.pk, check_in, nights, flexible)
                    assert card.price_value == card.quote.total  # same currency: no conversion
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
    cell = demand_cell(lat=listing.location.y, lng=listing.location.x)
    return AreaDemand.objects.update_or_create(
        cell_lat=cell[0], cell_lng=cell[1], date=day,
        defaults={"score": Decimal(score), "listings": 1, "booked": 0, "searches": 0, "views": 0, "bookings": 0,
                  "computed_at": timezone.now()},
    )[0]  # fmt: skip


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
    nightly = {card.listing.pk: card.quote.nightly_average for card in result.cards}
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
