"""What the listing rules ask of the bookings app, which answers by registering here.

Listings sit below bookings (docs/architecture.md, "Apps and layers"), so the
listing services never import them; ``BookingsConfig.ready()`` registers the
answers (``bookings/services/listing_rules.py``), as it does for payments.

* ``upcoming_party_above(listing_id=, above=)``: the upcoming active booking with
  the largest party above ``above`` guests, or None (capacity cannot drop below it).
* ``withdrawal_check(listing=, action=)``: raises ``ListingHasBookings`` while
  confirmed stays or payments in progress are upcoming; returns the ids of open
  requests, to decline once the listing is withdrawn.
* ``requests_decline(booking_ids=, actor=, reason=)``: declines them, each in its
  own transaction.

The first two run under the listing row lock, inside the listing service's
transaction. Asking before bookings registered is an error, never a silent yes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class BookingRules:
    upcoming_party_above: Callable
    withdrawal_check: Callable[..., list[int]]
    requests_decline: Callable[..., None]


_registered: BookingRules | None = None


def register_booking_rules(rules: BookingRules) -> None:
    global _registered
    _registered = rules


def booking_rules() -> BookingRules:
    if _registered is None:
        raise ImproperlyConfigured("The bookings app has not registered its listing rules (listings.hooks).")
    return _registered
