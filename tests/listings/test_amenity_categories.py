"""listings.selectors.amenity_categories: the catalogue search validates against, read once a minute."""

import pytest

from listings import selectors
from listings.models import Amenity

pytestmark = pytest.mark.django_db


def test_a_saved_or_deleted_amenity_counts_at_once(api_client):
    assert "sauna" not in selectors.amenity_categories()
    assert api_client.get("/api/v1/search/", {"amenities": "sauna"}).status_code == 400
    sauna = Amenity.objects.create(code="sauna", name="Sauna", category="features")
    assert selectors.amenity_categories()["sauna"] == "features"
    assert api_client.get("/api/v1/search/", {"amenities": "sauna"}).status_code == 200
    sauna.delete()
    assert "sauna" not in selectors.amenity_categories()
    assert api_client.get("/api/v1/search/", {"amenities": "sauna"}).status_code == 400


def test_a_change_without_signals_counts_within_the_minute(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: clock[0])
    selectors.amenity_categories_forget()
    before = selectors.amenity_categories()
    Amenity.objects.bulk_create([Amenity(code="hammock", name="Hammock", category="features")])  # no signal
    clock[0] += selectors.AMENITY_CATEGORIES_SECONDS - 1
    assert selectors.amenity_categories() == before  # still the copy...
    clock[0] += 2
    assert selectors.amenity_categories()["hammock"] == "features"  # ...until the minute is over
