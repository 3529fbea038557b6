"""Listing, photo and wishlist services against the real database, storage and booking engine."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils import timezone

from airbnb.api.errors import HTTP_STATUS_BY_CODE
from availability.services import calendar_block_range
from bookings.models import Booking, BookingStatus
from bookings.services.booking import ListingNotBookable
from listings.errors import ListingHasBookings
from listings.locks import ListingGone
from listings.models import Listing, ListingPhoto, ListingStatus, Wishlist, WishlistAlert, WishlistItem
from listings.selectors import wishlist_watchers
from listings.services.common import NotListingOwner
from listings.services.listing import (
    ListingNotReady,
    ListingStatusInvalid,
    listing_create,
    listing_delete,
    listing_publish,
    listing_relist,
    listing_unlist,
    listing_update,
)
from listings.services.photos import (
    MAX_PHOTOS,
    LastPhoto,
    photo_add,
    photo_caption,
    photo_delete,
    photo_move,
    photo_reorder,
    photo_set_cover,
    photo_variants_generate,
)
from listings.services.wishlists import (
    ListingNotSaveable,
    NotWishlistOwner,
    wishlist_add,
    wishlist_alerts_mark_delivered,
    wishlist_alerts_record,
    wishlist_create,
    wishlist_share,
    wishlist_toggle,
    wishlist_unshare,
    wishlist_update,
)
from pricing.selectors import price_quote
from pricing.wishlists import wishlist_entries
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import book, days
from tests.listings.factories import ListingFactory, ListingPhotoFactory, WishlistFactory, draft_listing
from tests.listings.helpers import GPS_IFD, gps_jpeg, jpeg_upload, opened, upload

pytestmark = pytest.mark.django_db


def stored_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


# --- listings ------------------------------------------------------------------------------


def test_create_makes_a_draft_with_a_slug(host):
    listing = listing_create(host=host, title="  Sunny loft by the canal ", property_type="loft", room_type="entire")
    assert listing.status == ListingStatus.DRAFT
    assert listing.title == "Sunny loft by the canal" and listing.slug == "sunny-loft-by-the-canal"
    assert listing.base_price is None and listing.location is None and listing.max_guests == 1


def test_create_with_non_latin_title_gets_a_usable_slug(host):
    assert listing_create(host=host, title="東京の部屋", property_type="apartment", room_type="private").slug == "stay"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"min_nights": 9, "max_nights": 3}, "max_nights", "at least the minimum stay (9 nights)"),
        ({"amenities": ["wifi", "moat"]}, "amenities", "Unknown amenity code: moat."),
        ({"currency": "ABC"}, "currency", "not a currency we support"),
        ({"base_price": Decimal("5")}, "base_price", "greater than or equal to 10"),
        ({"base_price": Decimal("1000000")}, "base_price", "less than or equal to 100000"),
        ({"cleaning_fee": Decimal("-1")}, "cleaning_fee", "greater than or equal to 0"),
        ({"max_guests": 0}, "max_guests", "greater than or equal to 1"),
        ({"location": Point(181, 10, srid=4326)}, "location", "between -180 and 180"),
    ],
)
def test_create_refuses_bad_values_field_by_field_and_saves_nothing(host, fields, field, message):
    before = Listing.objects.count()
    with pytest.raises(ValidationError) as caught:
        listing_create(host=host, title="Flat", property_type="apartment", room_type="entire", **fields)
    assert message in " ".join(caught.value.message_dict[field])
    assert Listing.objects.count() == before


def test_status_and_ratings_are_not_editable(host, listing):
    with pytest.raises(TypeError):
        listing_create(host=host, title="x", property_type="house", room_type="entire", status="published")
    with pytest.raises(TypeError):
        listing_update(listing=listing, actor=host, rating_avg=5)


def test_update_changes_fields_and_slug(host, listing):
    updated = listing_update(
        listing=listing, actor=host, title="Quiet garden house", amenities=["wifi", "wifi", "pool"], currency="gbp"
    )
    listing.refresh_from_db()
    assert listing.slug == updated.slug == "quiet-garden-house"
    assert listing.amenities == ["wifi", "pool"] and listing.currency == "GBP"


def test_only_the_host_or_staff_may_update(listing, stranger):
    with pytest.raises(NotListingOwner):
        listing_update(listing=listing, actor=stranger, title="Mine now")
    listing.refresh_from_db()
    assert listing.title != "Mine now"
    staff = UserFactory(is_staff=True)
    assert listing_update(listing=listing, actor=staff, title="Fixed typo").title == "Fixed typo"


def test_capacity_cannot_drop_below_an_upcoming_booking(host, listing):
    book(guest=UserFactory(), listing=listing, start=10, nights=3, guests=4)
    with pytest.raises(ValidationError) as caught:
        listing_update(listing=listing, actor=host, max_guests=2)
    assert "A booking for 4 guests" in caught.value.message_dict["max_guests"][0]
    listing.refresh_from_db()
    assert listing.max_guests == 4
    listing_update(listing=listing, actor=host, max_guests=4)  # not below: fine
    # Price changes never touch what was booked: the booking froze its price.
    total = Booking.objects.get(listing=listing).total
    listing_update(listing=listing, actor=host, base_price=Decimal("999"))
    assert Booking.objects.get(listing=listing).total == total


def test_a_published_listing_keeps_its_location_and_price(host, listing):
    with pytest.raises(ValidationError) as caught:
        listing_update(listing=listing, actor=host, location=None, base_price=None)
    assert set(caught.value.message_dict) == {"location", "base_price"}


def test_publish_requires_title_location_price_and_a_photo(host):
    draft = draft_listing(host=host)
    with pytest.raises(ListingNotReady) as caught:
        listing_publish(listing=draft, actor=host)
    assert [m["field"] for m in caught.value.extra["missing"]] == ["location", "base_price", "photos"]
    listing_update(listing=draft, actor=host, location=Point(2.35, 48.85, srid=4326), base_price=Decimal("90"))
    ListingPhotoFactory(listing=draft)
    published = listing_publish(listing=draft, actor=host)
    assert published.status == ListingStatus.PUBLISHED and published.published_at is not None
    assert listing_publish(listing=draft, actor=host).published_at == published.published_at  # idempotent


def test_unlist_keeps_reservations_and_stops_new_bookings(host, listing):
    guest = UserFactory()
    confirmed = book(guest=guest, listing=listing, start=5, nights=2)
    assert confirmed.status == BookingStatus.CONFIRMED
    listing_unlist(listing=listing, actor=host)
    listing.refresh_from_db()
    confirmed.refresh_from_db()
    assert listing.status == ListingStatus.UNLISTED and confirmed.status == BookingStatus.CONFIRMED
    with pytest.raises(ListingNotBookable):
        book(guest=guest, listing=listing, start=20, nights=2)
    assert listing_relist(listing=listing, actor=host).status == ListingStatus.PUBLISHED


def test_relist_only_from_unlisted(host, listing):
    with pytest.raises(ListingStatusInvalid):
        listing_relist(listing=listing, actor=host)


def test_unlist_with_cancel_is_refused_while_stays_are_confirmed(host, listing):
    book(guest=UserFactory(), listing=listing, start=5, nights=2)
    with pytest.raises(ListingHasBookings) as caught:
        listing_unlist(listing=listing, actor=host, cancel_upcoming=True)
    assert "1 confirmed stay is coming up" in caught.value.message
    listing.refresh_from_db()
    assert listing.status == ListingStatus.PUBLISHED


def test_unlist_with_cancel_declines_open_requests(host):
    listing = ListingFactory(host=host, instant_book=False)
    request = book(guest=UserFactory(), listing=listing, start=5, nights=2)
    assert request.status == BookingStatus.AWAITING_HOST
    listing_unlist(listing=listing, actor=host, cancel_upcoming=True)
    request.refresh_from_db()
    assert request.status == BookingStatus.DECLINED


def test_delete_is_refused_with_an_upcoming_confirmed_stay(host, listing):
    booking = book(guest=UserFactory(), listing=listing, start=30, nights=3)
    with pytest.raises(ListingHasBookings) as caught:
        listing_delete(listing=listing, actor=host)
    assert HTTP_STATUS_BY_CODE[caught.value.code] == 409
    assert booking.check_in.strftime("%-d %b %Y") in caught.value.message
    assert caught.value.extra["bookings"][0]["id"] == booking.pk
    listing.refresh_from_db()
    assert listing.status == ListingStatus.PUBLISHED and listing.deleted_at is None


def test_delete_ignores_finished_stays_declines_requests_and_hides_the_listing(
    host, django_capture_on_commit_callbacks
):
    listing = ListingFactory(host=host, instant_book=False)
    request = book(guest=UserFactory(), listing=listing, start=5, nights=2)
    past = book(guest=UserFactory(), listing=listing, start=40, nights=2)
    Booking.objects.filter(pk=past.pk).update(status=BookingStatus.COMPLETED, check_in=days(-10), check_out=days(-8))
    with django_capture_on_commit_callbacks(execute=True):
        listing_delete(listing=listing, actor=host)
    listing.refresh_from_db()
    request.refresh_from_db()
    assert listing.status == ListingStatus.DELETED and listing.deleted_at is not None
    assert request.status == BookingStatus.DECLINED
    with pytest.raises(ListingGone):
        listing_delete(listing=listing, actor=host)
    with pytest.raises(ListingGone):
        listing_update(listing=listing, actor=host, title="Back")


def test_delete_is_refused_while_a_guest_is_paying(host, listing):
    booking = book(guest=UserFactory(), listing=listing, start=5, nights=2)
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.PENDING_PAYMENT)
    with pytest.raises(ListingHasBookings, match="paying for a stay right now"):
        listing_delete(listing=listing, actor=host)


def test_strangers_cannot_publish_unlist_or_delete(listing, stranger):
    for action in (listing_publish, listing_unlist, listing_delete):
        with pytest.raises(NotListingOwner):
            action(listing=listing, actor=stranger)
    listing.refresh_from_db()
    assert listing.status == ListingStatus.PUBLISHED


# --- photos ----------------------------------------------------------------------------------


def test_photo_add_stores_clean_originals_under_random_names(host, settings, django_capture_on_commit_callbacks):
    draft = draft_listing(host=host)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        photos = photo_add(
            listing=draft, actor=host, files=[upload("IMG_2041 home.jpg", gps_jpeg()), jpeg_upload("second.jpg")]
        )
    assert len(callbacks) == 1  # the variant task, scheduled on commit
    assert [p.position for p in photos] == [0, 1]
    storage = ListingPhoto._meta.get_field("image").storage
    for photo in photos:
        photo.refresh_from_db()
        assert photo.image.name.startswith(f"listings/{draft.pk}/") and "IMG_2041" not in photo.image.name
        assert (photo.width, photo.height) == (800, 600)
        stored = opened(storage, photo.image.name)
        assert not stored.getexif() and not stored.getexif().get_ifd(GPS_IFD)


def test_variant_task_writes_webp_variants_at_their_widths(host, django_capture_on_commit_callbacks):
    draft = draft_listing(host=host)
    with django_capture_on_commit_callbacks(execute=True):
        (photo,) = photo_add(listing=draft, actor=host, files=[jpeg_upload(size=(2400, 1600))])
    photo.refresh_from_db()
    storage = ListingPhoto._meta.get_field("image").storage
    for variant, width in (("thumb", 320), ("card", 720), ("full", 1600)):
        name = photo.variant_name(variant)
        assert name and name.endswith(f"-{variant}.webp") and storage.exists(name)
        image = opened(storage, name)
        assert image.format == "WEBP" and image.size == (width, round(1600 * width / 2400))
    assert photo.srcset.count("w,") == 2 and photo.srcset.endswith("1600w")
    assert photo_variants_generate(photo_id=photo.pk) is False  # already done


def test_variants_for_a_photo_deleted_while_drawing_leave_no_files(host, settings, monkeypatch):
    from listings.services import photos as photo_module

    photo = ListingPhotoFactory(listing=draft_listing(host=host))
    draw = photo_module.photo_variants

    def draw_while_the_host_deletes_the_photo(image, widths):
        drawn = draw(image, widths)
        ListingPhoto.objects.filter(pk=photo.pk).delete()
        return drawn

    monkeypatch.setattr(photo_module, "photo_variants", draw_while_the_host_deletes_the_photo)
    assert photo_variants_generate(photo_id=photo.pk) is False
    assert not [name for name in stored_files(Path(settings.MEDIA_ROOT)) if name.endswith(".webp")]


def test_regenerating_variants_replaces_the_old_files(host, settings):
    photo = ListingPhotoFactory(listing=draft_listing(host=host))
    assert photo_variants_generate(photo_id=photo.pk) is True
    photo.refresh_from_db()
    old = photo.image_card
    assert photo_variants_generate(photo_id=photo.pk, force=True) is True
    photo.refresh_from_db()
    storage = ListingPhoto._meta.get_field("image").storage
    assert photo.image_card != old and storage.exists(photo.image_card) and not storage.exists(old)


def test_one_bad_file_fails_the_whole_upload_and_stores_nothing(host, settings):
    draft = draft_listing(host=host)
    with pytest.raises(ValidationError) as caught:
        photo_add(
            listing=draft,
            actor=host,
            files=[jpeg_upload("good.jpg"), upload("notes.jpg", b"just some text, honestly" * 10)],
        )
    (message,) = caught.value.message_dict["photos"]
    assert message.startswith("notes.jpg: This file is not a photo we can read.")
    assert not ListingPhoto.objects.filter(listing=draft).exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.jpg"))


def test_at_most_50_photos_per_listing(host):
    draft = draft_listing(host=host)
    ListingPhoto.objects.bulk_create(
        ListingPhoto(listing=draft, image=f"demo/house-{i:02d}.jpg", width=1200, height=800, position=i)
        for i in range(MAX_PHOTOS - 1)
    )
    with pytest.raises(ValidationError, match="at most 50 photos. This one has 49, so you can add 1 more"):
        photo_add(listing=draft, actor=host, files=[jpeg_upload(), jpeg_upload()])
    photo_add(listing=draft, actor=host, files=[jpeg_upload()])
    with pytest.raises(ValidationError, match="delete some first"):
        photo_add(listing=draft, actor=host, files=[jpeg_upload()])
    assert ListingPhoto.objects.filter(listing=draft).count() == MAX_PHOTOS


def test_reorder_cover_move_and_caption(host):
    draft = draft_listing(host=host)
    a, b, c = (ListingPhotoFactory(listing=draft, position=i) for i in range(3))

    def order():
        return list(ListingPhoto.objects.filter(listing=draft).order_by("position").values_list("pk", flat=True))

    photo_reorder(listing=draft, actor=host, photo_ids=[c.pk, a.pk, b.pk])
    assert order() == [c.pk, a.pk, b.pk]
    photo_set_cover(photo=b, actor=host)
    assert order() == [b.pk, c.pk, a.pk]
    photo_move(photo=a, actor=host, offset=-1)
    assert order() == [b.pk, a.pk, c.pk]
    photo_move(photo=b, actor=host, offset=-1)  # already first
    assert order() == [b.pk, a.pk, c.pk]
    for wrong in ([a.pk, b.pk], [a.pk, b.pk, c.pk, c.pk], [a.pk, b.pk, ListingPhotoFactory().pk]):
        with pytest.raises(ValidationError, match="every photo of this listing exactly once"):
            photo_reorder(listing=draft, actor=host, photo_ids=wrong)
    photo_caption(photo=a, actor=host, caption="  Living room with balcony  ")
    a.refresh_from_db()
    assert a.caption == "Living room with balcony"
    with pytest.raises(ValidationError, match="At most 200 characters"):
        photo_caption(photo=a, actor=host, caption="x" * 201)


def test_delete_removes_the_files_and_closes_the_gap(host, settings, django_capture_on_commit_callbacks):
    draft = draft_listing(host=host)
    with django_capture_on_commit_callbacks(execute=True):
        first, second = photo_add(listing=draft, actor=host, files=[jpeg_upload(), jpeg_upload()])
    first.refresh_from_db()
    names = [first.image.name, first.image_thumb, first.image_card, first.image_full]
    storage = ListingPhoto._meta.get_field("image").storage
    assert all(storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        photo_delete(photo=first, actor=host)
    assert not any(storage.exists(name) for name in names)
    second.refresh_from_db()
    assert second.position == 0


def test_deleting_a_demo_photo_keeps_the_shared_pool_file(host, settings, django_capture_on_commit_callbacks):
    pool_file = Path(settings.MEDIA_ROOT) / "demo" / "house-01.jpg"
    pool_file.parent.mkdir(parents=True)
    pool_file.write_bytes(b"shared by thousands of demo listings")
    draft = draft_listing(host=host)
    photo = ListingPhoto.objects.create(listing=draft, image="demo/house-01.jpg", width=1200, height=800)
    with django_capture_on_commit_callbacks(execute=True):
        photo_delete(photo=photo, actor=host)
    assert pool_file.exists()


def test_the_last_photo_of_a_published_listing_stays(host, listing):
    photo = listing.photos.get()
    with pytest.raises(LastPhoto):
        photo_delete(photo=photo, actor=host)
    assert ListingPhoto.objects.filter(pk=photo.pk).exists()


def test_strangers_cannot_touch_photos(host, stranger, settings):
    draft = draft_listing(host=host)
    photo = ListingPhotoFactory(listing=draft, caption="Mine")
    calls = [
        lambda: photo_add(listing=draft, actor=stranger, files=[jpeg_upload()]),
        lambda: photo_reorder(listing=draft, actor=stranger, photo_ids=[photo.pk]),
        lambda: photo_set_cover(photo=photo, actor=stranger),
        lambda: photo_caption(photo=photo, actor=stranger, caption="Theirs"),
        lambda: photo_delete(photo=photo, actor=stranger),
    ]
    for call in calls:
        with pytest.raises(NotListingOwner):
            call()
    photo.refresh_from_db()
    assert photo.caption == "Mine" and ListingPhoto.objects.filter(listing=draft).count() == 1


# --- wishlists -------------------------------------------------------------------------------


def test_wishlist_create_validates_names_and_dates():
    owner = UserFactory()
    wishlist_create(owner=owner, name="Paris in spring")
    with pytest.raises(ValidationError, match="already have a list called"):
        wishlist_create(owner=owner, name=" paris IN spring ")
    with pytest.raises(ValidationError) as caught:
        wishlist_create(owner=owner, name="Lisbon", check_in=days(10))
    assert caught.value.message_dict == {"check_out": ["Give both dates, or neither."]}
    with pytest.raises(ValidationError, match="after check-in"):
        wishlist_create(owner=owner, name="Lisbon", check_in=days(10), check_out=days(9))
    with pytest.raises(ValidationError, match="in the past"):
        wishlist_create(owner=owner, name="Lisbon", check_in=days(-3), check_out=days(2))
    assert wishlist_create(owner=owner, name="Lisbon", check_in=days(10), check_out=days(14)).nights == 4


def test_toggle_saves_to_the_latest_list_then_unsaves_everywhere(listing):
    guest = UserFactory()
    saved, wishlist = wishlist_toggle(user=guest, listing=listing)
    assert saved and wishlist.name == "Favourites"
    other = wishlist_create(owner=guest, name="Summer")
    wishlist_add(wishlist=other, actor=guest, listing=listing)
    saved, wishlist = wishlist_toggle(user=guest, listing=listing)
    assert not saved and wishlist is None
    assert not WishlistItem.objects.filter(listing=listing).exists()
    saved, wishlist = wishlist_toggle(user=guest, listing=listing)
    assert wishlist.pk == other.pk  # the list changed last


def test_only_published_listings_can_be_saved():
    wishlist = WishlistFactory()
    with pytest.raises(ListingNotSaveable):
        wishlist_add(wishlist=wishlist, actor=wishlist.owner, listing=draft_listing())


def test_only_the_owner_changes_a_list_and_sharing_uses_a_revocable_token(listing):
    wishlist = WishlistFactory()
    stranger = UserFactory()
    for call in (
        lambda: wishlist_add(wishlist=wishlist, actor=stranger, listing=listing),
        lambda: wishlist_update(wishlist=wishlist, actor=stranger, name="Hacked"),
        lambda: wishlist_share(wishlist=wishlist, actor=stranger),
    ):
        with pytest.raises(NotWishlistOwner):
            call()
    shared = wishlist_share(wishlist=wishlist, actor=wishlist.owner)
    token = shared.share_token
    assert len(token) >= 32 and wishlist_share(wishlist=wishlist, actor=wishlist.owner).share_token == token
    wishlist_unshare(wishlist=wishlist, actor=wishlist.owner)
    assert Wishlist.objects.get(pk=wishlist.pk).share_token is None
    assert wishlist_share(wishlist=wishlist, actor=wishlist.owner).share_token != token


def test_watchers_and_alerts(host, listing):
    undated, overlapping, elsewhere = UserFactory(), UserFactory(), UserFactory()
    wishlist_add(wishlist=WishlistFactory(owner=undated), actor=undated, listing=listing)
    wishlist_add(
        wishlist=WishlistFactory(owner=overlapping, check_in=days(10), check_out=days(15)),
        actor=overlapping,
        listing=listing,
    )
    wishlist_add(
        wishlist=WishlistFactory(owner=elsewhere, check_in=days(60), check_out=days(65)),
        actor=elsewhere,
        listing=listing,
    )
    WishlistItem.objects.create(wishlist=WishlistFactory(owner=host), listing=listing)  # the host saved their own
    assert wishlist_watchers(listing_id=listing.pk) == sorted([undated.pk, overlapping.pk, elsewhere.pk])
    alerted = wishlist_alerts_record(listing_id=listing.pk, start=days(12), end=days(13))
    assert alerted == sorted([undated.pk, overlapping.pk])
    later = timezone.now() + dt.timedelta(minutes=5)
    wishlist_alerts_record(listing_id=listing.pk, start=days(12), end=days(13), now=later)
    pending = WishlistAlert.objects.filter(delivered_at__isnull=True)
    assert pending.count() == 2 and all(a.changed_at == later for a in pending)
    assert wishlist_alerts_mark_delivered(alert_ids=pending.values_list("pk", flat=True)) == 2
    wishlist_alerts_record(listing_id=listing.pk)
    assert WishlistAlert.objects.filter(delivered_at__isnull=True).count() == 3
    assert WishlistAlert.objects.count() == 5


def test_status_changes_alert_watchers(host, listing, django_capture_on_commit_callbacks):
    guest = UserFactory()
    wishlist_toggle(user=guest, listing=listing)
    with django_capture_on_commit_callbacks(execute=True):
        listing_unlist(listing=listing, actor=host)
    assert WishlistAlert.objects.filter(user=guest, listing=listing, delivered_at__isnull=True).exists()


def test_wishlist_entries_price_the_lists_dates(host, django_assert_max_num_queries):
    guest = UserFactory()
    wishlist = wishlist_create(owner=guest, name="Autumn", check_in=days(20), check_out=days(23), guests=2)
    listings = [ListingFactory(base_price=Decimal(100 + i), weekly_discount_pct=0) for i in range(6)]
    for item in listings:
        ListingPhotoFactory(listing=item)
        wishlist_add(wishlist=wishlist, actor=guest, listing=item)
    blocked = listings[0]
    calendar_block_range(listing=blocked, start=days(21), end=days(22))
    unlisted = listings[1]
    Listing.objects.filter(pk=unlisted.pk).update(status=ListingStatus.UNLISTED)
    # Items, photos, night prices and the pricing rules: a fixed count, whatever the list's size.
    with django_assert_max_num_queries(8):
        entries = wishlist_entries(wishlist=wishlist)
        [list(entry.listing.photos.all()) for entry in entries]
    by_listing = {entry.listing.pk: entry for entry in entries}
    assert by_listing[blocked.pk].reason == "Not available for these dates." and not by_listing[blocked.pk].available
    assert not by_listing[unlisted.pk].available and by_listing[unlisted.pk].quote is None
    fresh = Listing.objects.get(pk=listings[2].pk)
    expected = price_quote(listing=fresh, check_in=days(20), check_out=days(23), guests=2).total
    assert by_listing[fresh.pk].total == expected and by_listing[fresh.pk].available
