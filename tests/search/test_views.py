"""The basic search: place resolution, the bounding-box query, and the results page."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext

from listings.models import ListingStatus
from search import selectors
from search.selectors import listing_search_basic, normalise_place_name, place_resolve
from tests.listings.factories import ListingFactory

AFTER_CHECKIN = "Check-out must be after check-in."
IN_THE_PAST = "Check-in can&#x27;t be in the past."


def in_paris(**fields):
    return ListingFactory(location=Point(2.35, 48.86, srid=4326), **fields)


def card_titles(response) -> list[str]:
    return re.findall(r'class="card__link" href="[^"]+">([^<]+)</a>', response.content.decode())


def future(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


# --- Place resolution (no database) -------------------------------------------------------


def test_paris_resolves_to_france_with_a_box_of_about_30_km():
    place = place_resolve("Paris")
    assert place is not None
    assert (place.name, place.country_code, place.country_name) == ("Paris", "FR", "France")
    assert place.label == "Paris, France"
    west, south, east, north = place.bbox
    assert west < place.lng < east and south < place.lat < north
    assert (north - south) * 110.574 == pytest.approx(30, rel=0.01)
    assert (east - west) * 111.320 * 0.6579 == pytest.approx(30, rel=0.02)  # cos(48.85°) ≈ 0.658


@pytest.mark.parametrize("query", ["munchen", "Munchen", "MÜNCHEN", "  münchen ", "Muenchen", "Munich"])
def test_munich_by_any_spelling(query):
    place = place_resolve(query)
    assert place is not None
    assert place.country_code == "DE"
    assert place.name == "Munich"


def test_most_populous_city_wins_and_a_qualifier_narrows():
    assert place_resolve("Valencia").country_code == "VE"  # Valencia, Venezuela is the bigger one
    assert place_resolve("Valencia, Spain").country_code == "ES"
    assert place_resolve("valencia, es").country_code == "ES"
    texas = place_resolve("Paris, TX")
    assert texas.country_code == "US" and texas.lat < 40
    assert place_resolve("Paris, Narnia") is None


def test_own_name_beats_a_foreign_alternate_name():
    assert place_resolve("Porto").country_code == "PT"
    assert place_resolve("New York").name == "New York City"  # only an alternate name, so that is used


@pytest.mark.parametrize("query", ["Xyzzyville", "", "   ", ",", "🏖️"])
def test_unknown_place_is_none(query):
    assert place_resolve(query) is None


def test_normalise_place_name():
    assert normalise_place_name("  São-Paulo ") == "sao paulo"
    assert normalise_place_name("ZÜRICH") == "zurich"


# --- The query ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_search_returns_listings_inside_the_box_only():
    inside = in_paris(title="Inside")
    ListingFactory(title="Lyon", location=Point(4.8357, 45.764, srid=4326))
    ListingFactory(title="22 km north", location=Point(2.3488, 48.85341 + 0.2, srid=4326))
    in_paris(title="Draft", status=ListingStatus.DRAFT)
    page = listing_search_basic(place=place_resolve("Paris"), guests=1, page=1)
    assert [listing.pk for listing in page.object_list] == [inside.pk]
    assert page.paginator.count == 1 and not page.paginator.count_is_capped


@pytest.mark.django_db
def test_search_filters_by_guests_and_orders_by_rating_unrated_last():
    unrated = in_paris(title="Unrated", max_guests=6)
    good = in_paris(title="Good", max_guests=6, rating_avg=Decimal("4.20"), rating_count=5)
    best = in_paris(title="Best", max_guests=8, rating_avg=Decimal("4.95"), rating_count=9)
    in_paris(title="Too small", max_guests=2, rating_avg=Decimal("5.00"), rating_count=3)
    page = listing_search_basic(place=place_resolve("Paris"), guests=5, page=1)
    assert [listing.pk for listing in page.object_list] == [best.pk, good.pk, unrated.pk]


@pytest.mark.django_db
def test_count_is_capped_with_a_limited_subquery(monkeypatch):
    monkeypatch.setattr(selectors, "RESULTS_COUNT_CAP", 5)
    monkeypatch.setattr(selectors, "RESULTS_PER_PAGE", 2)
    for _ in range(7):
        in_paris()
    with CaptureQueriesContext(connection) as queries:
        page = listing_search_basic(place=place_resolve("Paris"), guests=1, page=3)
        assert page.paginator.count == 5
        assert page.paginator.count_is_capped
    count_sql = next(q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper())
    assert "LIMIT 6" in count_sql
    assert "ORDER BY" not in count_sql.upper()
    assert page.paginator.num_pages == 3
    assert len(page.object_list) == 1
    assert not page.has_next()


@pytest.mark.django_db
@pytest.mark.parametrize("page_param", ["abc", "0", "-1", "999", None, ""])
def test_bad_page_numbers_give_a_valid_page(page_param):
    in_paris()
    page = listing_search_basic(place=place_resolve("Paris"), guests=1, page=page_param)
    assert page.number == 1 and len(page.object_list) == 1


# --- The page -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_results_page_shows_cards_and_keeps_the_search(client):
    in_paris(title="Loft on the Seine", base_price=Decimal("95"), max_guests=3)
    ListingFactory(title="Lyon flat", location=Point(4.8357, 45.764, srid=4326))
    checkin, checkout = future(30), future(34)
    response = client.get("/search/", {"q": "paris", "guests": "2", "checkin": checkin, "checkout": checkout})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Stays in Paris</h1>" in html
    assert "1 stay" in html and "Paris, France" in html
    assert card_titles(response) == ["Loft on the Seine"]
    assert "€95</strong> night" in html
    assert 'value="paris"' in html and f'value="{checkin}"' in html and f'value="{checkout}"' in html
    assert 'name="guests" value="2"' in html
    assert "available" not in html.lower()  # dates are kept, but availability is not claimed


@pytest.mark.django_db
def test_results_page_guests_filter(client):
    in_paris(title="Studio", max_guests=2)
    in_paris(title="Family house", max_guests=6)
    response = client.get("/search/", {"q": "Paris", "guests": "5"})
    assert card_titles(response) == ["Family house"]
    assert "for 5 guests" in response.content.decode()


@pytest.mark.django_db
def test_no_results_in_a_known_place(client):
    response = client.get("/search/", {"q": "Munich"})
    assert response.status_code == 200
    assert "No stays match in Munich." in response.content.decode()


@pytest.mark.django_db
def test_unknown_place_is_a_friendly_message(client):
    response = client.get("/search/", {"q": "Xyzzyville"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "We couldn't find a place called “Xyzzyville”" in html
    assert 'href="/search/?q=Lisbon"' in html


@pytest.mark.django_db
def test_empty_search_page_shows_the_form(client):
    response = client.get("/search/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Search stays</h1>" in html
    assert "field-error" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"q": "Paris", "guests": "abc"}, "guests", "Enter the number of guests, from 1 to 16."),
        ({"q": "Paris", "guests": "0"}, "guests", "At least 1 guest."),
        ({"q": "Paris", "guests": "17"}, "guests", "At most 16 guests."),
        ({"q": "Paris", "checkin": future(10), "checkout": future(5)}, "checkout", AFTER_CHECKIN),
        ({"q": "Paris", "checkin": future(10), "checkout": future(10)}, "checkout", AFTER_CHECKIN),
        ({"q": "Paris", "checkin": "2020-01-01", "checkout": future(5)}, "checkin", IN_THE_PAST),
        ({"q": "Paris", "checkin": "31/12/2030", "checkout": future(5)}, "checkin", "Enter a valid date."),
        ({"q": "Paris", "checkin": future(3)}, "checkout", "Add a check-out date, or clear check-in."),
        ({"q": ""}, "q", "Enter a city to search, for example Paris."),
        ({"guests": "2"}, "q", "Enter a city to search, for example Paris."),
        ({"q": "x" * 101}, "q", "Ensure this value has at most 100 characters (it has 101)."),
    ],
)
def test_bad_parameters_are_inline_errors_not_500(client, params, field, message):
    in_paris(title="Should not show")
    response = client.get("/search/", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<p class="field-error" id="{field}-error">{message}</p>' in html
    field_input = re.search(rf'<input[^>]*id="{field}"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field_input and f'aria-describedby="{field}-error"' in field_input
    assert f'href="#{field}"' in html  # the error summary links to the field
    assert card_titles(response) == []


@pytest.mark.django_db
def test_pagination_keeps_the_query_string(client):
    for number in range(23):
        in_paris(title=f"Flat {number:02d}", max_guests=3)
    response = client.get("/search/", {"q": "Paris", "guests": "2", "checkin": future(3), "checkout": future(5)})
    assert len(card_titles(response)) == 20
    html = response.content.decode()
    assert "23 stays" in html
    next_link = re.search(r'<a class="pagination__step" href="([^"]+)" rel="next">', html).group(1)
    assert next_link == f"?q=Paris&amp;guests=2&amp;checkin={future(3)}&amp;checkout={future(5)}&amp;page=2"
    second = client.get("/search/" + next_link.replace("&amp;", "&"))
    assert len(card_titles(second)) == 3
    assert 'aria-current="page"' in second.content.decode()
    assert set(card_titles(response)).isdisjoint(card_titles(second))


@pytest.mark.django_db
def test_capped_count_reads_as_a_lower_bound(client, monkeypatch):
    monkeypatch.setattr(selectors, "RESULTS_COUNT_CAP", 3)
    for _ in range(5):
        in_paris()
    html = client.get("/search/", {"q": "Paris"}).content.decode()
    assert "3+ stays" in html
    assert "These are the first 3 stays." in html


@pytest.mark.django_db
def test_results_page_has_no_n_plus_one(client, django_assert_max_num_queries):
    for _ in range(10):
        in_paris()
    with django_assert_max_num_queries(4):  # count, page, photos, (session-less anonymous request)
        assert client.get("/search/", {"q": "Paris"}).status_code == 200
