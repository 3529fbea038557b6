"""The listing row lock: the one lock every write about a listing takes first.

A listing's calendar, bookings, prices, reviews, photos and its own fields are
written by several apps; each of those writes opens a transaction and, before
reading or changing anything, locks the listing row with ``listing_lock``. Writes
about one listing are therefore serialised on one row, which is also what makes
a calendar write safe: ``FOR UPDATE`` cannot lock calendar rows that do not exist
yet, the listing row always exists.

It lives here, next to the row, because ``listings`` is the lowest app that needs
it (its own edits); ``availability``, ``pricing``, ``bookings``, ``reviews`` and
``hosttools`` import it from here. Nothing else takes this lock.

Lock order (never the other way round, so two writers cannot deadlock):

1. the listing row (this function), one listing per transaction;
2. then the rows the write is about: the booking, then its payment, payout
   entry or reviews; or the listing's pricing settings, photos, calendar export
   or imported feeds;
3. calendar rows need no lock of their own: they are only written under 1.

The one writer that locks the listing with its own SQL is the booking hold's hot
path (``bookings.services.booking_statements.hold_lock_listing``): the same
``FOR UPDATE`` of the same row, with the host's name read in the same statement.
"""

from __future__ import annotations

from .errors import ListingGone
from .models import Listing, ListingStatus


def listing_lock(*, listing_id: int, fields: tuple[str, ...] | None = None, live_only: bool = False) -> Listing:
    """``SELECT ... FOR UPDATE`` on the listing row; returns the listing. Call inside ``transaction.atomic()``.

    ``fields`` limits the columns read when the caller needs only a few (the
    lock is the same row lock either way).

    A soft-deleted listing is locked and returned like any other: its bookings
    are still cancelled, its stays reviewed and its calendar written. Listing
    edits pass ``live_only=True``: a deleted listing then raises ``ListingGone``
    (404) as if it did not exist. A listing that does not exist raises
    ``ListingGone`` either way.
    """
    queryset = Listing.objects.select_for_update()
    if fields:
        queryset = queryset.only(*fields)
    if live_only:
        queryset = queryset.exclude(status=ListingStatus.DELETED)
    listing = queryset.filter(pk=listing_id).first()
    if listing is None:
        raise ListingGone()
    return listing
