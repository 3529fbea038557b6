"""Data the journeys start from, made with the project's factories.

Listings inserted with the ORM reach search through the database triggers
(docs/search.md): no refresh step is needed before searching for them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

from django.contrib.gis.geos import Point
from django.utils import timezone
from PIL import Image, ImageDraw

from listings.models import Listing, ListingStatus
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.listings.factories import ListingFactory, ListingPhotoFactory

PASSWORD = DEFAULT_PASSWORD
PARIS_CENTRE = (2.3522, 48.8566)
GOOD_CARD = "4242 4242 4242 4242"
DECLINED_CARD = "4000 0000 0000 0002"


def day(offset: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=offset)


def person(first_name: str, email: str):
    return UserFactory(first_name=first_name, last_name="Example", email=email)


def pin_at(listing, *, offset: tuple[float, float]) -> None:
    """Move ``listing`` so that its map pin (its public point, 250-700 m from the home in the listing's
    own secret direction) lands at ``offset`` degrees from the centre of Paris: for map tests that
    need pins in a given place."""
    listing.refresh_from_db(fields=["location", "public_location"])
    dx = listing.public_location.x - listing.location.x
    dy = listing.public_location.y - listing.location.y
    lng, lat = PARIS_CENTRE
    Listing.objects.filter(pk=listing.pk).update(location=Point(lng + offset[0] - dx, lat + offset[1] - dy, srid=4326))


def paris_listing(*, host, offset: tuple[float, float] = (0.0, 0.0), photos: int = 0, **fields):
    """A published listing a few hundred metres from the centre of Paris (``offset`` in degrees)."""
    lng, lat = PARIS_CENTRE
    listing = ListingFactory(
        host=host, location=Point(lng + offset[0], lat + offset[1], srid=4326), city="Paris", **fields
    )
    for position in range(photos):
        ListingPhotoFactory(listing=listing, position=position, caption=f"{listing.title}, view {position + 1}")
    return listing


def paris_world(host):
    """Listings around Paris for a two-guest search: five match, three must not.

    Returns the five matching listings by name, the two private rooms among them
    being ``room`` (Instant Book, with photos) and ``quiet_room``.
    """
    matching = {
        "room": paris_listing(
            host=host,
            title="Sunny room by the Canal Saint-Martin",
            room_type="private",
            instant_book=True,
            base_price=Decimal("95.00"),
            cleaning_fee=Decimal("25.00"),
            offset=(0.010, 0.012),
            photos=2,
        ),
        "quiet_room": paris_listing(
            host=host,
            title="Quiet room in the Marais",
            room_type="private",
            base_price=Decimal("70.00"),
            offset=(0.004, -0.003),
        ),
        "flat": paris_listing(
            host=host,
            title="Flat near the Louvre",
            instant_book=True,
            base_price=Decimal("120.00"),
            photos=1,
            offset=(-0.012, 0.004),
        ),
        "loft": paris_listing(
            host=host,
            title="Loft in Belleville",
            property_type="loft",
            base_price=Decimal("150.00"),
            offset=(0.030, 0.010),
        ),
        "house": paris_listing(
            host=host,
            title="House with a garden in Montmartre",
            property_type="house",
            base_price=Decimal("180.00"),
            offset=(-0.005, 0.030),
        ),
    }
    # Not for two guests, not in Paris, not published.
    paris_listing(host=host, title="Tiny studio for one", max_guests=1, offset=(0.002, 0.002))
    ListingFactory(host=host, title="Flat in Lyon", city="Lyon", location=Point(4.8357, 45.7640, srid=4326))
    paris_listing(host=host, title="Draft in the Latin Quarter", status=ListingStatus.DRAFT, published_at=None)
    return matching


def jpeg_bytes(*, width: int = 800, height: int = 600, colour: tuple[int, int, int] = (30, 120, 160)) -> bytes:
    """A real, small JPEG (a coloured picture with a few shapes), as a phone would upload."""
    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((width // 8, height // 2, width // 2, height - 40), fill=(240, 230, 200))
    draw.ellipse((width - 260, 40, width - 80, 220), fill=(250, 200, 60))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def money_value(text: str) -> Decimal:
    """ "€1,234.50" -> Decimal("1234.50"); a leading minus sign (− or -) makes it negative."""
    negative = text.strip().startswith(("−", "-", "minus"))
    digits = re.sub(r"[^0-9.]", "", text)
    value = Decimal(digits)
    return -value if negative else value
