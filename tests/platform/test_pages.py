"""Server-rendered pages: home, listing detail, public profile and error pages.

Besides content, every page is parsed and checked for the accessibility basics
the templates promise: images carry alt text, every input has a label, ids are
unique, there is one <main>, and no inline scripts (the CSP forbids them).
"""

import io
import xml.etree.ElementTree as ET
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from PIL import Image

from airbnb import views as platform_views
from listings.catalogue import AMENITIES, ICONS
from listings.models import Amenity, ListingPhoto, ListingStatus
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.listings.factories import ListingFactory

pytestmark = pytest.mark.django_db

UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}


class PageAudit(HTMLParser):
    """Collects what the accessibility checks need from one HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str | None]] = []
        self.controls: list[dict[str, str | None]] = []
        self.label_targets: set[str] = set()
        self.ids: list[str] = []
        self.mains = 0
        self.inline_scripts = 0
        self.skip_link = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.append(attributes["id"])
        if tag == "img":
            self.images.append(attributes)
        elif tag in {"input", "select", "textarea"}:
            if tag != "input" or (attributes.get("type") or "text") not in UNLABELLED_INPUT_TYPES:
                self.controls.append(attributes)
        elif tag == "label" and attributes.get("for"):
            self.label_targets.add(attributes["for"])
        elif tag == "main":
            self.mains += 1
        elif tag == "script" and not attributes.get("src"):
            self.inline_scripts += 1
        elif tag == "a" and attributes.get("href") == "#main":
            self.skip_link = True

    def unlabelled_controls(self) -> list[dict[str, str | None]]:
        return [
            control
            for control in self.controls
            if control.get("id") not in self.label_targets
            and not control.get("aria-label")
            and not control.get("aria-labelledby")
        ]


def audit(response) -> PageAudit:
    """Parse a page and assert the accessibility basics; returns the audit for further checks."""
    page = PageAudit()
    page.feed(response.content.decode())
    missing_alt = [img.get("src") for img in page.images if not (img.get("alt") or "").strip()]
    assert not missing_alt, f"<img> without alt text: {missing_alt}"
    assert not page.unlabelled_controls(), f"inputs without a label: {page.unlabelled_controls()}"
    duplicates = {i for i in page.ids if page.ids.count(i) > 1}
    assert not duplicates, f"duplicate ids: {duplicates}"
    assert page.mains == 1
    assert page.skip_link
    assert page.inline_scripts == 0
    return page


def png_file(name: str = "photo.png", size: tuple[int, int] = (8, 6)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 90)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def ensure_catalogue() -> None:
    """The data migration loads the catalogue, but a transactional test elsewhere may have flushed it."""
    for order, (code, name, category, icon) in enumerate(AMENITIES):
        Amenity.objects.get_or_create(
            code=code, defaults={"name": name, "category": category, "icon": icon, "sort_order": order}
        )


@pytest.fixture
def rated_listing():
    ensure_catalogue()
    return ListingFactory(
        title="Sunny loft by the canal",
        base_price=Decimal("120.00"),
        rating_avg=Decimal("4.87"),
        rating_count=23,
        amenities=["wifi", "kitchen", "smoke-alarm", "pool"],
        neighbourhood="Le Marais",
        house_rules="No parties.\nQuiet after 22:00.",
    )


def add_photos(listing, count: int, caption: str = "") -> list[ListingPhoto]:
    return [
        ListingPhoto.objects.create(listing=listing, image=png_file(f"p{i}.png"), position=i, caption=caption)
        for i in range(count)
    ]


# --- Home ---------------------------------------------------------------------------


def test_home_without_listings_shows_empty_state(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"No stays have enough guest reviews to be featured yet." in response.content
    page = audit(response)
    assert page.images == []


def test_home_shows_featured_listing_card(client, rated_listing):
    add_photos(rated_listing, 1, caption="Living room with tall windows")
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sunny loft by the canal" in html
    assert "€120</strong> night" in html
    assert "4.87" in html and "(23)" in html
    assert rated_listing.get_absolute_url() in html
    page = audit(response)
    [cover] = page.images
    assert cover["alt"] == "Living room with tall windows"
    assert cover["loading"] == "lazy"


def test_home_card_shows_other_currencies_with_code(client):
    ListingFactory(title="Chalet", currency="CHF", base_price=Decimal("1250.50"), rating_count=5, rating_avg=4)
    response = client.get("/")
    # Cards show whole units, rounded half up (the listing page and checkout keep the cents).
    assert "1,251 CHF</strong> night" in response.content.decode()


def test_home_hides_unrated_and_draft_listings(client):
    ListingFactory(title="Not reviewed enough", rating_count=1, rating_avg=Decimal("5"))
    ListingFactory(title="Still a draft", rating_count=9, rating_avg=Decimal("5"), status=ListingStatus.DRAFT)
    html = client.get("/").content.decode()
    assert "Not reviewed enough" not in html
    assert "Still a draft" not in html


def test_header_for_logged_in_user_has_profile_and_post_logout(client):
    user = UserFactory(first_name="Mira", is_staff=True, avatar=png_file("me.png"))
    user.save()
    client.force_login(user)
    response = client.get("/")
    html = response.content.decode()
    assert f'href="/accounts/users/{user.pk}/"' in html
    assert 'href="/admin/"' in html
    assert 'action="/accounts/logout/"' in html and 'name="csrfmiddlewaretoken"' in html
    assert '<script src="/static/js/app.js" defer></script>' in html
    page = audit(response)
    assert any(img["alt"] == "Account menu for Mira" for img in page.images)
    # The profile form with a current photo adds Django's "remove photo" checkbox, which needs its label too.
    edit = client.get("/accounts/profile/")
    assert 'name="avatar-clear"' in edit.content.decode()
    audit(edit)


def test_header_for_visitor_offers_login_and_signup(client):
    html = client.get("/").content.decode()
    assert 'href="/accounts/login/"' in html and 'href="/accounts/signup/"' in html
    assert "Log out" not in html


# --- Listing detail -----------------------------------------------------------------


def test_listing_detail_shows_everything_but_the_address(client, rated_listing):
    add_photos(rated_listing, 7)
    rated_listing.host.is_superhost = True
    rated_listing.host.save()
    response = client.get(rated_listing.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sunny loft by the canal" in html
    assert "Le Marais, Paris, France" in html
    assert "1 Rue de Rivoli" not in html  # the exact address stays private
    assert "Superhost" in html
    assert f"Hosted by {rated_listing.host.display_name}" in html
    assert f'href="/accounts/users/{rated_listing.host.pk}/"' in html
    assert "4 guests" in html and "2 bedrooms" in html and "2 beds" in html and "1 bath<" in html
    assert "A calm place near the river." in html
    assert "Quiet after 22:00." in html
    assert "Check-in after 15:00" in html and "Check-out before 11:00" in html
    assert "Moderate" in html
    assert "€120</strong> night" in html and "€40 per stay" in html
    # Amenities grouped by category, each with its icon, essentials first.
    assert html.index("<h3>Essentials</h3>") < html.index("<h3>Features</h3>") < html.index("<h3>Safety</h3>")
    assert "icons/wifi.svg#i" in html and "icons/pool.svg#i" in html and "Smoke alarm" in html
    # No pretend booking: nothing to submit on the page but the header's search and nothing that says reserve.
    assert "Reserve" not in html
    page = audit(response)
    assert len(page.images) == 5 + 7  # the gallery and the "all photos" list
    assert all(img["alt"].startswith("Photo ") for img in page.images)


def test_listing_detail_without_photos_or_amenities(client):
    listing = ListingFactory(amenities=[], rating_count=0)
    response = client.get(listing.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "The host hasn't added photos yet." in html
    assert "New – no reviews yet" in html
    audit(response)


def test_unknown_listing_is_404_page(client):
    response = client.get("/rooms/999999/any-slug/")
    assert response.status_code == 404
    assert b"We can't find that page" in response.content
    audit(response)


def test_wrong_slug_redirects_permanently_to_canonical_url(client, rated_listing):
    response = client.get(f"/rooms/{rated_listing.pk}/old-title/")
    assert response.status_code == 301
    assert response["Location"] == rated_listing.get_absolute_url()
    short = client.get(f"/rooms/{rated_listing.pk}/")
    assert short.status_code == 301
    assert short["Location"] == rated_listing.get_absolute_url()


@pytest.mark.parametrize("status", [ListingStatus.DRAFT, ListingStatus.UNLISTED, ListingStatus.DELETED])
def test_unpublished_listing_is_not_visible(client, status):
    listing = ListingFactory(status=status)
    assert client.get(listing.get_absolute_url()).status_code == 404


# --- Public profile -----------------------------------------------------------------


def test_public_profile_page_is_accessible(client):
    host = UserFactory(first_name="Jo", about="I love hosting.", languages=["English", "Deutsch"])
    host.avatar = png_file("jo.png")
    host.save()
    listing = ListingFactory(host=host)
    add_photos(listing, 2)
    response = client.get(f"/accounts/users/{host.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Speaks English, Deutsch" in html and "I love hosting." in html
    assert host.email not in html
    page = audit(response)
    assert {img["alt"] for img in page.images} == {"Photo of Jo", listing.title}


def test_profile_without_avatar_shows_initials(client):
    host = UserFactory(first_name="Ana", last_name="Lopez")
    html = client.get(f"/accounts/users/{host.pk}/").content.decode()
    assert ">AL</span>" in html


# --- Error pages --------------------------------------------------------------------


@pytest.mark.parametrize(
    "handler, status, text",
    [
        (platform_views.bad_request, 400, "That request didn"),
        (platform_views.permission_denied, 403, "You can"),
        (platform_views.page_not_found, 404, "We can"),
    ],
)
def test_error_handlers_render_their_templates(handler, status, text):
    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    response = handler(request, Exception("boom"))
    assert response.status_code == status
    assert text in response.content.decode()


def test_500_page_needs_no_database_or_context(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render_to_string("500.html")
        response = platform_views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "{%" not in html and "<script" not in html


def test_logged_in_user_can_open_pages_with_forms(client):
    user = UserFactory()
    assert client.login(username=user.email, password=DEFAULT_PASSWORD)
    for url in ["/", "/accounts/profile/", "/accounts/password/", f"/accounts/users/{user.pk}/", "/search/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        audit(response)


def test_visitor_forms_are_accessible(client):
    for url in ["/accounts/signup/", "/accounts/login/", "/search/?q=Paris", "/search/?q="]:
        response = client.get(url)
        assert response.status_code == 200, url
        audit(response)


# --- Static assets ------------------------------------------------------------------


def test_every_icon_exists_and_is_a_24px_stroke_svg():
    used_by_database = set(Amenity.objects.values_list("icon", flat=True))
    ui_icons = {"logo", "search", "star", "user", "map-pin", "menu", "image", "award", "calendar", "globe", "clock"}
    for name in sorted(set(ICONS) | used_by_database | ui_icons):
        path = finders.find(f"icons/{name}.svg")
        assert path, f"static/icons/{name}.svg is missing"
        root = ET.parse(path).getroot()
        assert root.get("viewBox") == "0 0 24 24", name
        assert root.get("id") == "i", name  # templates reference icons as <use href="...svg#i">
        assert root.get("stroke") == "currentColor", name
    assert finders.find("favicon.svg") and finders.find("css/app.css") and finders.find("js/app.js")


def test_home_featured_choice_is_cached_but_an_unpublished_listing_leaves_at_once(client):
    from django.core.cache import cache

    from listings.models import Listing, ListingStatus

    first = ListingFactory(title="Harbour flat", rating_count=9, rating_avg=Decimal("4.9"))
    second = ListingFactory(title="Forest cabin", rating_count=5, rating_avg=Decimal("4.5"))
    page = client.get("/").content.decode()
    assert page.index("Harbour flat") < page.index("Forest cabin")
    ListingFactory(title="Brand new loft", rating_count=4, rating_avg=Decimal("5.0"))
    Listing.objects.filter(pk=second.pk).update(status=ListingStatus.UNLISTED)
    page = client.get("/").content.decode()
    assert "Harbour flat" in page and "Forest cabin" not in page  # read fresh: gone at once
    assert "Brand new loft" not in page  # the choice is kept for five minutes
    cache.clear()  # five minutes later
    page = client.get("/").content.decode()
    assert page.index("Brand new loft") < page.index("Harbour flat") and first.title in page
