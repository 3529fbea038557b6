"""The replica router's rules that need no replica (the rest: tests/platform/test_replicas.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import get_resolver

from accounts.models import User
from airbnb.db import routing
from listings.models import Listing

ROOT = Path(__file__).resolve().parents[2]


def _view_names() -> set[str]:
    names = {key for key in get_resolver().reverse_dict if isinstance(key, str)}
    for namespace, (_prefix, resolver) in get_resolver().namespace_dict.items():
        names |= {f"{namespace}:{key}" for key in resolver.reverse_dict if isinstance(key, str)}
    return names


def test_every_replica_view_exists():
    assert settings.DATABASE_REPLICA_VIEWS <= _view_names(), settings.DATABASE_REPLICA_VIEWS - _view_names()


def test_own_data_never_reads_from_a_replica():
    own = {
        "bookings:trips", "bookings:host_reservations", "messaging:inbox", "hosttools:today", "booking-list",
        "wishlist-list", "wishlists:index",
    }  # fmt: skip
    assert own <= _view_names()
    assert not own & settings.DATABASE_REPLICA_VIEWS


@pytest.mark.django_db(transaction=True)  # no test transaction around it: the router tells them apart
def test_the_router_reads_from_the_route_and_writes_to_the_primary():
    router = routing.ReplicaRouter()
    assert router.db_for_read(Listing) == "default"  # no route: the primary
    token = routing._route.set(routing._Route("replica1", "replica"))
    try:
        assert router.db_for_read(Listing) == "replica1"
        assert router.db_for_read(User) == "default"  # authentication reads the primary
        assert router.db_for_write(Listing) == "default"
        with transaction.atomic():
            assert router.db_for_read(Listing) == "default"  # inside a transaction: the primary
    finally:
        routing._route.reset(token)
    assert router.allow_migrate("default", "listings") and not router.allow_migrate("replica1", "listings")


def test_lsn_ordering():
    assert routing.lsn_to_int("0/30000060") < routing.lsn_to_int("1/0") < routing.lsn_to_int("16/B374D848")
    assert routing.lsn_to_int(None) == 0


def test_replica_urls_become_aliases():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "airbnb.settings.dev",
        "DATABASE_REPLICA_URLS": "postgis://u:p@10.0.0.2:5432/airbnb,postgis://u:p@10.0.0.3:6432/airbnb",
    }
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.DATABASE_REPLICAS, "
        "{a: [d['HOST'], d['PORT'], d['TEST']] for a, d in settings.DATABASES.items()}]))"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    replicas, databases = json.loads(result.stdout)
    assert replicas == ["replica1", "replica2"]
    assert databases["replica1"][:2] == ["10.0.0.2", 5432] and databases["replica2"][:2] == ["10.0.0.3", 6432]
    assert databases["replica1"][2]["MIRROR"] == "default"  # the test runner never creates or flushes it
