"""Reads of bookings. Calendar reads are ``availability.selectors``."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from listings.localtime import local_today_sql
from listings.models import Listing
from listings.selectors import listing_can_edit

from .models import Booking, BookingStatus


def booking_visible_to(user) -> QuerySet[Booking]:
    """Bookings the user may see: their trips and reservations on their listings."""
    if user.is_staff:
        return Booking.objects.all()
    return Booking.objects.filter(Q(guest=user) | Q(listing__host=user))


# A booking shown in a list or an API answer needs the listing's name and place, not its
# text, map point or calendar multirange (parsing those for every row cost more than the query).
BOOKING_LISTING_DEFERRED = ("listing__description", "listing__house_rules", "listing__location", "listing__unavailable")


def booking_list_for_guest(*, guest) -> QuerySet[Booking]:
    """A guest's bookings, latest check-in first, with what a list row or an API item shows (no query per row)."""
    return (
        Booking.objects.filter(guest=guest)
        .select_related("listing", "listing__host", "guest", "payment")
        .defer(*BOOKING_LISTING_DEFERRED)
        .order_by("-check_in", "-pk")
    )


def booking_list_for_host(*, host) -> QuerySet[Booking]:
    """Bookings on a host's listings, soonest check-in first, with what a list row or an API item shows."""
    return (
        Booking.objects.filter(listing__host=host)
        .select_related("listing", "listing__host", "guest", "payment")
        .defer(*BOOKING_LISTING_DEFERRED)
        .order_by("check_in", "pk")
    )


def listing_upcoming_bookings(*, listing_id: int, statuses: tuple[str, ...]) -> list:
    """Bookings of a listing in ``statuses`` that have not ended yet (check-out after today), soonest first.

    The listing rules (soft delete, capacity) ask it through ``listings.hooks``.
    """
    return list(
        Booking.objects.filter(
            listing_id=listing_id, status__in=statuses, check_out__gt=local_today_sql("listing__time_zone")
        ).order_by("check_in", "pk")
    )


def listing_address_visible_to(*, listing: Listing, user) -> bool:
    """Whether ``user`` may see the exact address and point: the host, staff, or a guest with a confirmed stay."""
    if user is None or not user.is_authenticated:
        return False
    if listing_can_edit(listing, user):
        return True
    return Booking.objects.filter(
        listing_id=listing.pk, guest_id=user.pk, status__in=(BookingStatus.CONFIRMED, BookingStatus.COMPLETED)
    ).exists()
