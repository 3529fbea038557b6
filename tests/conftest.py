"""Fixtures shared by every test: users, API clients, a clean Redis cache.

Tests run against the real PostgreSQL/PostGIS database and the real Redis that
./dev starts (never SQLite, never a mocked ORM).
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import translation
from knox.models import AuthToken
from rest_framework.test import APIClient

from listings.selectors import amenity_categories_forget
from payments.gateways.base import breaker
from tests.accounts.factories import UserFactory


@pytest.fixture(autouse=True)
def _amenity_catalogue(request, django_db_setup, django_db_blocker):
    """Keep the amenity catalogue (loaded by a data migration) in place for every DB test.

    ``transaction=True`` tests end with a flush that empties every table, the
    catalogue included; with ``--reuse-db`` it would stay empty for later tests.
    """
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames)
    if uses_db:
        from listings.catalogue import amenity_catalogue_load
        from listings.models import Amenity

        with django_db_blocker.unblock():
            # Reloading after every flush would push ids past the smallint range search
            # stores amenity ids in; restart the sequence so ids stay catalogue-sized.
            if Amenity.objects.count() < 30 or Amenity.objects.filter(pk__gt=10_000).exists():
                Amenity.objects.all().delete()
                with connection.cursor() as cursor:
                    cursor.execute("SELECT setval(pg_get_serial_sequence('listings_amenity', 'id'), 1, false)")
                amenity_catalogue_load(Amenity)
    yield


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    amenity_categories_forget()  # the process's copy of the catalogue (a rolled-back test's amenities)
    yield


@pytest.fixture(autouse=True)
def _closed_payment_breaker():
    """The payments circuit breaker (one per process) starts and ends every test closed: a test that
    makes the gateway fail five times must not fail the next test's payments fast."""
    breaker.close()
    yield
    breaker.close()


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a request served in Spanish (LocaleMiddleware
    activates it for the thread) must not translate the next test's Python-side strings."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def api_client():
    return APIClient()


def bearer_client(user) -> APIClient:
    _, token = AuthToken.objects.create(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def user_api(user):
    """An API client authenticated as ``user`` with a Bearer token."""
    return bearer_client(user)


@pytest.fixture
def other_api(other_user):
    return bearer_client(other_user)
