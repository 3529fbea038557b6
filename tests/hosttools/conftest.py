"""Host tools fixtures: a host with several listings, a local feed server, booking rows with known numbers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from availability.models import CalendarNight
from bookings.models import Booking
from tests.accounts.factories import UserFactory
from tests.listings.factories import ListingFactory

from .feed_server import FeedServer


@pytest.fixture(autouse=True)
def _neutral_weekdays(settings):
    """Prices in these tests do not depend on the weekday the suite runs on."""
    settings.PRICING_DAY_OF_WEEK_PREMIUM_PCT = {}


@pytest.fixture
def host(db):
    return UserFactory(first_name="Hana", last_name="Host")


@pytest.fixture
def listings(host):
    return [
        ListingFactory(host=host, title="Attic in Montmartre", base_price=Decimal("120"), instant_book=True),
        ListingFactory(host=host, title="Barge on the Seine", base_price=Decimal("200"), instant_book=False),
        ListingFactory(host=host, title="Cabin in Fontainebleau", base_price=Decimal("90"), status="draft"),
    ]


@pytest.fixture
def host_client(client, host):
    client.force_login(host)
    return client


@pytest.fixture
def feed_server():
    server = FeedServer().start()
    yield server
    server.stop()


@pytest.fixture
def local_feeds(settings):
    """Let the HTTP fetcher reach 127.0.0.1 (production refuses private addresses) with a short timeout."""
    settings.PRICING_ICAL_ALLOW_PRIVATE_HOSTS = True
    settings.PRICING_ICAL_TIMEOUT_SECONDS = 1.0


def day(offset: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=offset)


def stay(
    listing,
    check_in: dt.date,
    check_out: dt.date,
    *,
    status: str = "confirmed",
    guest=None,
    accommodation: str = "0",
    discount: str = "0",
    created: dt.datetime | None = None,
    calendar: bool = True,
) -> Booking:
    """A booking row with a frozen breakdown, as the booking service leaves it (and its calendar nights)."""
    nights = (check_out - check_in).days
    lines = [{"code": "accommodation", "label": f"{nights} nights", "amount": accommodation}]
    if Decimal(discount):
        lines.append({"code": "discount", "label": "Weekly stay discount", "amount": discount})
    total = Decimal(accommodation) + Decimal(discount)
    booking = Booking.objects.create(
        listing=listing,
        guest=guest or UserFactory(),
        check_in=check_in,
        check_out=check_out,
        guests=2,
        status=status,
        currency=listing.currency,
        total=total,
        price_breakdown={"lines": lines, "total": str(total), "host_payout": str(total), "nights": []},
    )
    if created is not None:
        Booking.objects.filter(pk=booking.pk).update(created_at=created)
        booking.refresh_from_db()
    if calendar and status in ("confirmed", "completed", "awaiting_host"):
        night_status = "held" if status == "awaiting_host" else "booked"
        CalendarNight.objects.bulk_create(
            [
                CalendarNight(
                    listing=listing, date=check_in + dt.timedelta(days=i), status=night_status, booking=booking
                )
                for i in range(nights)
            ]
        )
    return booking
