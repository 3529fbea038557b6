"""Two web nodes behind HAProxy; one is killed mid-run; clients retrying with their Idempotency-Key lose nothing.

The nodes are real gunicorn processes on the test database (through PgBouncer,
like the suite) and the test Redis, behind a real HAProxy configured by
``./dev``'s ``haproxy_config`` (health checks on ``/healthz?node=1``). Guests
book through the balancer from several threads; one node's whole process group
is SIGKILLed while they do. A client retries a request that got no answer, a
5xx or "in progress" with the same key, as the API asks (docs/booking.md).

A request the kill cut in the middle leaves its key "in progress" for
``STALE_AFTER`` (5 minutes) and possibly a hold; the test then plays those
minutes forward (ages the rows, runs the hold sweeper) and retries again. In the
end every key has a definitive answer, and the database agrees with what the
clients were told: each 201 is one confirmed booking, there is no confirmed
booking that no client heard of, no key has two, no night is sold twice.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from django.db import connections
from django.utils import timezone

from airbnb.models import IdempotencyRecord
from availability.models import CalendarNight
from bookings.models import Booking, BookingStatus
from bookings.tasks import bookings_expire_stale_task
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import VISA
from tests.listings.factories import ListingFactory

ROOT = Path(__file__).resolve().parents[2]
GUESTS = 4
BOOKINGS_EACH = 6

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not come up")


@pytest.fixture
def balanced_nodes(tmp_path):
    db = connections["default"].settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "airbnb.settings.test",
        "DATABASE_URL": f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "TRUSTED_PROXY_COUNT": "1",
    }
    ports = [_free_port(), _free_port()]
    lb_port = _free_port()
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "airbnb.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=(tmp_path / f"web{n}.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        for n, port in enumerate(ports, 1)
    ]
    config = tmp_path / "haproxy.cfg"
    subprocess.run(
        ["bash", "-c", f"source {ROOT / 'dev'}; haproxy_config {config} {lb_port} {ports[0]} {ports[1]}"],
        check=True,
        timeout=30,
    )
    haproxy = subprocess.Popen(
        ["/usr/sbin/haproxy", "-db", "-f", str(config)],
        stdout=(tmp_path / "haproxy.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        for port in ports:
            _wait_http(f"http://127.0.0.1:{port}/healthz?node=1")
        _wait_http(f"http://127.0.0.1:{lb_port}/healthz?node=1")
        time.sleep(2.5)  # both nodes pass HAProxy's checks (rise 2, every second)
        yield f"http://127.0.0.1:{lb_port}", procs
    finally:
        for proc in [*procs, haproxy]:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def _token(user) -> str:
    from knox.models import AuthToken

    return AuthToken.objects.create(user)[1]


def _book(session: requests.Session, base: str, body: dict, key: str, *, deadline: float) -> tuple[int, dict]:
    """POST until a definitive answer, retrying with the same key (or until ``deadline``: still in progress)."""
    while True:
        try:
            response = session.post(f"{base}/api/v1/bookings/", json=body, headers={"Idempotency-Key": key}, timeout=15)
            code = response.json().get("error", {}).get("code") if response.status_code >= 400 else None
            if response.status_code < 500 and code != "idempotency_in_progress":
                return response.status_code, response.json()
        except (requests.ConnectionError, requests.Timeout, ValueError):
            pass  # no answer (the node died mid-request): same key again
        if time.monotonic() > deadline:
            return 0, {}
        time.sleep(0.2)


def test_a_node_killed_mid_run_loses_no_booking_and_makes_no_duplicate(balanced_nodes):
    base, nodes = balanced_nodes
    start = timezone.localdate() + dt.timedelta(days=30)
    work = []
    for _ in range(GUESTS):
        guest, listing = UserFactory(), ListingFactory(instant_book=True, base_price=Decimal("80"))
        token = _token(guest)
        for n in range(BOOKINGS_EACH):
            body = {
                "listing": listing.pk, "guests": 1, "payment_method": VISA,
                "check_in": (start + dt.timedelta(days=3 * n)).isoformat(),
                "check_out": (start + dt.timedelta(days=3 * n + 2)).isoformat(),
            }  # fmt: skip
            work.append((token, body, str(uuid.uuid4())))
    answers: dict[str, tuple[int, dict]] = {}

    def guest_books(items):
        session = requests.Session()
        for token, body, key in items:
            session.headers["Authorization"] = f"Bearer {token}"
            answers[key] = _book(session, base, body, key, deadline=time.monotonic() + 20)
            time.sleep(0.05)

    threads = [threading.Thread(target=guest_books, args=(work[i::GUESTS],)) for i in range(GUESTS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while len(answers) < len(work) // 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    answered_before_kill = len(answers)
    os.killpg(nodes[0].pid, signal.SIGKILL)  # node 1, master and workers, in the middle of requests
    for thread in threads:
        thread.join(timeout=120)
    assert 0 < answered_before_kill < len(work)

    # Keys a killed request left in progress: five minutes pass (the key turns stale, the hold expires).
    stuck = [(token, body, key) for token, body, key in work if answers[key][0] == 0]
    if stuck:
        IdempotencyRecord.objects.filter(key__in=[key for _, _, key in stuck]).update(
            created_at=timezone.now() - dt.timedelta(minutes=11)
        )
        Booking.objects.filter(status=BookingStatus.PENDING_PAYMENT).update(
            created_at=timezone.now() - dt.timedelta(minutes=11)
        )
        bookings_expire_stale_task()
        for token, body, key in stuck:
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer {token}"
            answers[key] = _book(session, base, body, key, deadline=time.monotonic() + 20)

    outcomes = {key: (status, body.get("error", {}).get("code")) for key, (status, body) in answers.items()}
    assert all(outcome in {(201, None), (409, "booking_not_completed")} for outcome in outcomes.values()), outcomes
    told = {answers[key][1]["id"] for key, (status, _) in outcomes.items() if status == 201}
    assert len(told) == len([1 for status, _ in outcomes.values() if status == 201])  # one booking per key
    confirmed = set(Booking.objects.filter(status=BookingStatus.CONFIRMED).values_list("pk", flat=True))
    assert confirmed == told  # nothing booked that no client heard of, nothing told that is not booked
    assert len(told) >= len(work) - len(stuck)
    for booking in Booking.objects.filter(pk__in=confirmed):
        nights = CalendarNight.objects.filter(listing=booking.listing_id, booking=booking, status="booked").count()
        assert nights == (booking.check_out - booking.check_in).days
    assert not CalendarNight.objects.filter(status="held").exists()
