"""airbnb/countries.py and its readers: country names in the reader's language."""

import pytest
from django.utils import translation

from airbnb.countries import country_name, country_names, name_sort_key
from listings.selectors import country_choices, listing_public_place
from tests.listings.factories import ListingFactory


@pytest.mark.parametrize(
    "language, france, germany",
    [("en", "France", "Germany"), ("de", "Frankreich", "Deutschland"), ("es", "Francia", "Alemania"),
     ("fr", "France", "Allemagne"), ("nb", "Frankrike", "Tyskland")],
)  # fmt: skip
def test_a_country_is_named_in_the_active_language(language, france, germany):
    with translation.override(language):
        assert (country_name("FR"), country_name("de")) == (france, germany)
    assert country_name("FR", language) == france


def test_every_language_names_every_country_english_knows_and_unknown_codes_stay_codes():
    english = country_names("en")
    assert len(english) > 240
    for language in ("de", "es", "fr", "nb"):
        assert set(country_names(language)) == set(english)
    assert country_name("XX", "de") == "XX" and country_name("", "de") == ""


def test_the_editors_country_list_is_in_the_language_and_ordered_as_a_reader_expects():
    with translation.override("de"):
        names = [name for _, name in country_choices()]
    assert "Frankreich" in names and "France" not in names
    assert names.index("Ägypten") < names.index("Albanien")  # Ä with the A's, not after Z
    assert names == sorted(names, key=name_sort_key)


@pytest.mark.django_db
def test_a_listings_public_place_names_its_country_in_the_readers_language():
    listing = ListingFactory(neighbourhood="Le Marais", city="Paris", region="", country_code="FR")
    assert listing_public_place(listing) == "Le Marais, Paris, France"
    with translation.override("de"):
        assert listing_public_place(listing) == "Le Marais, Paris, Frankreich"
