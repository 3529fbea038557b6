from decimal import Decimal

import factory
from django.contrib.gis.geos import Point
from django.utils import timezone

from listings.models import Amenity, Listing, ListingPhoto, ListingStatus, Wishlist
from tests.accounts.factories import UserFactory


class AmenityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Amenity
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"amenity-{n}")
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").title())
    category = Amenity.Category.ESSENTIALS
    icon = "check"


class ListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Listing

    host = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Bright flat number {n}")
    slug = factory.Sequence(lambda n: f"bright-flat-number-{n}")
    description = "A calm place near the river."
    property_type = "apartment"
    room_type = "entire"
    location = factory.LazyFunction(lambda: Point(2.3522, 48.8566, srid=4326))
    # Most tests count days from the server's (UTC) date, so factory listings keep UTC's
    # clock whatever their point; the time-zone tests (tests/platform/test_local_time.py)
    # set a zone, or pass time_zone="" to have it derived from the point.
    time_zone = "UTC"
    address = "1 Rue de Rivoli"
    city = "Paris"
    country_code = "FR"
    max_guests = 4
    bedrooms = 2
    beds = 2
    base_price = Decimal("120.00")
    cleaning_fee = Decimal("40.00")
    status = ListingStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


def draft_listing(**kwargs) -> Listing:
    """A draft as "List your place" leaves it after step 1: no location, no price, no photos."""
    defaults = {"status": ListingStatus.DRAFT, "published_at": None, "location": None, "base_price": None}
    return ListingFactory(**{**defaults, **kwargs})


class ListingPhotoFactory(factory.django.DjangoModelFactory):
    """A photo with a real (small) JPEG file stored through the storage API."""

    class Meta:
        model = ListingPhoto

    listing = factory.SubFactory(ListingFactory)
    image = factory.django.ImageField(width=640, height=480, format="JPEG", color="teal")
    position = factory.Sequence(lambda n: n)
    caption = ""


class WishlistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Wishlist

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Trip {n}")
