"""Listing writes: create a draft, edit it, publish, unlist, relist, delete (soft).

A listing's life: ``draft`` -> ``published`` <-> ``unlisted``; any of them ->
``deleted`` (kept for its bookings' history, shown to nobody). Publishing needs
what a guest needs (``listing_readiness``: title, map location, price, a photo).

Editing never loses data already booked: bookings froze their price, currency
and dates when they were made, so prices and rules may change freely; capacity
cannot drop below an upcoming booking's party; a listing with upcoming confirmed
stays cannot be deleted, nor unlisted with its future cancelled.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_noop, ngettext

from ..errors import ListingErrorCode, ListingNotReady, ListingStatusInvalid
from ..hooks import booking_rules
from ..locks import listing_lock
from ..models import LISTING_EDITABLE_FIELDS, Listing, ListingStatus
from ..selectors import Missing, listing_readiness
from .common import ensure_can_edit

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = frozenset(LISTING_EDITABLE_FIELDS)
_STRIPPED = ("title", "description", "address", "neighbourhood", "city", "region", "house_rules")


def listing_slug(title: str) -> str:
    """The URL slug for a title; listing URLs carry the id, so slugs need not be unique."""
    return slugify(title)[:140].strip("-") or "stay"


def _normalised(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Not editable listing fields: {', '.join(sorted(unknown))}")
    clean = dict(fields)
    for name in _STRIPPED:
        if isinstance(clean.get(name), str):
            clean[name] = clean[name].strip()
    for name in ("country_code", "currency"):
        if isinstance(clean.get(name), str):
            clean[name] = clean[name].strip().upper()
    if "amenities" in clean:
        # One entry per code, in the order given.
        clean["amenities"] = list(dict.fromkeys(code.strip() for code in clean["amenities"] or []))
    return clean


def _validate(listing: Listing) -> None:
    # Field validators and Listing.clean(); the CHECK constraints state the same
    # rules, so they are not re-queried one by one here.
    listing.full_clean(exclude=["host"], validate_constraints=False)


def listing_create(*, host, **fields: Any) -> Listing:
    """Create a draft listing for ``host`` from ``fields`` (any of ``EDITABLE_FIELDS``).

    Only a title, property type and room type are needed to start; the rest can
    follow step by step. Raises ``ValidationError`` with field-level messages
    (nothing is saved) and ``TypeError`` for fields that are not editable.
    """
    data = _normalised(fields)
    listing = Listing(host=host, status=ListingStatus.DRAFT, **data)
    listing.slug = listing_slug(listing.title)
    _validate(listing)
    listing.save()
    if listing.location is not None:
        listing.refresh_from_db(fields=["public_location"])  # set by the database's trigger
    return listing


def listing_update(*, listing: Listing, actor, **fields: Any) -> Listing:
    """Change ``fields`` of ``listing`` as ``actor`` (its host or staff); returns the updated listing.

    Locks the listing row first. Refuses (``ValidationError`` on ``max_guests``)
    to lower the capacity below the party of an upcoming booking, and keeps a
    published listing publishable (its location and price cannot be removed).
    Raises ``NotListingOwner`` (403), ``ListingGone`` (404), ``ValidationError``
    (field-level; nothing is saved) or ``TypeError`` (field not editable).
    """
    ensure_can_edit(listing, actor)
    data = _normalised(fields)
    with transaction.atomic():
        locked = listing_lock(listing_id=listing.pk, live_only=True)
        was_at, was_zone = locked.location, locked.time_zone
        for name, value in data.items():
            setattr(locked, name, value)
        moved = "location" in data and data["location"] != was_at
        zone_chosen = bool(data.get("time_zone")) and data["time_zone"] != was_zone
        if (moved and not zone_chosen) or ("time_zone" in data and not data["time_zone"]):
            # The zone follows the map point unless the host picks another in the same edit.
            locked.time_zone_derive()
            data["time_zone"] = locked.time_zone
        if "title" in data:
            locked.slug = listing_slug(locked.title)
        _validate(locked)
        errors: dict[str, list[str]] = {}
        if locked.status == ListingStatus.PUBLISHED:
            if locked.location is None:
                errors["location"] = [gettext("A published listing needs its location. Unlist it first to remove it.")]
            if locked.base_price is None:
                errors["base_price"] = [gettext("A published listing needs a nightly price.")]
        if "max_guests" in data:
            booking = booking_rules().upcoming_party_above(listing_id=locked.pk, above=locked.max_guests)
            if booking is not None:
                errors.setdefault("max_guests", []).append(
                    ngettext(
                        "A booking for %(count)s guest (%(dates)s) is coming up: "
                        "your place must sleep at least %(count)s.",
                        "A booking for %(count)s guests (%(dates)s) is coming up: "
                        "your place must sleep at least %(count)s.",
                        booking.guests,
                    )
                    % {"count": booking.guests, "dates": stay_dates_label(booking)}
                )
        if errors:
            raise ValidationError(errors)
        locked.save(update_fields=[*data, *(["slug"] if "title" in data else []), "updated_at"])
        if "location" in data:
            locked.refresh_from_db(fields=["public_location"])  # moved with the home by the database's trigger
    return locked


def stay_dates_label(booking) -> str:
    """'3 Mar 2027 to 7 Mar 2027': how listing refusals name a booking's stay (in the active language)."""
    return gettext("%(start)s to %(end)s") % {
        "start": date_format(booking.check_in, "j M Y"),
        "end": date_format(booking.check_out, "j M Y"),
    }


def listing_publish(*, listing: Listing, actor) -> Listing:
    """Publish a draft or relist an unlisted listing; publishing a published one changes nothing.

    Raises ``ListingNotReady`` (409, with ``missing``: what to add and where)
    when ``listing_readiness`` finds gaps, ``NotListingOwner`` or ``ListingGone``.
    Watchers of a relisted listing are told its availability changed.
    """
    ensure_can_edit(listing, actor)
    with transaction.atomic():
        locked = listing_lock(listing_id=listing.pk, live_only=True)
        if locked.status == ListingStatus.PUBLISHED:
            return locked
        missing = listing_readiness(locked)
        if missing:
            raise ListingNotReady(
                message=gettext("Before publishing: %(missing)s")
                % {"missing": " ".join(str(item.message) for item in missing)},
                missing=[_missing_dict(item) for item in missing],
            )
        relisted = locked.status == ListingStatus.UNLISTED
        locked.status = ListingStatus.PUBLISHED
        locked.published_at = locked.published_at or timezone.now()
        locked.save(update_fields=["status", "published_at", "updated_at"])
        if relisted:
            _availability_changed_on_commit(locked.pk)
    return locked


def listing_relist(*, listing: Listing, actor) -> Listing:
    """Put an unlisted listing back on the site (the readiness rules apply again)."""
    if listing.status != ListingStatus.UNLISTED:
        raise ListingStatusInvalid(
            message=gettext("Only an unlisted listing can be relisted."), code=ListingErrorCode.INVALID_STATUS
        )
    return listing_publish(listing=listing, actor=actor)


def _missing_dict(item: Missing) -> dict[str, str]:
    return {"field": item.field, "step": item.step, "message": str(item.message)}


def listing_unlist(*, listing: Listing, actor, cancel_upcoming: bool = False) -> Listing:
    """Hide a published listing from search and new bookings; unlisting an unlisted one changes nothing.

    Upcoming reservations stay booked and open requests can still be answered.
    With ``cancel_upcoming`` the host also ends the listing's future: refused
    (``ListingHasBookings``, 409) while confirmed stays or payments in progress
    are upcoming — those guests must be cancelled and refunded individually —
    and otherwise open requests are declined after unlisting.
    """
    ensure_can_edit(listing, actor)
    with transaction.atomic():
        locked = listing_lock(listing_id=listing.pk, live_only=True)
        if locked.status == ListingStatus.UNLISTED and not cancel_upcoming:
            return locked
        if locked.status not in (ListingStatus.PUBLISHED, ListingStatus.UNLISTED):
            raise ListingStatusInvalid(
                message=gettext("Only a published listing can be unlisted."), code=ListingErrorCode.INVALID_STATUS
            )
        open_requests = []
        if cancel_upcoming:
            open_requests = booking_rules().withdrawal_check(
                listing=locked, action="unlist it and cancel its upcoming stays"
            )
        if locked.status != ListingStatus.UNLISTED:
            locked.status = ListingStatus.UNLISTED
            locked.save(update_fields=["status", "updated_at"])
            _availability_changed_on_commit(locked.pk)
    booking_rules().requests_decline(
        booking_ids=open_requests, actor=actor, reason=gettext_noop("The host unlisted this place.")
    )
    return locked


def listing_delete(*, listing: Listing, actor) -> Listing:
    """Soft-delete: the listing disappears for everyone (its bookings keep their history).

    Refused with ``ListingHasBookings`` (409, naming the stays) while a confirmed
    stay has not ended or a guest is paying right now; open requests are
    declined (and their card holds released) once the listing is deleted.
    Deleting a deleted listing raises ``ListingGone``.
    """
    ensure_can_edit(listing, actor)
    with transaction.atomic():
        locked = listing_lock(listing_id=listing.pk, live_only=True)
        open_requests = booking_rules().withdrawal_check(listing=locked, action="delete it")
        locked.status = ListingStatus.DELETED
        locked.deleted_at = timezone.now()
        locked.save(update_fields=["status", "deleted_at", "updated_at"])
        _availability_changed_on_commit(locked.pk)
    booking_rules().requests_decline(
        booking_ids=open_requests, actor=actor, reason=gettext_noop("The host removed this place.")
    )
    return locked


def _availability_changed_on_commit(listing_id: int) -> None:
    from ..tasks import wishlist_availability_changed

    transaction.on_commit(lambda: wishlist_availability_changed.delay(listing_id))
