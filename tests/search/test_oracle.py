"""The search oracle: on 2,000 random listings with random calendars, a few hundred random searches
must find exactly what a brute-force Python filter finds, with the same facet counts and price order.

Prices in the oracle come from ``pricing.selectors.price_quote`` (the one price function); the
search filters and sorts by its own SQL totals, so this also proves those agree.
"""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.http import QueryDict

from search.params import SearchForm
from search.selectors import listing_search
from search.services import search_rank_tiers_refresh

from .world import EAST, NORTH, SOUTH, WEST, oracle, world_build

QUERIES = 300


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module, inside a transaction rolled back at its end (other tests never see it)."""
    from django.db import connection, transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            from listings.catalogue import amenity_catalogue_load
            from listings.models import Amenity

            if Amenity.objects.count() < 30:
                amenity_catalogue_load(Amenity)
            yield world_build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            connection.close()


def _random_query(rng: random.Random, today: dt.date, codes: list[str]) -> QueryDict:
    query = QueryDict(mutable=True)
    west = rng.uniform(WEST, EAST - 0.2)
    south = rng.uniform(SOUTH, NORTH - 0.2)
    size = rng.uniform(0.15, 1.0)
    query["bbox"] = f"{west:.5f},{south:.5f},{min(EAST, west + size):.5f},{min(NORTH, south + size):.5f}"
    dates = rng.random()
    if dates < 0.55:
        check_in = today + dt.timedelta(days=rng.randint(0, 60))
        query["checkin"] = check_in.isoformat()
        query["checkout"] = (check_in + dt.timedelta(days=rng.choice([1, 2, 3, 4, 5, 7, 8]))).isoformat()
        if rng.random() < 0.2:
            query["flex_days"] = str(rng.randint(1, 3))
    elif dates < 0.65:
        query["flex"] = rng.choice(["weekend", "week"])
        query["months"] = (today.replace(day=1) + dt.timedelta(days=32 * rng.randint(0, 1))).strftime("%Y-%m")
    if rng.random() < 0.5:
        query["guests"] = str(rng.randint(1, 6))
    if rng.random() < 0.35:
        low = rng.choice([None, 30, 80, 150])
        high = rng.choice([None, 120, 250, 900])
        if low is not None:
            query["price_min"] = str(low)
        if high is not None and (low is None or high >= low):
            query["price_max"] = str(high)
        if "checkin" in query and rng.random() < 0.5:
            query["price_type"] = "total"
            if "price_max" in query:
                query["price_max"] = str(int(query["price_max"]) * 5)
    if rng.random() < 0.2:
        query["currency"] = rng.choice(["USD", "GBP", "EUR"])
    if rng.random() < 0.3:
        query.setlist("property_type", rng.sample(["apartment", "house", "villa", "cabin", "loft"], rng.randint(1, 2)))
    if rng.random() < 0.3:
        query["room_type"] = rng.choice(["entire", "private", "shared", "entire,private"])
    if rng.random() < 0.3:
        query["amenities"] = ",".join(rng.sample(codes, rng.randint(1, 2)))
    for name, chance in (("bedrooms", 0.2), ("beds", 0.15)):
        if rng.random() < chance:
            query[name] = str(rng.randint(1, 3))
    if rng.random() < 0.1:
        query["bathrooms"] = rng.choice(["1.5", "2"])
    if rng.random() < 0.15:
        query["instant_book"] = "1"
    if rng.random() < 0.1:
        query["superhost"] = "1"
    if rng.random() < 0.15:
        query["cancellation"] = rng.choice(["flexible", "moderate,strict"])
    query["sort"] = rng.choice(["recommended", "price_asc", "price_asc", "rating"])
    return query


@pytest.mark.django_db
def test_random_searches_match_the_brute_force_oracle(world, settings):
    settings.SEARCH_RESULTS_PER_PAGE = 5000
    rng = random.Random(2024)
    checked = nonempty = 0
    for number in range(QUERIES):
        query = _random_query(rng, world.today, world.amenity_codes)
        form = SearchForm(query)
        assert form.is_valid(), (query.urlencode(), form.errors)
        params = form.params()
        expected = oracle(world, params)
        result = listing_search(params)
        got = [card.listing.pk for card in result.cards]
        context = f"query {number}: {query.urlencode()}"
        assert not result.count_is_estimate, context
        assert set(got) == expected["ids"], context
        assert len(got) == len(expected["ids"]), context
        assert result.count == expected["count"], context
        facets = result.facets
        assert facets["property_types"] == expected["property_types"], context
        assert facets["room_types"] == expected["room_types"], context
        assert facets["amenities"] == expected["amenities"], context
        assert facets["toggles"] == expected["toggles"], context
        for card in result.cards:
            assert card.price_value == expected["values"][card.listing.pk], context
            if card.quote is not None:  # the card's own quote is price_quote's
                value = card.quote.total if params.price_type == "total" else card.quote.nightly_average
                assert card.quote.currency == card.listing.currency
                if params.currency == card.listing.currency:
                    assert value == card.price_value, context
        if params.sort == "price_asc":
            assert got == expected["price_order"], context
        checked += 1
        nonempty += bool(got)
    assert checked == QUERIES
    assert nonempty > QUERIES // 2  # the random queries are not all trivially empty


@pytest.mark.django_db
def test_histogram_counts_every_listing_the_price_filter_would_see(world):
    form = SearchForm(QueryDict(f"bbox={WEST},{SOUTH},{EAST},{NORTH}&price_max=100"))
    assert form.is_valid()
    result = listing_search(form.params())
    histogram = result.facets["price_histogram"]
    unfiltered = oracle(world, form.params().__class__(**{**form.params().__dict__, "price_max": None}))
    assert sum(histogram["counts"]) == unfiltered["count"]
    assert Decimal(str(histogram["min"])) == min(unfiltered["values"].values())


@pytest.mark.django_db
def test_paging_walks_the_same_order_without_gaps(world):
    query = f"bbox={WEST},{SOUTH},{EAST},{NORTH}&sort=price_asc"
    seen: list[int] = []
    for page in (1, 2, 3):
        form = SearchForm(QueryDict(query + f"&page={page}"))
        assert form.is_valid()
        seen += [card.listing.pk for card in listing_search(form.params()).cards]
    form = SearchForm(QueryDict(query))
    assert form.is_valid()
    assert seen == oracle(world, form.params())["price_order"][:60]


@pytest.mark.django_db
def test_more_candidates_than_the_cap_give_an_estimate_from_the_best_tier(world, settings):
    settings.SEARCH_CANDIDATE_CAP = 100
    search_rank_tiers_refresh()
    form = SearchForm(QueryDict(f"bbox={WEST},{SOUTH},{EAST},{NORTH}"))
    assert form.is_valid()
    result = listing_search(form.params())
    assert result.count_is_estimate
    assert result.raw.tier in (10, 1)
    assert result.cards
