"""The Superhost evaluation (beat task) against hand-built hosts."""

from decimal import Decimal

import pytest

from accounts.models import User
from bookings.services.booking import booking_cancel_by_host
from reviews import tasks
from reviews.services.submission import review_submit
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import book
from tests.listings.factories import ListingFactory
from tests.reviews.helpers import GUEST_CATEGORIES_5, stay, stay_categories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _three_stays_are_enough(settings):
    settings.SUPERHOST_MIN_STAYS = 3


def host_with_stays(ratings: list[int], *, response_rate: str | None = "0.95") -> User:
    host = UserFactory(response_rate=Decimal(response_rate) if response_rate else None)
    listing = ListingFactory(host=host, instant_book=True)
    for overall in ratings:
        booking = stay(guest=UserFactory(), listing=listing)
        review_submit(
            booking_id=booking.pk, author=booking.guest, overall=overall, categories=stay_categories(), comment="Nice"
        )
        review_submit(
            booking_id=booking.pk, author=host, overall=5, categories=GUEST_CATEGORIES_5, comment="Great guest"
        )
    return host


def evaluate() -> dict:
    return tasks.superhost_evaluate_task()


def superhost(user) -> bool:
    user.refresh_from_db()
    return user.is_superhost


def test_a_host_meeting_every_criterion_becomes_superhost():
    host = host_with_stays([5, 5, 4])  # 4.67: below 4.8
    star = host_with_stays([5, 5, 5, 4, 5])  # 4.8 exactly
    no_rate = host_with_stays([5, 5, 5], response_rate=None)  # never had to answer anyone
    assert evaluate() == {"granted": 2, "withdrawn": 0}
    assert superhost(star) and superhost(no_rate) and not superhost(host)
    assert evaluate() == {"granted": 0, "withdrawn": 0}  # idempotent


def test_each_criterion_can_fail_alone():
    slow = host_with_stays([5, 5, 5], response_rate="0.899")
    few = host_with_stays([5, 5])
    cancelling = host_with_stays([5, 5, 5])
    listing = cancelling.listings.first()
    upcoming = book(guest=UserFactory(), listing=listing, start=60, nights=2)
    booking_cancel_by_host(booking_id=upcoming.pk, host=cancelling)  # 1 / (3 + 1) cancelled
    evaluate()
    assert not superhost(slow) and not superhost(few) and not superhost(cancelling)


def test_a_superhost_who_no_longer_qualifies_loses_the_badge():
    fallen = host_with_stays([5, 5, 5], response_rate="0.50")
    User.objects.filter(pk=fallen.pk).update(is_superhost=True)
    bystander = UserFactory(is_superhost=False)
    assert evaluate() == {"granted": 0, "withdrawn": 1}
    assert not superhost(fallen) and not superhost(bystander)


def test_hidden_reviews_do_not_count(settings):
    from reviews.models import Review
    from reviews.services.moderation import review_hide

    host = host_with_stays([5, 5, 5, 1])  # 4.0 with the bad review
    bad = Review.objects.get(subject=host, overall=1)
    review_hide(review_ids=[bad.pk])  # now 5.0 over 3 reviews, 4 stays
    evaluate()
    assert superhost(host)
