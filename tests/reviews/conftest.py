import pytest

from tests.accounts.factories import UserFactory
from tests.listings.factories import ListingFactory


@pytest.fixture
def guest(db):
    return UserFactory(first_name="Gina")


@pytest.fixture
def host(db):
    return UserFactory(first_name="Hugo")


@pytest.fixture
def listing(host):
    return ListingFactory(host=host, instant_book=True, max_guests=4)
