"""Review services on the real database: the window, the double-blind, immutability, aggregates, moderation."""

import datetime as dt
import threading
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from listings.models import Listing
from reviews import tasks
from reviews.errors import (
    ResponseAlreadyPosted,
    ReviewAlreadyReported,
    ReviewAlreadySubmitted,
    ReviewNotAllowed,
    ReviewNotFound,
    ReviewNotOpen,
    ReviewNotPublished,
    ReviewWindowClosed,
)
from reviews.models import ListingRating, Review, ReviewReport, UserRating
from reviews.selectors import (
    listing_reviews_summary,
    review_visible_to,
    review_window_closes_at,
    reviews_to_write,
)
from reviews.services.aggregates import review_aggregates_rebuild
from reviews.services.moderation import review_hide, review_report, review_reports_resolve, review_unhide
from reviews.services.submission import review_respond, review_submit
from tests.accounts.factories import UserFactory
from tests.reviews.helpers import GUEST_CATEGORIES_5, stay, stay_categories

pytestmark = pytest.mark.django_db
D = Decimal
G2H = Review.Direction.GUEST_TO_HOST
H2G = Review.Direction.HOST_TO_GUEST


def guest_review(booking, *, overall=5, categories=None, comment="Lovely flat, great host.", **kwargs):
    return review_submit(
        booking_id=booking.pk,
        author=booking.guest,
        overall=overall,
        categories=categories or stay_categories(),
        comment=comment,
        **kwargs,
    )


def host_review(booking, *, overall=5, categories=None, comment="A perfect guest.", **kwargs):
    return review_submit(
        booking_id=booking.pk,
        author=booking.listing.host,
        overall=overall,
        categories=categories or GUEST_CATEGORIES_5,
        comment=comment,
        **kwargs,
    )


# --- the window and the double-blind ---------------------------------------------------


def test_first_review_stays_private_until_the_other_side_writes(guest, listing):
    booking = stay(guest=guest, listing=listing)
    mine = guest_review(booking, private_note="The shower drips.")
    assert mine.published_at is None
    assert list(review_visible_to(guest).filter(booking=booking)) == [mine]  # the author sees it
    assert not review_visible_to(listing.host).filter(booking=booking).exists()  # the subject does not
    assert not review_visible_to(UserFactory()).filter(booking=booking).exists()
    listing.refresh_from_db()
    assert listing.rating_count == 0 and listing.rating_avg is None

    theirs = host_review(booking)
    mine.refresh_from_db()
    assert theirs.published_at is not None and mine.published_at == theirs.published_at
    assert review_visible_to(UserFactory()).filter(booking=booking).count() == 2
    listing.refresh_from_db()
    assert (listing.rating_avg, listing.rating_count) == (D("5.00"), 1)


def test_window_closing_publishes_through_the_beat_task(guest, listing):
    booking = stay(guest=guest, listing=listing, checked_out_days_ago=3)
    review = guest_review(booking, overall=4)
    assert tasks.reviews_publish_due_task() == 0  # window still open
    review.refresh_from_db()
    assert review.published_at is None

    # 14 days after check-out: the window is closed.
    today = timezone.localdate()
    booking.__class__.objects.filter(pk=booking.pk).update(
        check_in=today - dt.timedelta(days=16), check_out=today - dt.timedelta(days=14)
    )
    assert tasks.reviews_publish_due_task() == 1
    review.refresh_from_db()
    assert review.published_at is not None
    listing.refresh_from_db()
    assert (listing.rating_avg, listing.rating_count) == (D("4.00"), 1)
    assert tasks.reviews_publish_due_task() == 0  # once


def test_window_boundaries(guest, listing):
    Listing.objects.filter(pk=listing.pk).update(time_zone="Asia/Tokyo")
    listing.refresh_from_db()
    booking = stay(guest=guest, listing=listing, checked_out_days_ago=1)
    closes = review_window_closes_at(booking)
    # Midnight where the listing is (Tokyo), not on the server's clock.
    zone = ZoneInfo("Asia/Tokyo")
    assert closes == dt.datetime.combine(booking.check_out + dt.timedelta(days=14), dt.time.min, tzinfo=zone)
    with pytest.raises(ReviewWindowClosed):
        guest_review(booking, now=closes)
    assert guest_review(booking, now=closes - dt.timedelta(seconds=1)).pk


def test_only_a_completed_stay_can_be_reviewed(guest, listing):
    upcoming = stay(guest=guest, listing=listing, complete=False)  # confirmed, check-out passed, not completed
    with pytest.raises(ReviewNotOpen):
        guest_review(upcoming)
    assert not Review.objects.exists()


def test_strangers_and_staff_cannot_review(guest, listing):
    booking = stay(guest=guest, listing=listing)
    for outsider in (UserFactory(), UserFactory(is_staff=True)):
        with pytest.raises(ReviewNotFound):
            review_submit(booking_id=booking.pk, author=outsider, overall=5, categories=stay_categories(), comment="x")
    with pytest.raises(ReviewNotFound):
        review_submit(booking_id=999999, author=guest, overall=5, categories=stay_categories(), comment="x")
    assert not Review.objects.exists()


def test_double_submission_is_refused_and_nothing_is_saved_twice(guest, listing):
    booking = stay(guest=guest, listing=listing)
    guest_review(booking)
    with pytest.raises(ReviewAlreadySubmitted):
        guest_review(booking, overall=1, comment="Changed my mind")
    assert Review.objects.filter(booking=booking).count() == 1
    assert Review.objects.get(booking=booking).overall == 5


@pytest.mark.parametrize(
    ("overall", "categories", "comment", "field"),
    [
        (0, stay_categories(), "ok", "overall"),
        (6, stay_categories(), "ok", "overall"),
        ("5", stay_categories(), "ok", "overall"),
        (True, stay_categories(), "ok", "overall"),
        (5, stay_categories(value=9), "ok", "categories"),
        (5, {"cleanliness": 5}, "ok", "categories"),
        (5, {**stay_categories(), "vibes": 5}, "ok", "categories"),
        (5, "five", "ok", "categories"),
        (5, stay_categories(), "   ", "comment"),
        (5, stay_categories(), "x" * 5001, "comment"),
    ],
)
def test_bad_ratings_and_texts_are_rejected_by_field(guest, listing, overall, categories, comment, field):
    booking = stay(guest=guest, listing=listing)
    with pytest.raises(ValidationError) as error:
        guest_review(booking, overall=overall, categories=categories, comment=comment)
    assert field in error.value.message_dict
    assert not Review.objects.exists()


def test_host_review_uses_guest_categories_and_no_private_note(guest, listing):
    booking = stay(guest=guest, listing=listing)
    with pytest.raises(ValidationError) as error:
        host_review(booking, categories=stay_categories())
    assert "categories" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        host_review(booking, private_note="psst")
    assert "private_note" in error.value.message_dict
    review = host_review(booking, categories={"cleanliness": 4, "communication": 5, "house_rules": 3})
    assert review.direction == H2G and review.subject == guest and review.author == listing.host


def test_both_sides_submitting_at_once_publish_exactly_once(transactional_db, guest, listing):
    booking = stay(guest=guest, listing=listing)
    barrier = threading.Barrier(2)
    errors = []

    def submit(write):
        try:
            barrier.wait()
            write(booking)
        except Exception as exc:  # collected for the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(w,)) for w in (guest_review, host_review)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    reviews = Review.objects.filter(booking=booking)
    assert reviews.count() == 2 and all(r.published_at for r in reviews)
    listing.refresh_from_db()
    assert listing.rating_count == 1


# --- immutability and responses --------------------------------------------------------


def test_published_review_cannot_be_changed_even_in_sql(guest, listing):
    booking = stay(guest=guest, listing=listing)
    review = guest_review(booking)
    host_review(booking)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=review.pk).update(comment="edited afterwards")
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=review.pk).update(overall=1)
    review.refresh_from_db()
    assert review.comment == "Lovely flat, great host." and review.overall == 5
    # Moderation is still possible.
    Review.objects.filter(pk=review.pk).update(hidden_at=timezone.now())


def test_subject_responds_once_after_publication(guest, listing):
    booking = stay(guest=guest, listing=listing)
    review = guest_review(booking)
    with pytest.raises(ReviewNotPublished):
        review_respond(review_id=review.pk, user=listing.host, response="Thanks!")
    host_review(booking)
    with pytest.raises(ReviewNotAllowed):
        review_respond(review_id=review.pk, user=guest, response="Replying to myself")
    with pytest.raises(ReviewNotFound):
        review_respond(review_id=999999, user=listing.host, response="Hi")
    with pytest.raises(ValidationError):
        review_respond(review_id=review.pk, user=listing.host, response="  ")
    review_respond(review_id=review.pk, user=listing.host, response="Thanks, come back soon!")
    with pytest.raises(ResponseAlreadyPosted):
        review_respond(review_id=review.pk, user=listing.host, response="Second try")
    review.refresh_from_db()
    assert review.response == "Thanks, come back soon!" and review.responded_at is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=review.pk).update(response="rewritten")


def test_a_stranger_cannot_respond_to_someone_elses_review(guest, listing):
    booking = stay(guest=guest, listing=listing)
    review = guest_review(booking)
    host_review(booking)
    with pytest.raises(ReviewNotAllowed):
        review_respond(review_id=review.pk, user=UserFactory(), response="Not mine")
    review.refresh_from_db()
    assert review.response == ""


# --- aggregates ----------------------------------------------------------------------


def test_listing_and_people_aggregates_equal_hand_computed_values(listing):
    host = listing.host
    guests = [UserFactory() for _ in range(3)]
    ratings = [
        (5, stay_categories(cleanliness=5, value=4), {"cleanliness": 5, "communication": 5, "house_rules": 4}),
        (4, stay_categories(cleanliness=3, value=4), {"cleanliness": 4, "communication": 3, "house_rules": 5}),
        (4, stay_categories(cleanliness=4, value=5), {"cleanliness": 3, "communication": 5, "house_rules": 5}),
    ]
    for person, (overall, stay_ratings, guest_ratings) in zip(guests, ratings, strict=True):
        booking = stay(guest=person, listing=listing)
        guest_review(booking, overall=overall, categories=stay_ratings)
        host_review(booking, overall=overall, categories=guest_ratings)

    listing.refresh_from_db()
    # (5 + 4 + 4) / 3 = 4.333.. -> 4.33
    assert (listing.rating_avg, listing.rating_count) == (D("4.33"), 3)
    rating = ListingRating.objects.get(listing=listing)
    assert rating.review_count == 3 and rating.overall == D("4.33")
    assert rating.cleanliness == D("4.00")  # (5 + 3 + 4) / 3
    assert rating.value == D("4.33")  # (4 + 4 + 5) / 3
    assert rating.location == D("5.00")

    host_rating = UserRating.objects.get(user=host)
    assert (host_rating.host_review_count, host_rating.host_rating) == (3, D("4.33"))
    assert host_rating.guest_review_count == 0 and host_rating.guest_rating is None
    first_guest = UserRating.objects.get(user=guests[0])
    assert (first_guest.guest_review_count, first_guest.guest_rating) == (1, D("5.00"))
    assert first_guest.guest_house_rules == D("4.00")

    summary = listing_reviews_summary(listing=listing, page=1)
    assert summary.review_count == 3 and summary.rating_avg == D("4.33")
    assert [(bar.code, bar.average) for bar in summary.categories][:1] == [("cleanliness", D("4.00"))]
    assert summary.categories[0].percent == 80

    # The set-based rebuild agrees with the incremental refresh.
    before = list(ListingRating.objects.values().order_by("listing_id"))
    review_aggregates_rebuild()
    after = list(ListingRating.objects.values().order_by("listing_id"))
    strip = [{k: v for k, v in row.items() if k != "updated_at"} for row in before]
    assert strip == [{k: v for k, v in row.items() if k != "updated_at"} for row in after]
    listing.refresh_from_db()
    assert (listing.rating_avg, listing.rating_count) == (D("4.33"), 3)


def test_half_up_rounding_matches_postgres(listing):
    for overall in (5, 4, 4, 4, 4, 4, 4, 4):  # 33 / 8 = 4.125 -> 4.13
        booking = stay(guest=UserFactory(), listing=listing)
        guest_review(booking, overall=overall)
        host_review(booking)
    listing.refresh_from_db()
    assert listing.rating_avg == D("4.13")


def test_hiding_a_review_takes_it_out_of_the_averages(listing):
    reviews = []
    for overall in (5, 1):
        booking = stay(guest=UserFactory(), listing=listing)
        reviews.append(guest_review(booking, overall=overall))
        host_review(booking)
    listing.refresh_from_db()
    assert (listing.rating_avg, listing.rating_count) == (D("3.00"), 2)

    assert review_hide(review_ids=[reviews[1].pk]) == 1
    listing.refresh_from_db()
    assert (listing.rating_avg, listing.rating_count) == (D("5.00"), 1)
    assert UserRating.objects.get(user=listing.host).host_review_count == 1
    assert not review_visible_to(UserFactory()).filter(pk=reviews[1].pk).exists()

    assert review_unhide(review_ids=[reviews[1].pk]) == 1
    listing.refresh_from_db()
    assert (listing.rating_avg, listing.rating_count) == (D("3.00"), 2)


# --- reports ----------------------------------------------------------------------------


def test_reporting_and_resolving(guest, listing):
    booking = stay(guest=guest, listing=listing)
    review = guest_review(booking, overall=1, comment="Terrible, call me on 555 123 4567")
    reporter = UserFactory()
    with pytest.raises(ReviewNotFound):  # not published yet: nothing to report
        review_report(review_id=review.pk, reporter=reporter, reason="inappropriate")
    host_review(booking)
    with pytest.raises(ReviewNotAllowed):
        review_report(review_id=review.pk, reporter=guest, reason="other")
    with pytest.raises(ValidationError):
        review_report(review_id=review.pk, reporter=reporter, reason="because")
    report = review_report(review_id=review.pk, reporter=reporter, reason="private_info", details="A phone number")
    with pytest.raises(ReviewAlreadyReported):
        review_report(review_id=review.pk, reporter=reporter, reason="other")
    second = review_report(review_id=review.pk, reporter=listing.host, reason="inappropriate")
    assert ReviewReport.objects.count() == 2

    staff = UserFactory(is_staff=True)
    assert review_reports_resolve(report_ids=[report.pk], staff_user=staff, hide=True) == 2
    second.refresh_from_db()
    assert second.status == ReviewReport.Status.HIDDEN and second.resolved_by == staff
    review.refresh_from_db()
    assert review.hidden_at is not None
    listing.refresh_from_db()
    assert listing.rating_count == 0 and listing.rating_avg is None


# --- what to write ---------------------------------------------------------------------------


def test_reviews_to_write_for_guest_and_host(guest, listing):
    booking = stay(guest=guest, listing=listing, checked_out_days_ago=2)
    old = stay(guest=guest, listing=listing, checked_out_days_ago=20)  # window closed
    assert old.pk not in [item.booking.pk for item in reviews_to_write(user=guest)]

    [as_guest] = reviews_to_write(user=guest)
    assert as_guest.booking == booking and not as_guest.as_host and as_guest.subject == listing.host
    assert as_guest.last_day == booking.check_out + dt.timedelta(days=13)
    [as_host] = reviews_to_write(user=listing.host)
    assert as_host.as_host and as_host.subject == guest and not as_host.other_party_reviewed

    guest_review(booking)
    assert reviews_to_write(user=guest) == []
    [as_host] = reviews_to_write(user=listing.host)
    assert as_host.other_party_reviewed
