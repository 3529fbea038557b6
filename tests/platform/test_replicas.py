"""Public reads on a real streaming replica: read-your-writes, lag, and a replica killed mid-run.

``./dev test`` starts replica 1 of the local cluster (``pg_basebackup -R``, hot
standby) and names it in ``TEST_DATABASE_REPLICA_URL``; the test database
reaches it by streaming replication like everything else. Each test attaches
it as the alias ``replica1`` and routes to it (airbnb/db/routing.py). Replay is
paused with ``pg_wal_replay_pause()`` to make lag happen on demand. The tests
share the one replica (one of them kills it), so they run on one xdist worker.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import threading
import time
import uuid
from collections import Counter
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

import psycopg
import pytest
from django.db import connections
from rest_framework.test import APIClient

from airbnb.db import routing
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import VISA
from tests.conftest import bearer_client
from tests.search.conftest import in_paris

ROOT = Path(__file__).resolve().parents[2]
REPLICA_URL = os.environ.get("TEST_DATABASE_REPLICA_URL", "")
ALIAS = "replica1"
SEARCH = "/api/v1/search/"

pytestmark = [
    pytest.mark.django_db(transaction=True, databases=["default", ALIAS]),
    pytest.mark.xdist_group("replica"),
    pytest.mark.skipif(not REPLICA_URL, reason="no replica: ./dev test starts one (TEST_DATABASE_REPLICA_URL)"),
]


def future(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


def _replica_connect() -> psycopg.Connection:
    url = urlparse(REPLICA_URL)
    db = connections["default"].settings_dict
    return psycopg.connect(
        host=url.hostname, port=url.port, user=db["USER"], password=db["PASSWORD"], dbname=db["NAME"],
        autocommit=True, connect_timeout=2,
    )  # fmt: skip


def _primary_lsn() -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return routing.lsn_to_int(cursor.fetchone()[0])


def _wait_replayed(timeout: float = 60) -> None:
    """Until the replica answers and has replayed everything the primary has written so far."""
    target = _primary_lsn()
    deadline = time.monotonic() + timeout
    while True:
        try:
            with _replica_connect() as conn:
                replayed = routing.lsn_to_int(conn.execute("SELECT pg_last_wal_replay_lsn()::text").fetchone()[0])
            if replayed >= target:
                return
        except psycopg.OperationalError:
            pass  # starting, or the test database not replayed yet
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.1)


def _replay(*, paused: bool) -> None:
    with _replica_connect() as conn:
        conn.execute("SELECT pg_wal_replay_pause()" if paused else "SELECT pg_wal_replay_resume()")


def _dev(script: str) -> None:
    """Run ./dev's replica functions as ./dev test does (same ports: replica 1 on the URL's port)."""
    env = {**os.environ, "LOCAL_REPLICA_PORT": str(urlparse(REPLICA_URL).port)}
    result = subprocess.run(
        ["bash", "-c", f"source {ROOT / 'dev'}; choose_pg_dir; {script}"],
        env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module", autouse=True)
def _replica_alias(django_db_setup):
    """``replica1`` in the connections before the tests' own set-up, which allows each alias it names.

    A test mirror of ``default`` as far as the test runner is concerned: never created, never flushed (the
    replica is read-only; it gets the primary's flush by replication).
    """
    url = urlparse(REPLICA_URL)
    connections.settings[ALIAS] = {
        **connections["default"].settings_dict,
        "HOST": url.hostname,
        "PORT": url.port,
        "DIRECT": None,
        "OPTIONS": {"connect_timeout": 2},
        "TEST": {**connections["default"].settings_dict["TEST"], "MIRROR": "default"},
    }
    yield
    connections[ALIAS].close()
    del connections[ALIAS]
    del connections.settings[ALIAS]


@pytest.fixture
def replica(settings):
    """The running replica, routed to; replay resumed afterwards."""
    settings.DATABASE_REPLICAS = [ALIAS]
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 60
    settings.DATABASE_REPLICA_HEALTH_SECONDS = 0  # every request asks: the tests decide when lag happens
    routing.replica_health_reset()
    _wait_replayed()
    yield ALIAS
    try:
        _replay(paused=False)
    finally:
        connections[ALIAS].close()
        routing.replica_health_reset()


def _until(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {card["id"] for card in response.json()["results"]}


def _routed(before: Counter) -> dict[str, int]:
    return {reason: n - before[reason] for reason, n in routing.routing_counts.items() if n != before[reason]}


def test_a_booked_listing_leaves_date_search_once_replayed_and_never_shows_bookable_to_its_guest(replica):
    listing = in_paris(instant_book=True, base_price=Decimal("90"))
    guest = bearer_client(UserFactory())
    anonymous = APIClient()
    dates = {"q": "Paris", "checkin": future(20), "checkout": future(23)}
    _wait_replayed()
    before = Counter(routing.routing_counts)
    assert _ids(anonymous.get(SEARCH, dates)) == {listing.pk}
    assert _ids(guest.get(SEARCH, dates)) == {listing.pk}
    assert _routed(before) == {"replica": 2}

    _replay(paused=True)
    booking = guest.post(
        "/api/v1/bookings/",
        {"listing": listing.pk, "check_in": dates["checkin"], "check_out": dates["checkout"], "guests": 2,
         "payment_method": VISA},
        format="json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )  # fmt: skip
    assert booking.status_code == 201, booking.content
    before = Counter(routing.routing_counts)
    # The replica has not replayed the booking: anonymous searches there still list the listing (stale, and
    # the booking itself is decided on the primary under the listing lock, so nobody can book it twice)...
    assert _ids(anonymous.get(SEARCH, dates)) == {listing.pk}
    # ...but the guest who booked reads from the primary until the replica has their write.
    assert _ids(guest.get(SEARCH, dates)) == set()
    assert guest.get(f"/api/v1/listings/{listing.pk}/").status_code == 200
    assert _routed(before) == {"replica": 1, "primary_read_your_writes": 2}

    _replay(paused=False)
    _wait_replayed()
    before = Counter(routing.routing_counts)
    assert _ids(anonymous.get(SEARCH, dates)) == set()  # replayed: gone on the replica path too
    assert _ids(guest.get(SEARCH, dates)) == set()  # and the guest is back on the replica
    assert _routed(before) == {"replica": 2}


def test_a_lagging_replica_is_skipped(replica, settings):
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 1
    anonymous = APIClient()
    _replay(paused=True)
    listing = in_paris()  # committed on the primary, received by the replica, not replayed
    time.sleep(1.5)
    before = Counter(routing.routing_counts)
    assert listing.pk in _ids(anonymous.get(SEARCH, {"q": "Paris"}))
    assert _routed(before) == {"primary_replicas_down_or_lagging": 1}

    _replay(paused=False)
    _wait_replayed()
    # Back on the replica once it has caught up. The bound goes back up: with other tests writing all the
    # time, "age of the last replayed commit" can pass one second on a busy machine even when caught up.
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 60
    before = Counter(routing.routing_counts)
    assert listing.pk in _ids(anonymous.get(SEARCH, {"q": "Paris"}))
    assert _routed(before) == {"replica": 1}


def test_killing_the_replica_mid_run_fails_no_request(replica, settings):
    settings.DATABASE_REPLICA_HEALTH_SECONDS = 5  # health cached: requests meet the dead replica mid-query
    listing = in_paris()
    _wait_replayed()
    answers: list[tuple[int, bool]] = []
    stop = threading.Event()

    def searching():
        client = APIClient()
        try:
            while not stop.is_set():
                response = client.get(SEARCH, {"q": "Paris"})
                answers.append((response.status_code, response.status_code == 200 and listing.pk in _ids(response)))
        finally:
            connections.close_all()

    before = Counter(routing.routing_counts)
    threads = [threading.Thread(target=searching) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        _until(lambda: routing.routing_counts["replica"] - before["replica"] >= 3)
        served_by_replica = routing.routing_counts["replica"] - before["replica"]
        _dev("replica_stop 1 immediate")  # a crash: no shutdown checkpoint, connections cut
        answered_at_kill = len(answers)
        _until(lambda: len(answers) >= answered_at_kill + 15)  # searches go on while the replica is dead
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        _dev("ensure_replica 1")
    assert served_by_replica >= 3
    assert all(status == 200 and found for status, found in answers), Counter(answers)
    routed = _routed(before)
    assert routed.get("primary_replica_failed", 0) + routed.get("primary_replicas_down_or_lagging", 0) > 0, routed

    routing.replica_health_reset()
    _wait_replayed()
    before = Counter(routing.routing_counts)
    assert listing.pk in _ids(APIClient().get(SEARCH, {"q": "Paris"}))
    assert _routed(before) == {"replica": 1}
