"""Model rules: CHECK / UNIQUE constraints hold for any writer, and clean() explains them to hosts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from listings.models import Listing, ListingPhoto, ListingStatus, Wishlist, WishlistAlert
from tests.accounts.factories import UserFactory
from tests.listings.factories import ListingFactory, ListingPhotoFactory, WishlistFactory, draft_listing

pytestmark = pytest.mark.django_db


def violates(constraint: str, **changes) -> None:
    """Writing ``changes`` straight to a listing row (no validation) trips ``constraint``."""
    listing = ListingFactory()
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Listing.objects.filter(pk=listing.pk).update(**changes)


@pytest.mark.parametrize(
    ("constraint", "changes"),
    [
        ("listing_published_has_price", {"base_price": None}),
        ("listing_published_has_location", {"location": None}),
        ("listing_base_price_positive", {"base_price": Decimal("-5")}),
        ("listing_base_price_max", {"base_price": Decimal("100000.01")}),
        ("listing_cleaning_fee_nonneg", {"cleaning_fee": Decimal("-1")}),
        ("listing_cleaning_fee_max", {"cleaning_fee": Decimal("250000")}),
        ("listing_discounts_max", {"weekly_discount_pct": 95}),
        ("listing_min_le_max_nights", {"min_nights": 10, "max_nights": 5}),
        ("listing_nights_range", {"max_nights": 2000}),
        ("listing_capacity_positive", {"max_guests": 0}),
        ("listing_beds_positive", {"beds": 0}),
        ("listing_bathrooms_range", {"bathrooms": Decimal("60")}),
        ("listing_currency_code", {"currency": "eur"}),
        ("listing_country_code", {"country_code": "fr"}),
        ("listing_deleted_at_only_deleted", {"deleted_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}),
    ],
)
def test_listing_constraints(constraint, changes):
    violates(constraint, **changes)


def test_a_draft_may_lack_price_and_location():
    draft = draft_listing()
    assert draft.base_price is None and draft.location is None


def test_clean_explains_cross_field_rules():
    listing = ListingFactory.build(
        host=UserFactory(),
        min_nights=10,
        max_nights=3,
        currency="XYZ",
        amenities=["wifi", "teleporter"],
        location=Point(200, 95, srid=4326),
        title="   ",
    )
    with pytest.raises(ValidationError) as caught:
        listing.clean()
    errors = caught.value.message_dict
    assert errors["max_nights"] == ["The maximum stay must be at least the minimum stay (10 nights)."]
    assert "not a currency we support" in errors["currency"][0]
    assert errors["amenities"] == ["Unknown amenity code: teleporter."]
    assert "between -90 and 90" in errors["location"][0]
    assert errors["title"] == ["Give your place a title."]


def test_photo_positions_are_unique_per_listing_at_commit():
    photo = ListingPhotoFactory(position=0)
    ListingPhoto.objects.create(listing=photo.listing, image="listings/x.jpg", width=10, height=10, position=1)
    with pytest.raises(IntegrityError, match="photo_listing_position_unique"), transaction.atomic():
        ListingPhoto.objects.create(listing=photo.listing, image="listings/y.jpg", width=10, height=10, position=0)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the check is deferred to commit otherwise
    # Swapping two positions inside one transaction is fine (the deferred check sees the end state).
    with transaction.atomic():
        ListingPhoto.objects.filter(listing=photo.listing, position=0).update(position=1)
        ListingPhoto.objects.filter(listing=photo.listing, image="listings/x.jpg").update(position=0)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_photo_srcset_lists_the_variants_that_exist_and_urls_fall_back_to_the_original():
    photo = ListingPhotoFactory()  # 640 px wide
    assert photo.srcset == ""
    assert photo.card_url == photo.image.url == photo.thumb_url == photo.full_url
    photo.image_thumb, photo.image_card, photo.image_full = "t.webp", "c.webp", "f.webp"
    # The card and full variants of a 640 px photo are both 640 px wide: listed once.
    assert photo.srcset == "/media/t.webp 320w, /media/c.webp 640w"
    assert photo.card_url == "/media/c.webp"


def test_demo_pool_photos_display_from_the_shared_original():
    listing = ListingFactory()
    photo = ListingPhoto.objects.create(listing=listing, image="demo/house-01.jpg", width=1200, height=800)
    assert photo.card_url == "/media/demo/house-01.jpg" and photo.srcset == ""


def test_wishlist_constraints():
    owner = UserFactory()
    WishlistFactory(owner=owner, name="Paris in spring")
    with pytest.raises(IntegrityError, match="wishlist_owner_name_ci_unique"), transaction.atomic():
        WishlistFactory(owner=owner, name="PARIS IN SPRING")
    with pytest.raises(IntegrityError, match="wishlist_dates_pair"), transaction.atomic():
        WishlistFactory(owner=owner, check_in=dt.date(2027, 5, 1))
    with pytest.raises(IntegrityError, match="wishlist_dates_pair"), transaction.atomic():
        WishlistFactory(owner=owner, check_in=dt.date(2027, 5, 3), check_out=dt.date(2027, 5, 1))
    WishlistFactory(owner=UserFactory(), name="Paris in spring")  # other people may use the name


def test_one_pending_alert_per_user_and_listing():
    user, listing = UserFactory(), ListingFactory()
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    WishlistAlert.objects.create(user=user, listing=listing, changed_at=now, delivered_at=now)
    WishlistAlert.objects.create(user=user, listing=listing, changed_at=now)
    with pytest.raises(IntegrityError, match="wishlist_alert_one_pending"), transaction.atomic():
        WishlistAlert.objects.create(user=user, listing=listing, changed_at=now)


def test_deleted_listing_rows_are_kept():
    listing = ListingFactory(status=ListingStatus.DELETED, deleted_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert Listing.objects.filter(pk=listing.pk).exists()
    assert str(Wishlist(name="x")) == "x"
