"""The listing editor and the listing pages in every shipped language (docs/languages.md)."""

from html import unescape

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from listings.models import Listing
from tests.platform.test_i18n import english_left, english_phrases, visible_text

SHIPPED = [code for code, _name in settings.LANGUAGES if code != "en"]


def client_in(user, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def expected(language: str, msgid: str) -> str:
    with translation.override(language):
        return gettext(msgid)


@pytest.mark.parametrize("language", SHIPPED)
def test_the_editor_steps_and_their_errors_are_in_the_hosts_language(host, listing, language):
    client = client_in(host, language)
    phrases = english_phrases(language)
    response = client.post("/hosting/listings/new/", {"title": "", "property_type": "", "room_type": ""})
    html = unescape(response.content.decode())
    assert response.status_code in (200, 400)
    for msgid in ("Give your place a title.", "Choose the type of property.", "Choose what guests get."):
        assert expected(language, msgid) in html and msgid not in html
    assert english_left(visible_text(html), phrases) == []
    for step in ("basics", "location", "capacity", "amenities", "pricing"):
        page = client.get(f"/hosting/listings/{listing.pk}/edit/{step}/").content.decode()
        assert english_left(visible_text(page), phrases) == [], step
    bad_location = client.post(
        f"/hosting/listings/{listing.pk}/edit/location/",
        {"address": "1 Rue X", "city": "Paris", "country_code": "FR", "latitude": "95", "longitude": "2"},
    ).content.decode()
    bad_location = unescape(bad_location)
    assert expected(language, "Latitude must be between -90 and 90.") in bad_location
    bad_price = unescape(
        client.post(f"/hosting/listings/{listing.pk}/edit/pricing/", {"base_price": "5"}).content.decode()
    )
    with translation.override(language):
        assert gettext("The price per night must be at least %(limit_value)s.") % {"limit_value": "10"} in bad_price
    for page_url in (f"/hosting/listings/{listing.pk}/review/", f"/hosting/listings/{listing.pk}/photos/"):
        page = client.get(page_url).content.decode()
        assert english_left(visible_text(page), phrases) == [], page_url


@pytest.mark.parametrize("language", SHIPPED)
def test_the_listing_page_shows_amenities_room_type_and_policy_in_the_readers_language(listing, language):
    listing.amenities = ["wifi", "kitchen", "step-free-access"]
    listing.save(update_fields=["amenities"])
    html = unescape(Client(HTTP_ACCEPT_LANGUAGE=language).get(listing.get_absolute_url()).content.decode())
    assert expected(language, "Step-free guest entrance") in html and "Step-free guest entrance" not in html
    assert english_left(visible_text(html), english_phrases(language)) == []
    # Stored keys never change with the language.
    assert Listing.objects.get(pk=listing.pk).amenities == ["wifi", "kitchen", "step-free-access"]


def test_the_editor_saves_the_language_the_host_writes_in(host):
    client = client_in(host, "nb")
    form = client.get("/hosting/listings/new/").content.decode()
    assert 'name="language"' in form and '<option value="nb" selected>' in form  # the page's language first
    response = client.post(
        "/hosting/listings/new/",
        {"title": "Hytte ved fjorden", "property_type": "cabin", "room_type": "entire", "language": "de"},
    )
    assert response.status_code == 302
    listing = Listing.objects.get(host=host)
    assert listing.language == "de"
    # Changing it later on the same step; a step posted without the field keeps English as default elsewhere.
    client.post(
        f"/hosting/listings/{listing.pk}/edit/basics/",
        {"title": "Hytte ved fjorden", "property_type": "cabin", "room_type": "entire", "language": "nb"},
    )
    listing.refresh_from_db()
    assert listing.language == "nb"
    english = client_in(host, "en").post(
        "/hosting/listings/new/", {"title": "Second", "property_type": "cabin", "room_type": "entire"}
    )
    assert english.status_code == 302 and Listing.objects.get(title="Second").language == "en"


def test_the_api_takes_the_language_and_answers_amenity_names_per_request(host, listing):
    from tests.conftest import bearer_client

    api = bearer_client(host)
    assert api.patch(f"/api/v1/listings/{listing.pk}/", {"language": "fr"}, format="json").status_code == 200
    listing.refresh_from_db()
    assert listing.language == "fr"
    bad = api.patch(
        f"/api/v1/listings/{listing.pk}/", {"amenities": ["jetpack"]}, format="json", HTTP_ACCEPT_LANGUAGE="de"
    )
    assert bad.status_code == 400 and "Unbekannter Ausstattungscode: jetpack" in bad.content.decode()
    names = {a["code"]: a["name"] for a in api.get("/api/v1/amenities/", HTTP_ACCEPT_LANGUAGE="es").json()}
    assert names["kitchen"] == "Cocina" and names["wifi"] == "Wifi"
    assert {a["code"]: a["name"] for a in api.get("/api/v1/amenities/").json()}["kitchen"] == "Kitchen"


def test_flash_messages_follow_the_request_language(host, listing):
    response = client_in(host, "de").post(f"/hosting/listings/{listing.pk}/unlist/", follow=True)
    assert "ist deaktiviert" in response.content.decode()
    response = client_in(host, "en").post(f"/hosting/listings/{listing.pk}/publish/", follow=True)
    assert "is live again" in response.content.decode()
