"""Celery tasks of the listings app: thin wrappers around services."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task

from .images import PhotoInvalid
from .services.photos import photo_variants_generate
from .services.wishlists import wishlist_alerts_deliver, wishlist_alerts_record

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=5, retry_backoff_max=600, max_retries=6)
def photo_generate_variants(photo_id: int, force: bool = False) -> bool:
    """Draw the WebP variants (thumb 320w, card 720w, full 1600w) of photo ``photo_id``.

    Scheduled on commit by ``photo_add``. Storage errors (``OSError``) are
    retried with backoff; a photo that cannot be decoded is logged and left
    with its original, which pages show meanwhile. Returns whether variants were written.
    """
    try:
        return photo_variants_generate(photo_id=photo_id, force=force)
    except PhotoInvalid as exc:
        logger.warning("photo %s: variants not generated: %s", photo_id, exc.message)
        return False


@shared_task(acks_late=True)
def wishlist_availability_changed(listing_id: int, start: str | None = None, end: str | None = None) -> list[int]:
    """A listing's bookable nights changed: record an alert for every guest who saved it.

    Contract (for whoever enqueues and whoever delivers):

    * Enqueue with ``transaction.on_commit`` after any change to which nights of
      ``listing_id`` can be booked: nights booked, released, blocked or
      unblocked (the availability calendar), or the listing unlisted, relisted or
      deleted (``listings.services.listing`` does this itself). ``start`` /
      ``end`` (ISO dates, ``end`` exclusive) narrow it to the changed nights;
      omit both when the whole listing changed.
    * Effect: one pending ``listings.WishlistAlert`` per watching user and
      listing (``listings.selectors.wishlist_watchers``: users whose lists hold
      the listing with no dates or dates overlapping the change; never its
      host). A pending alert is refreshed rather than duplicated, so many
      changes before delivery give one notification. Safe to retry.
    * Delivery: ``wishlist_alerts_deliver_task`` (beat) emits the pending alerts
      as ``Event.WISHLIST_AVAILABILITY_CHANGED`` (messaging notifies each
      ``alert.user`` about ``alert.listing``) and marks them delivered.

    Returns the ids of the users alerted.
    """
    return wishlist_alerts_record(
        listing_id=listing_id,
        start=dt.date.fromisoformat(start) if start else None,
        end=dt.date.fromisoformat(end) if end else None,
    )


@shared_task
def wishlist_alerts_deliver_task() -> int:
    """Deliver the recorded wishlist availability alerts (beat)."""
    return wishlist_alerts_deliver()
