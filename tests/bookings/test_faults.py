"""Faults injected for real: a Redis server stopped mid-run, a process killed mid-booking."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import override_settings

from availability.models import CalendarNight
from bookings import tasks
from bookings.models import Booking, BookingStatus
from payments.models import Payment
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import VISA, days
from tests.conftest import bearer_client
from tests.listings.factories import ListingFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def private_redis(tmp_path):
    """A Redis server of this test's own, so stopping it disturbs nothing else."""
    port = free_port()
    proc = subprocess.Popen(
        [
            shutil.which("redis-server"),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield proc, f"redis://127.0.0.1:{port}/0"
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def test_bookings_stay_correct_when_redis_stops_mid_run(private_redis):
    proc, url = private_redis
    cache_config = {**settings.CACHES["default"], "LOCATION": url}
    listing = ListingFactory(instant_book=True)
    guests = [UserFactory() for _ in range(6)]
    with override_settings(CACHES={"default": cache_config}):
        caches["default"].set("probe", 1)
        assert caches["default"].get("probe") == 1  # really on the private Redis

        def attempt(i, start):
            return bearer_client(guests[i]).post(
                "/api/v1/bookings/",
                {
                    "listing": listing.pk,
                    "check_in": days(start).isoformat(),
                    "check_out": days(start + 2).isoformat(),
                    "guests": 1,
                    "payment_method": VISA,
                },
                format="json",
                HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
            )

        before = [attempt(0, 10), attempt(1, 11)]  # second overlaps the first
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert caches["default"].get("probe") is None  # Redis is gone (errors ignored by the cache)
        after = [attempt(2, 20), attempt(3, 21), attempt(4, 30)]

    assert [r.status_code for r in before] == [201, 409]
    assert [r.status_code for r in after] == [201, 409, 201]
    nights = list(CalendarNight.objects.filter(listing=listing).values_list("date", flat=True))
    assert len(nights) == len(set(nights)) == 6
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 3


KILLED_AFTER_HOLD = """
import os, signal, datetime as dt, django
django.setup()
from accounts.models import User
from bookings.services.booking import _hold
from payments.models import Payment
booking = _hold(guest=User.objects.get(pk={guest}), listing_id={listing}, check_in=dt.date.fromisoformat("{ci}"),
                check_out=dt.date.fromisoformat("{co}"), guests=1, message="", gateway_name="local")
Payment.objects.filter(booking=booking).update(intent_id="pi_local_killed")
print(booking.pk, flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # the worker dies between hold and authorisation
"""


def test_worker_killed_between_hold_and_payment_is_swept():
    listing = ListingFactory(instant_book=True)
    guest = UserFactory()
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "airbnb.settings.test",
        "DATABASE_URL": f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    script = KILLED_AFTER_HOLD.format(guest=guest.pk, listing=listing.pk, ci=days(5), co=days(8))
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == -signal.SIGKILL, result.stderr
    booking = Booking.objects.get(pk=int(result.stdout.strip()))
    assert booking.status == BookingStatus.PENDING_PAYMENT
    assert CalendarNight.objects.filter(listing=listing, status="held").count() == 3

    # Nobody else can take the nights while the hold is young...
    other = bearer_client(UserFactory())
    body = {
        "listing": listing.pk,
        "check_in": days(6).isoformat(),
        "check_out": days(7).isoformat(),
        "guests": 1,
        "payment_method": VISA,
    }
    assert (
        other.post("/api/v1/bookings/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())).status_code == 409
    )
    # ...and once it is older than the hold window, the sweeper releases it.
    Booking.objects.filter(pk=booking.pk).update(created_at=booking.created_at - (days(1) - days(0)))
    assert tasks.bookings_expire_stale_task() == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.EXPIRED
    assert Payment.objects.get(booking=booking).status == "released"
    assert (
        other.post("/api/v1/bookings/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())).status_code == 201
    )
