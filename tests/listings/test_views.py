"""Pages: the listing page, "List your place", photos, "My listings" and wishlists.

Every page goes through the accessibility audit of the platform page tests (alt
text, labels, unique ids, no inline scripts).
"""

import html
import math
import re
from decimal import Decimal

import pytest
from django.test import Client

from listings.models import POLICY_TEXT, Listing, ListingPhoto, ListingStatus, Wishlist, WishlistItem
from listings.services.photos import photo_variants_generate
from pricing.selectors import price_quote
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import book, days
from tests.listings.conftest import logged_in
from tests.listings.factories import ListingFactory, ListingPhotoFactory, WishlistFactory, draft_listing
from tests.listings.helpers import gps_jpeg, jpeg_upload, upload
from tests.platform.test_pages import audit

pytestmark = pytest.mark.django_db


def words(response) -> str:
    """The page's text without tags, whitespace collapsed: what a reader sees."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def page(response) -> str:
    return html.unescape(response.content.decode())


def km_between(lat1, lng1, lat2, lng2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


# --- the listing page ---------------------------------------------------------------------------------


def test_listing_page_gallery_uses_srcset_and_lazy_loading(client, listing):
    for position in (1, 2):
        ListingPhotoFactory(listing=listing, position=position)
    ListingPhoto.objects.create(listing=listing, image="demo/house-01.jpg", width=1200, height=800, position=3)
    for photo in listing.photos.exclude(image__startswith="demo/"):
        photo_variants_generate(photo_id=photo.pk)
    response = client.get(listing.get_absolute_url())
    assert response.status_code == 200
    images = audit(response).images
    assert len(images) == 4
    first, second, *_, demo = images
    assert first["srcset"].endswith("640w") and "-thumb.webp 320w" in first["srcset"]
    assert first["sizes"] == "(min-width: 950px) 50vw, 88vw" and first["fetchpriority"] == "high"
    assert "loading" not in first
    assert second["loading"] == "lazy" and second["src"].endswith("-card.webp")
    # The demo pool's shared photos have no variants: the original is shown, without srcset.
    assert demo["src"] == "/media/demo/house-01.jpg" and "srcset" not in demo
    assert first["alt"] == "Living room" and demo["alt"] == "Photo 4 of " + listing.title


def test_listing_page_price_breakdown_for_dates(client, listing):
    stay = {"check_in": days(10).isoformat(), "check_out": days(13).isoformat(), "guests": 2}
    response = client.get(listing.get_absolute_url(), stay)
    text = words(response)
    quote = price_quote(listing=listing, check_in=days(10), check_out=days(13), guests=2)
    assert "3 nights" in text and "Cleaning fee" in text and "Service fee" in text
    assert f"€{quote.total:,.2f}".replace(".00", "") in text
    assert "Reserve" in text
    audit(response)


def test_listing_page_map_shows_an_offset_area_to_guests_who_have_not_booked(client, listing):
    response = client.get(listing.get_absolute_url())
    body = page(response)
    assert "1 Rue de Rivoli" not in body
    match = re.search(r'data-lat="([-\d.]+)" data-lng="([-\d.]+)" data-radius="1000"', body)
    assert match, "no approximate area on the page"
    lat, lng = float(match[1]), float(match[2])
    distance = km_between(lat, lng, listing.location.y, listing.location.x)
    assert 0.2 < distance < 1.0  # the true point is inside the circle but not its centre
    assert client.get(listing.get_absolute_url()).content.decode().count(match[0]) == 1  # same every time
    assert "exact address is shared once your booking is confirmed" in words(response)


def test_a_guest_with_a_confirmed_stay_sees_the_exact_address(listing):
    guest = UserFactory()
    booking = book(guest=guest, listing=listing, start=10, nights=2)
    assert booking.status == "confirmed"
    body = page(logged_in(guest).get(listing.get_absolute_url()))
    assert "1 Rue de Rivoli" in body and "data-exact" in body and "data-radius" not in body
    assert "mlat=48.856600" in body


@pytest.mark.parametrize(
    ("language", "minutes", "expected"),
    [
        ("de", 45, "Antwortet meistens innerhalb einer Stunde"),
        ("es", 300, "Suele responder en pocas horas"),
        ("fr", 1000, "Répond généralement en moins d’une journée"),
        ("nb", 5000, "Svarer vanligvis om noen dager eller mer"),
    ],
)
def test_host_card_response_time_is_in_the_readers_language(listing, language, minutes, expected):
    from django.test import Client

    listing.host.response_time_minutes = minutes
    listing.host.save()
    text = words(Client(HTTP_ACCEPT_LANGUAGE=language).get(listing.get_absolute_url()))
    assert expected in text


def test_host_card_response_stats_superhost_and_policy(client, listing):
    listing.host.is_superhost = True
    listing.host.response_rate = Decimal("0.953")
    listing.host.response_time_minutes = 45
    listing.host.save()
    text = words(client.get(listing.get_absolute_url()))
    assert "Superhost" in text and "Response rate: 95%" in text and "Usually responds within an hour" in text
    assert str(POLICY_TEXT[listing.cancellation_policy]) in text


def test_heart_on_the_listing_page(client, listing):
    body = page(client.get(listing.get_absolute_url()))
    assert f"Log in to save {listing.title} to a wishlist" in body
    guest = UserFactory()
    guest_client = logged_in(guest)
    response = guest_client.get(listing.get_absolute_url())
    assert f'action="/wishlists/toggle/{listing.pk}/"' in page(response) and 'aria-pressed="false"' in page(response)
    audit(response)
    saved = guest_client.post(f"/wishlists/toggle/{listing.pk}/", {"next": listing.get_absolute_url()}, follow=True)
    assert 'aria-pressed="true"' in page(saved) and "Saved to “Favourites”." in words(saved)


def test_owner_previews_a_draft_others_get_404(host_client, stranger_client, client, host):
    draft = draft_listing(host=host, title="Hidden gem")
    url = f"/rooms/{draft.pk}/{draft.slug}/"
    response = host_client.get(url)
    assert response.status_code == 200
    assert "Preview." in words(response) and "No price yet" in words(response)
    audit(response)
    assert stranger_client.get(url).status_code == 404
    assert client.get(url).status_code == 404


# --- List your place ---------------------------------------------------------------------------------------


def test_list_your_place_step_by_step(host, host_client, django_capture_on_commit_callbacks):
    response = host_client.get("/hosting/listings/new/")
    assert response.status_code == 200 and "Step 1 of 7" in words(response)
    audit(response)
    response = host_client.post(
        "/hosting/listings/new/", {"title": "Garden studio", "property_type": "guesthouse", "room_type": "entire"}
    )
    listing = Listing.objects.get(host=host)
    assert response.status_code == 302 and response["Location"] == f"/hosting/listings/{listing.pk}/edit/location/"
    assert listing.status == ListingStatus.DRAFT

    location = {
        "address": "3 Mill Lane",
        "city": "Bath",
        "country_code": "GB",
        "latitude": "51.38",
        "longitude": "-2.36",
    }
    assert host_client.post(response["Location"], location).status_code == 302
    capacity = {"max_guests": 3, "bedrooms": 1, "beds": 2, "bathrooms": "1.5"}
    assert host_client.post(f"/hosting/listings/{listing.pk}/edit/capacity/", capacity).status_code == 302

    amenities_page = host_client.get(f"/hosting/listings/{listing.pk}/edit/amenities/")
    text = words(amenities_page)
    assert "Essentials" in text and "Accessibility" in text and "Step-free guest entrance" in text
    assert "icons/accessible.svg#i" in page(amenities_page)
    audit(amenities_page)
    host_client.post(f"/hosting/listings/{listing.pk}/edit/amenities/", {"amenities": ["wifi", "step-free-access"]})

    pricing_page = host_client.get(f"/hosting/listings/{listing.pk}/edit/pricing/")
    assert all(str(text) in words(pricing_page) for text in POLICY_TEXT.values())
    audit(pricing_page)
    pricing = {
        "currency": "GBP", "base_price": "85", "cleaning_fee": "20", "weekly_discount_pct": 10,
        "monthly_discount_pct": 20, "min_nights": 2, "max_nights": 30, "check_in_time": "16:00",
        "check_out_time": "10:00", "house_rules": "No smoking", "instant_book": "on", "cancellation_policy": "strict",
    }  # fmt: skip
    assert host_client.post(f"/hosting/listings/{listing.pk}/edit/pricing/", pricing).status_code == 302

    photos_url = f"/hosting/listings/{listing.pk}/photos/"
    audit(host_client.get(photos_url))
    with django_capture_on_commit_callbacks(execute=True):
        uploaded = host_client.post(photos_url, {"photos": [upload("garden.jpg", gps_jpeg()), jpeg_upload("b.jpg")]})
    assert uploaded.status_code == 302
    photos_page = host_client.get(photos_url)
    assert "Added 2 photos." in words(photos_page) and "(2 of 50)" in words(photos_page)
    audit(photos_page)

    review = host_client.get(f"/hosting/listings/{listing.pk}/review/")
    assert "Before you can publish" not in words(review) and "Wifi" in words(review)
    audit(review)
    published = host_client.post(f"/hosting/listings/{listing.pk}/publish/", follow=True)
    listing.refresh_from_db()
    assert listing.status == ListingStatus.PUBLISHED and "is published" in words(published)
    assert listing.amenities == ["wifi", "step-free-access"] and listing.base_price == Decimal("85")
    assert listing.location.y == pytest.approx(51.38) and listing.bathrooms == Decimal("1.5")


def test_invalid_steps_show_errors_inline_and_save_nothing(host, host_client):
    listing = ListingFactory(host=host, min_nights=2, max_nights=20)
    before = Listing.objects.filter(pk=listing.pk).values().get()
    bad_location = {"address": "x", "city": "Paris", "country_code": "FR", "latitude": "95", "longitude": "2.3"}
    response = host_client.post(f"/hosting/listings/{listing.pk}/edit/location/", bad_location)
    assert response.status_code == 400 and "Latitude must be between -90 and 90." in words(response)
    audit(response)
    bad_pricing = {
        "currency": "EUR", "base_price": "-4", "cleaning_fee": "0", "weekly_discount_pct": 0,
        "monthly_discount_pct": 0, "min_nights": 9, "max_nights": 3, "check_in_time": "15:00",
        "check_out_time": "11:00", "cancellation_policy": "moderate",
    }  # fmt: skip
    response = host_client.post(f"/hosting/listings/{listing.pk}/edit/pricing/", bad_pricing)
    text = words(response)
    assert response.status_code == 400
    assert "The price per night must be at least 10." in text
    assert "The maximum stay must be at least the minimum stay (9 nights)." in text
    response = host_client.post(f"/hosting/listings/{listing.pk}/edit/capacity/", {"max_guests": 0, "beds": 1})
    assert response.status_code == 400 and "At least 1 guest." in words(response)
    response = host_client.post(f"/hosting/listings/{listing.pk}/edit/amenities/", {"amenities": ["jacuzzi-on-roof"]})
    assert response.status_code == 400 and "not one of the available choices" in words(response)
    bad_upload = host_client.post(f"/hosting/listings/{listing.pk}/photos/", {"photos": [upload("x.jpg", b"text")]})
    assert bad_upload.status_code == 400 and "x.jpg: This file is not a photo we can read" in words(bad_upload)
    assert Listing.objects.filter(pk=listing.pk).values().get() == before
    assert ListingPhoto.objects.filter(listing=listing).count() == 0


def test_capacity_below_a_booking_is_an_inline_error(host, host_client, listing):
    book(guest=UserFactory(), listing=listing, start=10, nights=2, guests=4)
    response = host_client.post(
        f"/hosting/listings/{listing.pk}/edit/capacity/", {"max_guests": 2, "bedrooms": 1, "beds": 2, "bathrooms": "1"}
    )
    assert response.status_code == 400 and "A booking for 4 guests" in words(response)


def test_photo_actions_from_the_page(host, host_client):
    listing = draft_listing(host=host)
    a, b = ListingPhotoFactory(listing=listing, position=0), ListingPhotoFactory(listing=listing, position=1)
    base = f"/hosting/listings/{listing.pk}/photos/"
    host_client.post(f"{base}{b.pk}/caption/", {f"p{b.pk}-caption": "Terrace at dusk"})
    host_client.post(f"{base}{b.pk}/cover/")
    order = list(ListingPhoto.objects.filter(listing=listing).order_by("position").values_list("pk", "caption"))
    assert order == [(b.pk, "Terrace at dusk"), (a.pk, "")]
    host_client.post(f"{base}{b.pk}/down/")
    assert ListingPhoto.objects.get(pk=a.pk).position == 0
    host_client.post(f"{base}{a.pk}/delete/")
    assert list(ListingPhoto.objects.filter(listing=listing).values_list("pk", "position")) == [(b.pk, 0)]


def test_publishing_an_incomplete_listing_says_what_is_missing(host, host_client):
    listing = draft_listing(host=host)
    review = host_client.get(f"/hosting/listings/{listing.pk}/review/")
    text = words(review)
    assert (
        "Set the location on the map" in text and "Set a nightly price." in text and "Add at least one photo." in text
    )
    response = host_client.post(f"/hosting/listings/{listing.pk}/publish/", follow=True)
    assert "Before publishing:" in words(response)
    assert Listing.objects.get(pk=listing.pk).status == ListingStatus.DRAFT


def test_my_listings_shows_statuses_and_actions_without_n_plus_1(host, host_client, django_assert_max_num_queries):
    for status in (ListingStatus.PUBLISHED, ListingStatus.DRAFT, ListingStatus.UNLISTED):
        for _ in range(3):
            ListingPhotoFactory(listing=ListingFactory(host=host, status=status))
    ListingFactory(host=host, status=ListingStatus.DELETED, title="Gone for good")
    with django_assert_max_num_queries(12):
        response = host_client.get("/hosting/listings/")
    text = words(response)
    assert text.count("Published") >= 3 and "Relist" in text and "Publish" in text and "Unlist" in text
    assert "Gone for good" not in text
    assert "Draft: 3 · Published: 3 · Unlisted: 3" in text  # the counts, deleted ones left out
    audit(response)


def test_my_listings_counts_statuses_in_the_hosts_language(host, host_client):
    ListingFactory(host=host, status=ListingStatus.PUBLISHED)
    ListingFactory(host=host, status=ListingStatus.DRAFT)
    answers = {
        language: words(host_client.get("/hosting/listings/", HTTP_ACCEPT_LANGUAGE=language))
        for language in ("de", "fr")
    }
    assert "Entwurf: 1 · Veröffentlicht: 1" in answers["de"] and "published" not in answers["de"]
    assert "Brouillon : 1 · Publiée : 1" in answers["fr"]


def test_unlist_and_relist_from_my_listings(host, host_client, listing):
    host_client.post(f"/hosting/listings/{listing.pk}/unlist/", {"next": "/hosting/listings/"})
    assert Listing.objects.get(pk=listing.pk).status == ListingStatus.UNLISTED
    host_client.post(f"/hosting/listings/{listing.pk}/publish/")
    assert Listing.objects.get(pk=listing.pk).status == ListingStatus.PUBLISHED


def test_delete_page_names_upcoming_stays_and_refuses(host, host_client, listing):
    booking = book(guest=UserFactory(), listing=listing, start=15, nights=2)
    confirm = host_client.get(f"/hosting/listings/{listing.pk}/delete/")
    assert booking.reference in words(confirm) and "can't be deleted yet" in words(confirm)
    audit(confirm)
    refused = host_client.post(f"/hosting/listings/{listing.pk}/delete/", follow=True)
    assert "1 confirmed stay is coming up" in words(refused)
    assert Listing.objects.get(pk=listing.pk).status == ListingStatus.PUBLISHED
    other = ListingFactory(host=host)
    host_client.post(f"/hosting/listings/{other.pk}/delete/")
    assert Listing.objects.get(pk=other.pk).status == ListingStatus.DELETED


def host_urls(listing, photo) -> list[tuple[str, str, dict]]:
    base = f"/hosting/listings/{listing.pk}"
    return [
        ("get", f"{base}/edit/basics/", {}),
        ("post", f"{base}/edit/basics/", {"title": "Taken", "property_type": "house", "room_type": "entire"}),
        ("get", f"{base}/photos/", {}),
        ("post", f"{base}/photos/", {"photos": [jpeg_upload()]}),
        ("post", f"{base}/photos/{photo.pk}/caption/", {f"p{photo.pk}-caption": "Taken"}),
        ("post", f"{base}/photos/{photo.pk}/cover/", {}),
        ("post", f"{base}/photos/{photo.pk}/delete/", {}),
        ("get", f"{base}/review/", {}),
        ("post", f"{base}/publish/", {}),
        ("post", f"{base}/unlist/", {}),
        ("get", f"{base}/delete/", {}),
        ("post", f"{base}/delete/", {}),
    ]


@pytest.mark.parametrize("status", [ListingStatus.PUBLISHED, ListingStatus.DRAFT])
def test_other_users_get_404_on_every_host_page_and_change_nothing(host, stranger_client, client, status):
    listing = ListingFactory(host=host, status=status, title="Original")
    photo = ListingPhotoFactory(listing=listing, caption="Original")
    ListingPhotoFactory(listing=listing)
    before = (Listing.objects.filter(pk=listing.pk).values().get(), list(ListingPhoto.objects.values()))
    for method, url, data in host_urls(listing, photo):
        assert getattr(stranger_client, method)(url, data).status_code == 404, (method, url)
        anonymous = getattr(client, method)(url, data)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/"), (method, url)
    assert (Listing.objects.filter(pk=listing.pk).values().get(), list(ListingPhoto.objects.values())) == before


# --- wishlists ---------------------------------------------------------------------------------------------


def test_hearts_on_cards_are_filled_for_saved_listings_with_one_query(client, django_assert_max_num_queries):
    guest = UserFactory()
    listings = [ListingFactory(rating_avg=Decimal("4.8"), rating_count=5) for _ in range(6)]
    for listing in listings:
        ListingPhotoFactory(listing=listing)
    WishlistItem.objects.create(wishlist=WishlistFactory(owner=guest), listing=listings[0])
    guest_client = logged_in(guest)
    with django_assert_max_num_queries(9):
        response = guest_client.get("/")
    body = page(response)
    assert body.count('aria-pressed="true"') == 1 and body.count('aria-pressed="false"') == 5
    assert body.count("css/listings.css") == 1 and body.count("js/wishlists.js") == 1
    audit(response)
    assert body.count("/wishlists/toggle/") == 6
    anonymous = page(client.get("/"))
    assert "Log in to save" in anonymous and "/wishlists/toggle/" not in anonymous


def test_toggle_answers_json_for_the_script_and_redirects_visitors(client, listing):
    guest = UserFactory()
    guest_client = logged_in(guest)
    response = guest_client.post(f"/wishlists/toggle/{listing.pk}/", HTTP_ACCEPT="application/json")
    assert response.json()["saved"] is True and response.json()["wishlist"]["name"] == "Favourites"
    response = guest_client.post(f"/wishlists/toggle/{listing.pk}/", HTTP_ACCEPT="application/json")
    assert response.json() == {"saved": False, "message": "Removed from your wishlists.", "wishlist": None}
    visitor = client.post(f"/wishlists/toggle/{listing.pk}/")
    assert visitor.status_code == 302 and visitor["Location"].startswith("/accounts/login/")
    assert client.post(f"/wishlists/toggle/{listing.pk}/", HTTP_ACCEPT="application/json").status_code == 401
    evil = guest_client.post(f"/wishlists/toggle/{listing.pk}/", {"next": "https://evil.example/"})
    assert evil["Location"] == listing.get_absolute_url()
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(guest)
    assert csrf_client.post(f"/wishlists/toggle/{listing.pk}/").status_code == 403


def test_wishlist_pages_with_dates_show_totals(listing):
    guest = UserFactory()
    guest_client = logged_in(guest)
    created = guest_client.post(
        "/wishlists/",
        {"name": "Paris in spring", "check_in": days(30).isoformat(), "check_out": days(34).isoformat(), "guests": 2},
    )
    wishlist = Wishlist.objects.get(owner=guest)
    assert created["Location"] == f"/wishlists/{wishlist.pk}/"
    chooser = guest_client.get(f"/wishlists/save/{listing.pk}/")
    audit(chooser)
    guest_client.post(f"/wishlists/save/{listing.pk}/", {"wishlist": wishlist.pk})
    response = guest_client.get(f"/wishlists/{wishlist.pk}/")
    quote = price_quote(listing=listing, check_in=days(30), check_out=days(34), guests=2)
    assert f"€{quote.total:,.2f}".replace(".00", "") + " total for 4 nights" in words(response)
    audit(response)
    index = guest_client.get("/wishlists/")
    assert "Paris in spring" in words(index) and "1 saved" in words(index)
    audit(index)
    bad = guest_client.post(f"/wishlists/{wishlist.pk}/edit/", {"name": "", "check_in": days(5).isoformat()})
    assert bad.status_code == 400 and "Give the list a name." in words(bad)
    assert Wishlist.objects.get(pk=wishlist.pk).name == "Paris in spring"


def test_wishlists_are_private_and_shared_links_read_only(listing, client):
    owner = UserFactory(first_name="Olga")
    wishlist = WishlistFactory(owner=owner, name="Secret trip")
    WishlistItem.objects.create(wishlist=wishlist, listing=listing)
    stranger = logged_in(UserFactory())
    base = f"/wishlists/{wishlist.pk}"
    for method, url, data in [
        ("get", f"{base}/", {}),
        ("post", f"{base}/edit/", {"name": "Mine"}),
        ("post", f"{base}/share/", {"action": "on"}),
        ("post", f"{base}/remove/{listing.pk}/", {}),
        ("post", f"{base}/delete/", {}),
    ]:
        assert getattr(stranger, method)(url, data).status_code == 404, url
    wishlist.refresh_from_db()
    assert wishlist.name == "Secret trip" and wishlist.share_token is None and wishlist.items.count() == 1

    owner_client = logged_in(owner)
    owner_client.post(f"{base}/share/", {"action": "on"})
    wishlist.refresh_from_db()
    shared_url = f"/wishlists/shared/{wishlist.share_token}/"
    assert shared_url in page(owner_client.get(f"{base}/"))
    shared = client.get(shared_url)
    assert shared.status_code == 200 and shared["X-Robots-Tag"] == "noindex, nofollow"
    assert "A wishlist shared by Olga" in words(shared) and listing.title in words(shared)
    assert "/remove/" not in page(shared) and "/edit/" not in page(shared)
    audit(shared)
    owner_client.post(f"{base}/share/", {"action": "off"})
    assert client.get(shared_url).status_code == 404


@pytest.mark.django_db
def test_listing_map_becomes_interactive_only_when_tiles_are_configured(client, settings):
    from tests.listings.factories import ListingFactory as _Factory

    listing = _Factory()
    plain = client.get(listing.get_absolute_url()).content.decode()
    assert "leaflet.js" not in plain and "data-tile-url" not in plain
    settings.SEARCH_MAP_TILE_URL = "/tiles/{z}/{x}/{y}.png"
    html = client.get(listing.get_absolute_url()).content.decode()
    assert "vendor/leaflet/leaflet.js" in html and "js/listing_map.js" in html
    assert 'data-tile-url="/tiles/{z}/{x}/{y}.png"' in html
    assert 'data-radius="' in html  # a guest without a booking gets the area, not the point
