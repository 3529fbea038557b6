"""Fixtures of the search tests."""

import pytest
from django.contrib.gis.geos import Point

from search.gazetteer import gazetteer_clear_caches
from tests.listings.factories import ListingFactory

PARIS = Point(2.35, 48.86, srid=4326)


@pytest.fixture(autouse=True)
def _fresh_gazetteer_caches():
    """Place lookups are cached per process; tests never share answers."""
    gazetteer_clear_caches()
    yield


def in_paris(**fields):
    return ListingFactory(location=fields.pop("location", PARIS), **fields)
