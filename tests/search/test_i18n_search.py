"""Search in every shipped language: the results page, its form errors and the search API's messages.

The page check is the one of tests/platform/test_i18n.py (no English run from the catalogue left
on the page, search form and filters included), over the search page's states: results with
pages and filters, a corrected typo, no results, an unknown place, the empty form, bad input.
Place names are data (the gazetteer's spelling) and stay as they are.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.test import Client

from tests.accounts.factories import UserFactory
from tests.platform.test_i18n import SHIPPED, english_left, english_phrases, visible_text

from .conftest import in_paris

pytestmark = pytest.mark.django_db
OSLO = Point(10.7522, 59.9139, srid=4326)


def future(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


@pytest.fixture
def paris():
    """21 stays in Paris (two result pages): a Superhost's rated Instant Book flat among them."""
    star = UserFactory(is_superhost=True)
    in_paris(title="Loft", host=star, instant_book=True, rating_avg=Decimal("4.85"), rating_count=12)
    for index in range(20):
        in_paris(title=f"Flat {index}", base_price=Decimal("80") + index, bedrooms=1, beds=1)
    in_paris(title="Oslo flat", location=OSLO, city="Oslo", country_code="NO", base_price=Decimal("1250"))


def search_pages() -> list[tuple[str, dict]]:
    dates = {"checkin": future(30), "checkout": future(33)}
    return [
        ("results", {"q": "Paris", "guests": "2", **dates}),
        ("filters set", {"q": "Paris", "instant_book": "1", "room_type": "entire", "price_type": "total", **dates}),
        ("page two", {"q": "Paris", "page": "2"}),
        ("flexible", {"q": "Paris", "flex": "weekend"}),
        ("typo", {"q": "Olso", "guests": "2"}),
        ("no results", {"q": "Lisbon", **dates}),
        ("unknown place", {"q": "Xyzzyville"}),
        ("empty form", {}),
        ("errors", {"q": "Paris", "guests": "17", "price_min": "50", "price_max": "10", "checkin": future(3)}),
    ]


@pytest.mark.parametrize("language", SHIPPED)
def test_the_search_page_shows_no_english_from_the_catalogue(paris, language):
    phrases = english_phrases(language)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    problems = {}
    for name, query in search_pages():
        response = client.get("/search/", query)
        assert response.status_code == 200, name
        assert response["Content-Language"] == language
        left = english_left(visible_text(response.content.decode()), phrases)
        if left:
            problems[name] = left
    assert not problems, f"English left on {language} search pages: {problems}"


def test_the_check_sees_the_search_pages_english():
    """In English the same pages are full of catalogue phrases: the check above is not blind to them."""
    phrases = english_phrases("de")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for name, query in search_pages():
        if name in {"results", "typo", "errors", "no results"}:
            html = client.get("/search/", query).content.decode()
            assert len(english_left(visible_text(html), phrases)) >= 4, name


def test_the_place_is_labelled_with_its_country_in_the_readers_language(paris):
    answers = {
        language: Client(HTTP_ACCEPT_LANGUAGE=language).get("/api/v1/search/", {"q": query}).json()["place"]["label"]
        for language, query in (("en", "Paris"), ("de", "Paris"), ("es", "Paris"), ("nb", "France"))
    }
    assert answers == {"en": "Paris, France", "de": "Paris, Frankreich", "es": "Paris, Francia", "nb": "Frankrike"}
    suggestions = Client(HTTP_ACCEPT_LANGUAGE="de").get("/api/v1/search/places/", {"q": "Pari"}).json()
    assert "Paris, Frankreich" in [place["label"] for place in suggestions["results"]]


def test_the_results_page_in_german(paris):
    query = {"q": "Paris", "guests": "2", "checkin": future(30), "checkout": future(33), "instant_book": "1"}
    html = Client(HTTP_ACCEPT_LANGUAGE="de").get("/search/", query).content.decode()
    assert '<h1 id="results-heading">Unterkünfte in Paris</h1>' in html
    assert "1 Unterkunft in Paris, Frankreich · " in html  # the place's name is the gazetteer's, its country German
    assert "2 Gäste" in html and "3 Nächte" in html and "1 Unterkunft anzeigen" in html
    assert "(1 aktiv)" in html and "Sofortbuchung" in html and "Superhost" in html
    assert '<span aria-hidden="true">4,85 (12)</span>' in html and "Mit 4,85 von 5 bewertet, 12 Bewertungen" in html
    # Money the way German writes it: the symbol after the amount; days as "2. Jan", never split from the month.
    assert re.search(r"<strong>\d+\xa0€</strong> Nacht · <span class=\"card__total\">\d+\xa0€ insgesamt</span>", html)
    assert re.search(r"\d+\.\xa0[A-Z][a-zä]{2} – \d+\.\xa0[A-Z][a-zä]{2} · 3 Nächte", html)
    assert 'placeholder="Stadt, Region oder Land"' in html and "Karte anzeigen" in html


def test_a_corrected_typo_is_said_in_the_page_language_and_keeps_the_link():
    html = Client(HTTP_ACCEPT_LANGUAGE="es").get("/search/", {"q": "Olso"}).content.decode()
    assert "Mostrando resultados para <strong>Oslo</strong>" in html
    assert re.search(r'<a href="[^"]*exact_place=1[^"]*" data-exact-place>Buscar en su lugar Olso</a>', html)
    assert "No hay alojamientos que coincidan en Oslo." in html


def test_an_unknown_place_lists_the_examples_the_languages_way():
    html = Client(HTTP_ACCEPT_LANGUAGE="fr").get("/search/", {"q": "Xyzzyville"}).content.decode()
    assert "Nous n'avons trouvé aucun lieu nommé « Xyzzyville »" in html
    assert '<a href="/search/?q=Lisbon">Lisbon</a>' in html  # place names stay as the gazetteer spells them
    assert re.search(r'New York</a> ou <a href="/search/\?q=Valencia%2C%20Spain">', html)  # Django's "or" in French


FORM_ERRORS = {
    "en": ("At most 16 guests.", "The maximum price must be at least the minimum price.", "Enter a city to search"),
    "es": ("Como máximo 16 huéspedes.", "El precio máximo debe ser al menos igual al precio mínimo.", "Escribe una"),
    "fr": ("Au maximum 16 voyageurs.", "Le prix maximum doit être au moins égal au prix minimum.", "Saisissez une"),
    "de": (
        "Höchstens 16 Gäste.",
        "Der Höchstpreis muss mindestens so hoch sein wie der Mindestpreis.",
        "Gib eine Stadt",
    ),
    "nb": ("Høyst 16 gjester.", "Høyeste pris må være minst like høy som minsteprisen.", "Skriv inn en by"),
}


@pytest.mark.parametrize(
    ("language", "guests", "prices", "place"), [(code, *texts) for code, texts in FORM_ERRORS.items()]
)
def test_form_errors_come_in_the_page_language(language, guests, prices, place):
    client = Client(HTTP_ACCEPT_LANGUAGE=language) if language != "en" else Client()
    html = client.get("/search/", {"q": "Paris", "guests": "17", "price_min": "50", "price_max": "10"}).content.decode()
    assert guests in html and prices in html.replace("&#x27;", "'")
    assert place in client.get("/search/", {"guests": "2"}).content.decode()


# --- the API ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected", "not_a_number"),
    [
        ("en", "At most 16 guests.", "Enter the number of guests, from 1 to 16."),
        ("de", "Höchstens 16 Gäste.", "Gib die Anzahl der Gäste an, von 1 bis 16."),
        ("es", "Como máximo 16 huéspedes.", "Indica el número de huéspedes, de 1 a 16."),
    ],
)
def test_search_api_field_messages_follow_accept_language(language, expected, not_a_number):
    client = Client(HTTP_ACCEPT_LANGUAGE=language) if language != "en" else Client()
    response = client.get("/api/v1/search/", {"q": "Paris", "guests": "17"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"  # codes are never translated
    assert error["fields"]["guests"] == [expected]
    assert client.get("/api/v1/search/", {"q": "Paris", "guests": "abc"}).json()["error"]["fields"]["guests"] == [
        not_a_number
    ]


def test_an_unknown_place_in_the_api_is_said_in_french_with_the_name_as_typed():
    response = Client(HTTP_ACCEPT_LANGUAGE="fr").get("/api/v1/search/", {"q": "Xyzzyville"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["q"] == ["Nous n'avons trouvé aucun lieu nommé « Xyzzyville »."]


def test_availability_recheck_messages_follow_accept_language():
    body = {"listing_ids": [1], "check_in": future(10), "check_out": future(9)}
    url = "/api/v1/search/availability/"
    spanish = Client(HTTP_ACCEPT_LANGUAGE="es").post(url, body, content_type="application/json")
    assert spanish.status_code == 400
    assert spanish.json()["error"]["fields"]["check_out"] == ["La salida debe ser posterior a la llegada."]
    english = Client().post(url, body, content_type="application/json")
    assert english.json()["error"]["fields"]["check_out"] == ["Check-out must be after check-in."]


def test_place_suggestion_errors_follow_accept_language():
    response = Client(HTTP_ACCEPT_LANGUAGE="nb").get("/api/v1/search/places/", {"q": "x" * 101})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["q"] == ["Høyst 100 tegn."]


def test_the_unknown_place_message_is_recognised_in_every_language():
    """The page tells "no such place" from other errors by the error's code, not its English words."""
    for language in SHIPPED:
        html = Client(HTTP_ACCEPT_LANGUAGE=language).get("/search/", {"q": "Xyzzyville"}).content.decode()
        assert 'class="empty-state__title"' in html and "Xyzzyville" in html, language
        assert "data-error-summary" not in html, language
