"""Fixtures of the listings tests: files stored in a temporary MEDIA_ROOT, hosts and guests with clients."""

import pytest
from django.test import Client

from tests.accounts.factories import UserFactory
from tests.conftest import bearer_client
from tests.listings.factories import ListingFactory, ListingPhotoFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def host(db):
    return UserFactory(first_name="Hana")


@pytest.fixture
def stranger(db):
    return UserFactory(first_name="Sam")


@pytest.fixture
def listing(host):
    """A published Instant Book listing with one photo, as publishing requires."""
    listing = ListingFactory(host=host, instant_book=True)
    ListingPhotoFactory(listing=listing, position=0, caption="Living room")
    return listing


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def host_client(host):
    return logged_in(host)


@pytest.fixture
def stranger_client(stranger):
    return logged_in(stranger)


@pytest.fixture
def host_api(host):
    return bearer_client(host)


@pytest.fixture
def stranger_api(stranger):
    return bearer_client(stranger)
