"""Reads of reviews: what a user may see, what they still have to write, listing summaries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from bookings.models import Booking, BookingStatus
from listings.localtime import local_instant, local_today_sql

from .models import REVIEW_WINDOW_DAYS, STAY_CATEGORIES, ListingRating, Review, UserRating

D = Review.Direction
LISTING_REVIEWS_PER_PAGE = 6
PROFILE_REVIEWS_PER_PAGE = 10


def review_window_closes_at(booking: Booking) -> dt.datetime:
    """The moment both sides' window to review a stay closes: midnight starting check-out + 14 days,
    where the listing is."""
    day = booking.check_out + dt.timedelta(days=REVIEW_WINDOW_DAYS)
    return local_instant(booking.listing.time_zone, day, dt.time.min)


def review_window_last_day(booking: Booking) -> dt.date:
    """The last day (the listing's) on which a review of ``booking`` can be written."""
    return booking.check_out + dt.timedelta(days=REVIEW_WINDOW_DAYS - 1)


def review_direction_for(*, booking: Booking, user) -> str | None:
    """The review ``user`` writes for ``booking``: guest_to_host, host_to_guest, or None (not theirs)."""
    if user.is_authenticated and booking.guest_id == user.pk:
        return D.GUEST_TO_HOST
    if user.is_authenticated and booking.listing.host_id == user.pk:
        return D.HOST_TO_GUEST
    return None


def review_public_queryset() -> QuerySet[Review]:
    """Reviews anyone may read: published and not hidden by moderation."""
    return Review.objects.filter(published_at__isnull=False, hidden_at__isnull=True)


def review_visible_to(user) -> QuerySet[Review]:
    """Public reviews, plus the user's own unpublished ones (the double-blind: nobody else's)."""
    visible = Q(published_at__isnull=False, hidden_at__isnull=True)
    if user.is_authenticated:
        visible |= Q(author_id=user.pk, hidden_at__isnull=True)
    return Review.objects.filter(visible)


@dataclass(frozen=True)
class ReviewToWrite:
    booking: Booking
    direction: str
    closes_at: dt.datetime
    other_party_reviewed: bool

    @property
    def as_host(self) -> bool:
        return self.direction == D.HOST_TO_GUEST

    @property
    def subject(self):
        return self.booking.guest if self.as_host else self.booking.listing.host

    @property
    def last_day(self) -> dt.date:
        """The last day to write it (the window closes at midnight after it)."""
        return review_window_last_day(self.booking)


def reviews_to_write(*, user, now: dt.datetime | None = None) -> list[ReviewToWrite]:
    """Completed stays of ``user`` (as guest or host) still open for their review, soonest closing first.

    Two queries (guest side, host side), each with the listing, people and whether
    the other side already wrote theirs (shown as "X reviewed you").
    """
    now = now or timezone.now()
    # Open window: closes_at(check_out) > now  <=>  check_out > the listing's today - 14 days.
    earliest_check_out = local_today_sql("listing__time_zone", now=now) - dt.timedelta(days=REVIEW_WINDOW_DAYS)
    base = (
        Booking.objects.filter(status=BookingStatus.COMPLETED, check_out__gt=earliest_check_out)
        .select_related("listing", "listing__host", "guest")
        .order_by("check_out", "id")
    )
    found: list[ReviewToWrite] = []
    for direction, mine in ((D.GUEST_TO_HOST, Q(guest_id=user.pk)), (D.HOST_TO_GUEST, Q(listing__host_id=user.pk))):
        other = D.HOST_TO_GUEST if direction == D.GUEST_TO_HOST else D.GUEST_TO_HOST
        rows = (
            base.filter(mine)
            .exclude(Exists(Review.objects.filter(booking_id=OuterRef("pk"), direction=direction)))
            .annotate(other_reviewed=Exists(Review.objects.filter(booking_id=OuterRef("pk"), direction=other)))
        )
        found += [
            ReviewToWrite(
                booking=booking,
                direction=direction,
                closes_at=review_window_closes_at(booking),
                other_party_reviewed=booking.other_reviewed,
            )
            for booking in rows[:100]
        ]
    return sorted(found, key=lambda item: (item.closes_at, item.booking.pk))


def reviews_awaiting_publication(*, user) -> QuerySet[Review]:
    """Reviews ``user`` wrote that are still private (waiting for the other side or the window)."""
    return (
        Review.objects.filter(author_id=user.pk, published_at__isnull=True, hidden_at__isnull=True)
        .select_related("booking", "listing", "subject")
        .order_by("-created_at")
    )


@dataclass(frozen=True)
class CategoryBar:
    code: str
    label: str
    average: object  # Decimal or None

    @property
    def percent(self) -> int:
        """Width of the bar: the average out of 5, as a percentage."""
        return 0 if self.average is None else round(float(self.average) * 20)


@dataclass
class ListingReviewsSummary:
    listing_id: int
    rating_avg: object
    review_count: int
    categories: list[CategoryBar]
    page: Page
    page_range: list = field(default_factory=list)

    @property
    def reviews(self) -> list[Review]:
        return list(self.page.object_list)


def _page(queryset: QuerySet, number, per_page: int) -> tuple[Page, list]:
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(number)
    return page, list(paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))


def listing_reviews_summary(*, listing, page=1) -> ListingReviewsSummary:
    """What the listing page shows about reviews: the rating, category bars, one page of reviews.

    ``page`` is the raw page parameter (invalid values fall back to the first or
    last page). Reviews are the visible published guest reviews, most recent
    first, with their authors (one query for the page, one for the count, one
    for the category averages; nothing recomputed over the reviews).
    """
    rating = ListingRating.objects.filter(listing_id=listing.pk).first()
    categories = [
        CategoryBar(code=code, label=label, average=getattr(rating, code) if rating else None)
        for code, label in STAY_CATEGORIES.items()
    ]
    reviews = (
        review_public_queryset()
        .filter(listing_id=listing.pk, direction=D.GUEST_TO_HOST)
        .select_related("author", "subject")
        .order_by("-published_at", "-id")
    )
    page_obj, page_range = _page(reviews, page, LISTING_REVIEWS_PER_PAGE)
    return ListingReviewsSummary(
        listing_id=listing.pk,
        rating_avg=listing.rating_avg,
        review_count=listing.rating_count,
        categories=[bar for bar in categories if bar.average is not None],
        page=page_obj,
        page_range=page_range,
    )


def reviews_received(*, user_id: int, direction: str, page=1) -> tuple[Page, list]:
    """One page of the visible published reviews about a person (as host or as guest), newest first."""
    reviews = (
        review_public_queryset()
        .filter(subject_id=user_id, direction=direction)
        .select_related("author", "listing")
        .order_by("-published_at", "-id")
    )
    return _page(reviews, page, PROFILE_REVIEWS_PER_PAGE)


def user_rating(*, user_id: int) -> UserRating | None:
    return UserRating.objects.filter(user_id=user_id).first()


def review_write_state(*, booking: Booking, direction: str, now: dt.datetime | None = None) -> str:
    """Whether ``direction``'s review of ``booking`` can be written now.

    One of ``open``, ``submitted`` (already written), ``not_completed`` or ``closed``.
    """
    now = now or timezone.now()
    if Review.objects.filter(booking_id=booking.pk, direction=direction).exists():
        return "submitted"
    if booking.status != BookingStatus.COMPLETED:
        return "not_completed"
    if now >= review_window_closes_at(booking):
        return "closed"
    return "open"
