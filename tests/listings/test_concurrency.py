"""Races on one listing's photos, with real threads and separate database connections."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from listings.models import ListingPhoto
from listings.services import photos as photo_module
from listings.services.photos import MAX_PHOTOS, photo_add, photo_reorder
from tests.accounts.factories import UserFactory
from tests.bookings.test_concurrency import run_concurrently
from tests.listings.factories import draft_listing
from tests.listings.helpers import jpeg_upload

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_variant_tasks(monkeypatch):
    monkeypatch.setattr(photo_module, "_schedule_variants", lambda ids: None)


def test_concurrent_uploads_never_pass_the_photo_limit(settings):
    host = UserFactory()
    listing = draft_listing(host=host)
    batches = [[jpeg_upload(f"{n}-{i}.jpg", size=(300, 200)) for i in range(30)] for n in range(2)]
    results = run_concurrently(
        [lambda files=files: photo_add(listing=listing, actor=host, files=files) for files in batches]
    )
    added = [result for result in results if isinstance(result, list)]
    refused = [result for result in results if isinstance(result, ValidationError)]
    assert len(added) == 1 and len(refused) == 1, results
    assert "at most 50 photos" in refused[0].message_dict["photos"][0]
    photos = ListingPhoto.objects.filter(listing=listing)
    assert photos.count() == 30 <= MAX_PHOTOS
    assert sorted(photos.values_list("position", flat=True)) == list(range(30))
    # The refused upload removed the files it had stored.
    stored = [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]
    assert len(stored) == 30


def test_uploads_racing_a_reorder_keep_positions_unique():
    host = UserFactory()
    listing = draft_listing(host=host)
    first = photo_add(listing=listing, actor=host, files=[jpeg_upload(size=(300, 200)) for _ in range(3)])
    order = [first[2].pk, first[0].pk, first[1].pk]
    results = run_concurrently(
        [
            lambda: photo_add(listing=listing, actor=host, files=[jpeg_upload(size=(300, 200)) for _ in range(3)]),
            lambda: photo_reorder(listing=listing, actor=host, photo_ids=order),
        ]
    )
    # The reorder names the photos it saw: it either ran first (and succeeded) or saw 6 photos and refused.
    assert isinstance(results[0], list)
    assert isinstance(results[1], list) or isinstance(results[1], ValidationError)
    positions = list(ListingPhoto.objects.filter(listing=listing).values_list("position", flat=True))
    assert sorted(positions) == list(range(6))
