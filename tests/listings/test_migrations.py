"""The time-zone migration derives every existing listing's zone from its point, on a real database.

Listings are created, the test database is migrated back to before
``listings.0006_listing_time_zone`` (the column is dropped) and forward again, so
the backfill runs over real rows. Whatever happens, the database is left fully migrated.
"""

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from listings.models import Listing
from tests.listings.factories import ListingFactory, draft_listing

POINTS = {
    "Asia/Tokyo": Point(139.69, 35.68, srid=4326),
    "Pacific/Honolulu": Point(-157.86, 21.31, srid=4326),
    "Europe/Oslo": Point(10.75, 59.91, srid=4326),
    "America/Sao_Paulo": Point(-46.63, -23.55, srid=4326),
}


def _migrate(targets) -> None:
    MigrationExecutor(connection).migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_the_backfill_gives_every_listing_the_zone_of_its_point():
    placed = {zone: [ListingFactory(location=point).pk for _ in range(3)] for zone, point in POINTS.items()}
    draft = draft_listing().pk  # no point: UTC
    try:
        _migrate([("listings", "0005_listing_drop_unavailable_gist")])
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM information_schema.columns WHERE column_name = 'time_zone'"
                           " AND table_name = 'listings_listing'")  # fmt: skip
            assert cursor.fetchone() == (0,)
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    zones = dict(Listing.objects.values_list("pk", "time_zone"))
    for zone, ids in placed.items():
        assert {zones[pk] for pk in ids} == {zone}
    assert zones[draft] == "UTC"
