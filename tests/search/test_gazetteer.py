"""The offline gazetteer: spellings, accents, qualifiers, typos, kinds of places."""

import pytest

from search.gazetteer import currency_near, gazetteer_clear_caches, normalise_place_name, place_resolve, place_suggest

pytestmark = pytest.mark.django_db


def test_paris_resolves_to_france_with_a_box_of_about_30_km():
    place = place_resolve("Paris")
    assert (place.name, place.country_code, place.country_name, place.kind) == ("Paris", "FR", "France", "city")
    assert place.label == "Paris, France" and place.currency == "EUR"
    west, south, east, north = place.bbox
    assert west < place.lng < east and south < place.lat < north
    assert (north - south) * 110.574 == pytest.approx(30, rel=0.01)


@pytest.mark.parametrize("query", ["munchen", "Munchen", "MÜNCHEN", "  münchen ", "Muenchen", "Munich"])
def test_munich_by_any_spelling(query):
    place = place_resolve(query)
    assert (place.name, place.country_code) == ("Munich", "DE")


def test_most_populous_city_wins_and_a_qualifier_narrows():
    assert place_resolve("Valencia").country_code == "VE"
    assert place_resolve("Valencia, Spain").country_code == "ES"
    assert place_resolve("valencia, es").country_code == "ES"
    texas = place_resolve("Paris, TX")
    assert texas.country_code == "US" and texas.lat < 40
    assert place_resolve("Paris, Narnia") is None


def test_own_name_beats_a_foreign_alternate_name():
    assert place_resolve("Porto").country_code == "PT"
    assert place_resolve("New York").name == "New York City"


def test_countries_and_states_resolve_with_their_boxes():
    france = place_resolve("France")
    assert france.kind == "country" and france.label == "France"
    west, south, east, north = france.bbox
    assert west < 2.35 < east and south < 48.85 < north
    assert place_resolve("Texas").kind == "region"
    usa = place_resolve("USA")
    assert (usa.kind, usa.country_code) == ("country", "US")
    assert usa.bbox[0] > -130  # Hawaii and Alaska do not stretch the box
    assert place_resolve("UK").country_code == "GB" and place_resolve("holland, mi").country_code == "US"


@pytest.mark.parametrize("typo, name", [("Barcelna", "Barcelona"), ("Amsterdm", "Amsterdam"), ("Lisbonn", "Lisbon")])
def test_typos_find_the_place(typo, name):
    assert place_resolve(typo).name == name


@pytest.mark.parametrize("query", ["Xyzzyville", "", "   ", ",", "🏖️", "x" * 300])
def test_unknown_place_is_none(query):
    assert place_resolve(query) is None


def test_normalise_place_name():
    assert normalise_place_name("  São-Paulo ") == "sao paulo"
    assert normalise_place_name("ZÜRICH") == "zurich"


def test_suggestions_and_currency_near():
    assert "Paris" in [place.name for place in place_suggest("pari")]
    assert place_suggest("p") == []
    assert currency_near(48.85, 2.35) == "EUR"
    assert currency_near(40.7, -74.0) == "USD"


@pytest.mark.parametrize(
    "typo, name",
    [("Olso", "Oslo"), ("olso", "Oslo"), ("Lodnon", "London"), ("Pairs", "Paris"), ("Berln", "Berlin"),
     ("Amsterdma", "Amsterdam"), ("Brelin", "Berlin"), ("Madird", "Madrid")],
)  # fmt: skip
def test_a_common_typo_finds_the_big_city_and_says_it_corrected(typo, name):
    place = place_resolve(typo)
    assert place.name == name and place.corrected


def test_an_exact_name_is_never_corrected_and_exact_mode_does_not_guess():
    assert not place_resolve("Oslo").corrected
    assert place_resolve("Olot").name == "Olot"  # a real town one letter from "Olso" stays itself
    assert place_resolve("Olso", exact=True) is None


def test_the_suggestions_offer_the_correction():
    assert place_suggest("Olso")[0].name == "Oslo"
    assert place_suggest("Pari")[0].name == "Paris"


def test_how_often_a_place_is_searched_weighs_in_a_close_call():
    """ "Nise" is one edit from Nice (342,000 people) and from Niš (260,000): searches decide."""
    from search.services import place_search_record, place_searches_flush

    assert place_resolve("Nise").name == "Nice"
    nis = place_resolve("Niš")
    assert not nis.corrected
    for _ in range(5):
        place_search_record(place=nis)
    place_search_record(place=place_resolve("Nise"))  # a correction is not counted
    assert place_searches_flush() >= 1
    from search.models import PlaceSearchCount

    assert PlaceSearchCount.objects.get(place_id=nis.id).searches == 5
    assert not PlaceSearchCount.objects.filter(place_id=place_resolve("Nice").id).exists()
    gazetteer_clear_caches()
    assert place_resolve("Nise").name == "Niš"
