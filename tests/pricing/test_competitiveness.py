"""Price competitiveness: a listing's price percentile among comparable listings nearby, computed in SQL."""

from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point

from listings.models import ListingStatus
from pricing.models import ListingCompetitiveness
from pricing.selectors import price_competitiveness
from pricing.services.competitiveness import (
    competitiveness_refresh_all,
    competitiveness_refresh_listing,
    competitiveness_tiles,
)
from tests.listings.factories import ListingFactory

D = Decimal
pytestmark = pytest.mark.django_db


def at(lng: float, lat: float = 48.85) -> Point:
    return Point(lng, lat, srid=4326)


@pytest.fixture
def neighbourhood():
    """A listing on a tile edge (lng 3.0) and its comparables on both sides; non-comparables around."""
    target = ListingFactory(base_price=D("120"), room_type="entire", max_guests=4, location=at(2.999))
    comparable = [
        ListingFactory(base_price=D(price), room_type="entire", max_guests=guests, location=at(lng))
        for price, guests, lng in [
            ("80", 3, 2.990),
            ("100", 4, 3.004),  # across the tile edge
            ("120", 5, 3.010),
            ("150", 4, 2.980),
            ("200", 4, 3.020),
            ("90", 4, 2.999),
        ]
    ]
    others = [
        ListingFactory(base_price=D("50"), room_type="private", max_guests=4, location=at(2.999)),
        ListingFactory(base_price=D("60"), room_type="entire", max_guests=8, location=at(2.999)),
        ListingFactory(base_price=D("70"), room_type="entire", max_guests=4, location=at(3.070)),  # ~5.1 km
        ListingFactory(base_price=D("75"), room_type="entire", max_guests=4, currency="USD", location=at(2.998)),
        ListingFactory(
            base_price=D("40"), room_type="entire", max_guests=4, status=ListingStatus.DRAFT, location=at(2.999)
        ),
    ]
    return target, comparable, others


def test_percentile_among_same_type_capacity_and_currency_within_the_radius(neighbourhood):
    target, comparable, others = neighbourhood
    assert competitiveness_refresh_all() == 11  # published listings
    row = ListingCompetitiveness.objects.get(listing=target)
    # Cheaper: 80, 90, 100 (3); the same price: 120 (1); of 6 comparables: (3 + 0.5) / 6.
    assert row.comparables == 6
    assert row.percentile == D("58.33")
    assert row.median_price == D("110.00")
    # The 70 EUR place 5 km away has no comparables within 3 km: no percentile.
    far = ListingCompetitiveness.objects.get(listing=others[2])
    assert far.comparables == 0 and far.percentile is None
    assert not ListingCompetitiveness.objects.filter(listing=others[4]).exists()  # drafts are not ranked

    result = price_competitiveness(listing_ids=[target.pk, others[4].pk])
    assert set(result) == {target.pk}
    assert result[target.pk].percentile == D("58.33")
    assert result[target.pk].score == pytest.approx(0.4167, abs=1e-4)


def test_tiles_and_one_listing_refresh(neighbourhood):
    target, comparable, _ = neighbourhood
    assert (2, 48) in competitiveness_tiles() and (3, 48) in competitiveness_tiles()
    target.base_price = D("500")
    target.save(update_fields=["base_price"])
    competitiveness_refresh_listing(listing_id=target.pk)
    assert ListingCompetitiveness.objects.get(listing=target).percentile == D("100.00")


def test_unpublished_listings_lose_their_row(neighbourhood):
    target, _, _ = neighbourhood
    competitiveness_refresh_all()
    target.status = ListingStatus.UNLISTED
    target.save(update_fields=["status"])
    competitiveness_refresh_all()
    assert not ListingCompetitiveness.objects.filter(listing=target).exists()
