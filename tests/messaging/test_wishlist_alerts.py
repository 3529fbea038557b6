"""A booking or host block on a saved listing reaches the guests who saved it."""

import pytest

from availability.services import calendar_block_range
from listings.models import Wishlist, WishlistAlert, WishlistItem
from listings.services.wishlists import wishlist_alerts_deliver
from messaging.models import Notification
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import book, days
from tests.listings.factories import ListingFactory

pytestmark = pytest.mark.django_db


def test_calendar_change_alerts_watchers_once_and_delivers_a_notification(django_capture_on_commit_callbacks):
    listing = ListingFactory(instant_book=True)
    fan, dated_fan, stranger = UserFactory(), UserFactory(), UserFactory()
    WishlistItem.objects.create(wishlist=Wishlist.objects.create(owner=fan, name="Someday"), listing=listing)
    far = Wishlist.objects.create(owner=dated_fan, name="Next summer", check_in=days(200), check_out=days(205))
    WishlistItem.objects.create(wishlist=far, listing=listing)

    with django_capture_on_commit_callbacks(execute=True):
        calendar_block_range(listing=listing, start=days(10), end=days(12))
    with django_capture_on_commit_callbacks(execute=True):
        book(guest=stranger, listing=listing, start=20, nights=2)

    # One pending alert for the undated list; the dated list's nights did not change.
    assert list(WishlistAlert.objects.filter(delivered_at__isnull=True).values_list("user_id", flat=True)) == [fan.pk]
    assert wishlist_alerts_deliver() == 1
    note = Notification.objects.get(user=fan)
    assert listing.title in note.title and note.url == listing.get_absolute_url()
    assert not Notification.objects.filter(user=dated_fan).exists()
    assert wishlist_alerts_deliver() == 0  # delivered once
