"""Wishlist writes: named lists of saved listings, the heart toggle, sharing, availability alerts.

Only a list's owner may change it; a shared list (private token link) is read-only
for everyone else. Alerts for "a listing you saved changed availability" are
recorded here (``wishlist_alerts_record``, run by the
``listings.tasks.wishlist_availability_changed`` task) and delivered by
``wishlist_alerts_deliver`` (beat), which emits ``Event.WISHLIST_AVAILABILITY_CHANGED``
for the messaging app to notify and marks them delivered in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from airbnb.events import Event, emit

from ..errors import ListingNotSaveable, NotWishlistOwner
from ..localtime import earliest_today
from ..models import MAX_STAY_NIGHTS, Listing, ListingStatus, Wishlist, WishlistAlert, WishlistItem
from ..selectors import wishlist_alerts_pending, wishlist_watchers

MAX_WISHLISTS = 100
MAX_ITEMS = 1000
DEFAULT_NAME = "Favourites"


def _ensure_owner(wishlist: Wishlist, actor) -> None:
    # 404, not 403: someone else's list is not shown to exist (share links are read-only).
    if actor is None or not actor.is_authenticated or wishlist.owner_id != actor.pk:
        raise NotWishlistOwner()


def _validated(wishlist: Wishlist, *, owner) -> None:
    errors: dict[str, list[str]] = {}
    wishlist.name = (wishlist.name or "").strip()
    if not wishlist.name:
        errors["name"] = [gettext("Give the list a name.")]
    elif len(wishlist.name) > 50:
        errors["name"] = [gettext("At most 50 characters (this one has %(length)s).") % {"length": len(wishlist.name)}]
    elif Wishlist.objects.filter(owner=owner, name__iexact=wishlist.name).exclude(pk=wishlist.pk).exists():
        errors["name"] = [gettext("You already have a list called “%(name)s”.") % {"name": wishlist.name}]
    check_in, check_out = wishlist.check_in, wishlist.check_out
    if (check_in is None) != (check_out is None):
        errors["check_out" if check_in else "check_in"] = [gettext("Give both dates, or neither.")]
    elif check_in and check_out:
        if check_out <= check_in:
            errors["check_out"] = [gettext("Check-out must be after check-in.")]
        elif (check_out - check_in).days > MAX_STAY_NIGHTS:
            errors["check_out"] = [gettext("Stays are at most %(count)s nights.") % {"count": MAX_STAY_NIGHTS}]
        elif check_in < earliest_today() and wishlist._state.adding:
            errors["check_in"] = [gettext("Check-in can't be in the past.")]
    if wishlist.guests is not None and not (1 <= wishlist.guests <= 50):
        errors["guests"] = [gettext("Between 1 and 50 guests.")]
    if errors:
        raise ValidationError(errors)


def wishlist_create(
    *,
    owner,
    name: str,
    check_in: dt.date | None = None,
    check_out: dt.date | None = None,
    guests: int | None = None,
) -> Wishlist:
    """Create a list for ``owner``. Names are unique per owner (case-insensitive).

    Raises ``ValidationError`` (field-level) for a blank or taken name, half a
    date pair, check-out not after check-in, past dates, or more than
    ``MAX_WISHLISTS`` lists.
    """
    wishlist = Wishlist(owner=owner, name=name, check_in=check_in, check_out=check_out, guests=guests)
    _validated(wishlist, owner=owner)
    if Wishlist.objects.filter(owner=owner).count() >= MAX_WISHLISTS:
        raise ValidationError(
            {"name": [gettext("You can have at most %(count)s lists. Delete one first.") % {"count": MAX_WISHLISTS}]}
        )
    try:
        with transaction.atomic():
            wishlist.save()
    except IntegrityError:
        # Created by a concurrent request with the same name.
        raise ValidationError(
            {"name": [gettext("You already have a list called “%(name)s”.") % {"name": wishlist.name}]}
        ) from None
    return wishlist


def wishlist_update(*, wishlist: Wishlist, actor, **fields: Any) -> Wishlist:
    """Rename a list or change its dates / guests (``name``, ``check_in``, ``check_out``, ``guests``)."""
    _ensure_owner(wishlist, actor)
    unknown = set(fields) - {"name", "check_in", "check_out", "guests"}
    if unknown:
        raise TypeError(f"Not editable wishlist fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(wishlist, name, value)
    _validated(wishlist, owner=actor)
    try:
        with transaction.atomic():
            wishlist.save()
    except IntegrityError:
        raise ValidationError(
            {"name": [gettext("You already have a list called “%(name)s”.") % {"name": wishlist.name}]}
        ) from None
    return wishlist


def wishlist_delete(*, wishlist: Wishlist, actor) -> None:
    """Delete a list and its saved entries (the listings themselves are untouched)."""
    _ensure_owner(wishlist, actor)
    wishlist.delete()


def wishlist_add(*, wishlist: Wishlist, actor, listing: Listing) -> WishlistItem:
    """Save ``listing`` in ``wishlist``; saving it twice changes nothing. Only published listings can be saved."""
    _ensure_owner(wishlist, actor)
    if listing.status != ListingStatus.PUBLISHED:
        raise ListingNotSaveable()
    with transaction.atomic():
        # Lock the list: concurrent adds count against MAX_ITEMS one at a time.
        Wishlist.objects.select_for_update().filter(pk=wishlist.pk).first()
        item = WishlistItem.objects.filter(wishlist=wishlist, listing=listing).first()
        if item is not None:
            return item
        if WishlistItem.objects.filter(wishlist=wishlist).count() >= MAX_ITEMS:
            raise ValidationError(
                {"listing": [gettext("A list can hold at most %(count)s places.") % {"count": MAX_ITEMS}]}
            )
        item = WishlistItem.objects.create(wishlist=wishlist, listing=listing)
        Wishlist.objects.filter(pk=wishlist.pk).update(updated_at=timezone.now())
    return item


def wishlist_remove(*, wishlist: Wishlist, actor, listing_id: int) -> bool:
    """Remove a listing from a list; returns whether it was there."""
    _ensure_owner(wishlist, actor)
    deleted, _ = WishlistItem.objects.filter(wishlist=wishlist, listing_id=listing_id).delete()
    if deleted:
        Wishlist.objects.filter(pk=wishlist.pk).update(updated_at=timezone.now())
    return bool(deleted)


def wishlist_toggle(*, user, listing: Listing) -> tuple[bool, Wishlist | None]:
    """The heart: unsave ``listing`` from every list of ``user`` if saved, else save it.

    Saving goes to the list the user changed last, or a new "Favourites" list.
    Returns ``(saved, wishlist)``: ``(True, the list)`` or ``(False, None)``.
    """
    with transaction.atomic():
        items = WishlistItem.objects.filter(wishlist__owner=user, listing=listing)
        if items.exists():
            wishlist_ids = list(items.values_list("wishlist_id", flat=True))
            items.delete()
            Wishlist.objects.filter(pk__in=wishlist_ids).update(updated_at=timezone.now())
            return False, None
    wishlist = Wishlist.objects.filter(owner=user).order_by("-updated_at", "-pk").first()
    if wishlist is None:
        wishlist = Wishlist.objects.filter(owner=user, name__iexact=DEFAULT_NAME).first() or wishlist_create(
            owner=user, name=DEFAULT_NAME
        )
    wishlist_add(wishlist=wishlist, actor=user, listing=listing)
    return True, wishlist


def wishlist_share(*, wishlist: Wishlist, actor) -> Wishlist:
    """Turn on the private share link (a new unguessable token unless one is active); returns the list."""
    _ensure_owner(wishlist, actor)
    if not wishlist.share_token:
        wishlist.share_token = secrets.token_urlsafe(24)
        wishlist.save(update_fields=["share_token", "updated_at"])
    return wishlist


def wishlist_unshare(*, wishlist: Wishlist, actor) -> Wishlist:
    """Revoke the share link: the old URL stops working at once. Sharing again makes a new link."""
    _ensure_owner(wishlist, actor)
    if wishlist.share_token:
        wishlist.share_token = None
        wishlist.save(update_fields=["share_token", "updated_at"])
    return wishlist


# --- availability alerts -----------------------------------------------------------------


def wishlist_alerts_record(
    *, listing_id: int, start: dt.date | None = None, end: dt.date | None = None, now: dt.datetime | None = None
) -> list[int]:
    """Record that ``listing_id``'s availability changed, for every user watching it.

    Watchers come from ``listings.selectors.wishlist_watchers`` (savers whose
    lists have no dates or overlap ``[start, end)``; never the host). Each gets
    one pending ``WishlistAlert`` per listing: a new row, or the pending one
    refreshed (``changed_at``), so repeated changes before delivery make one
    notification. Returns the user ids alerted. Idempotent enough to retry.
    """
    users = wishlist_watchers(listing_id=listing_id, start=start, end=end)
    if not users:
        return []
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {WishlistAlert._meta.db_table} (user_id, listing_id, created_at, changed_at)
            SELECT u, %s, %s, %s FROM unnest(%s::bigint[]) AS u
            ON CONFLICT (user_id, listing_id) WHERE delivered_at IS NULL
            DO UPDATE SET changed_at = EXCLUDED.changed_at
            """,
            [listing_id, now, now, users],
        )
    return users


def wishlist_alerts_deliver(*, limit: int = 500) -> int:
    """Hand the pending alerts to whoever notifies (``Event.WISHLIST_AVAILABILITY_CHANGED``); returns how many.

    They are marked delivered in the same transaction as the handlers' writes, so
    a crash never notifies twice and a failing handler leaves them pending.
    """
    with transaction.atomic():
        alerts = wishlist_alerts_pending(limit=limit)
        if alerts:
            emit(Event.WISHLIST_AVAILABILITY_CHANGED, alerts=alerts)
            wishlist_alerts_mark_delivered(alert_ids=[alert.pk for alert in alerts])
    return len(alerts)


def wishlist_alerts_mark_delivered(*, alert_ids: Iterable[int], now: dt.datetime | None = None) -> int:
    """Mark alerts as delivered; returns how many."""
    return WishlistAlert.objects.filter(pk__in=list(alert_ids), delivered_at__isnull=True).update(
        delivered_at=now or timezone.now()
    )
