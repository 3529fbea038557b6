"""Reads of bookings. Calendar reads are ``availability.selectors``."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Booking


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
