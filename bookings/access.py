"""May this user see or act on this booking? One answer for pages, the API and the services.

``access_booking`` returns the booking or raises ``NotFound`` (404) for anyone
who is not its guest, its listing's host or staff, so a stranger cannot tell a
booking from an id that never existed. ``access_booking_for_update`` also takes
the locks (listing row first, the fixed order) and answers ``NotAllowed`` (403)
to the other party of the booking (the guest trying a host's action).
"""

from __future__ import annotations

from typing import Literal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from airbnb.errors import NotFound
from listings.locks import listing_lock
from listings.models import Listing

from .errors import NotAllowed
from .models import Booking

Role = Literal["guest", "host", "either"]


def _role(user, role: Role) -> Q:
    """The bookings ``user`` is a party to in ``role`` (staff: all of them)."""
    if user.is_staff:
        return Q()
    guest, host = Q(guest_id=user.pk), Q(listing__host_id=user.pk)
    return {"guest": guest, "host": host}.get(role, guest | host)


def access_booking(user, booking_id, *, as_role: Role, queryset: QuerySet[Booking] | None = None) -> Booking:
    """The booking if ``user`` is its guest (``as_role="guest"``), its host (``"host"``), either, or staff.

    ``queryset`` adds the caller's ``select_related`` / ``prefetch_related``.
    Raises ``NotFound`` otherwise (also for ids that are not numbers).
    """
    try:
        return (Booking.objects if queryset is None else queryset).filter(_role(user, as_role)).get(pk=int(booking_id))
    except (Booking.DoesNotExist, TypeError, ValueError):
        raise NotFound(message=gettext("No booking with this id.")) from None


def access_booking_for_update(user, booking_id: int, *, as_role: Role) -> tuple[Booking, Listing]:
    """Lock the listing then the booking (call inside ``transaction.atomic()``) for one party's action.

    ``NotFound`` (404) for a user who is neither guest nor host nor staff;
    ``NotAllowed`` (403) for the other party (a guest trying the host's action).
    """
    booking = access_booking(user, booking_id, as_role="either", queryset=Booking.objects.select_related("listing"))
    if as_role == "guest" and not (booking.guest_id == user.pk or user.is_staff):
        raise NotAllowed(message=gettext("Only the guest can do this."))
    if as_role == "host" and not (booking.listing.host_id == user.pk or user.is_staff):
        raise NotAllowed(message=gettext("Only the host can do this."))
    listing = listing_lock(listing_id=booking.listing_id)
    return Booking.objects.select_for_update().get(pk=booking.pk), listing
