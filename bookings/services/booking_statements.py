"""The SQL of a booking's hot path: the hold and the Instant Book confirmation.

``POST /api/v1/bookings/`` is the busiest write of the marketplace and, on a small
machine, CPU-bound: through the ORM each of its ~20 statements cost more Python
than PostgreSQL time. Here the saga's two transactions are written as a few
statements each, with the same rows, locks and checks the ORM version wrote
(docs/booking.md, "The hot path"); everything else about a booking (host
decisions, cancellations, the sweeper, request-to-book) stays on the ORM.

* ``hold_lock_listing`` — ``SELECT ... FOR UPDATE OF`` the listing row (the lock every
  calendar writer takes first), with the host's name for the response.
* ``hold_read_nights`` — the calendar rows of the stay, read *after* the lock (a
  fresh READ COMMITTED snapshot, so a competitor's committed nights are seen).
* ``hold_insert`` — one statement: booking, its first event, payment row, the
  idempotency key's link, the held nights and the listing's ``unavailable``.
* ``confirm_instant`` — one statement: booking ``confirmed``, payment ``authorized``,
  event, nights ``booked``, payout entry; it only acts on a booking still
  ``pending_payment`` (the state machine's pending_payment -> confirmed).

The payment row and the payout entry belong to the payments app
(``payments_payment``, ``payments_payoutentry``); everywhere else they are
written through ``payments.services``. These two statements write them in the
booking's own statement: a separate call per app would add a round trip to each
of the busiest write's transactions. They write exactly what ``payments.services`` would:
a ``created`` payment for the quoted total (``hold_insert``), then the payment
``authorized`` and a ``scheduled`` payout entry due at
``payments.services.payouts.payout_release_at`` (``confirm_instant``).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import NamedTuple

from django.db import connection

from accounts.models import User
from availability.models import NightStatus
from listings.models import LISTING_PRICE_FIELDS, Listing
from payments.models import Payment, PaymentStatus, PayoutEntry

from ..models import Booking, BookingStatus
from ..state import TRANSITIONS

S = BookingStatus

# What validation, the calendar checks and the quote read, and what the booking
# response shows: not the description, the geometry or the multirange.
HOLD_FIELDS = (
    "id",
    "host_id",
    "status",
    "title",
    "max_guests",
    "min_nights",
    "max_nights",
    *LISTING_PRICE_FIELDS,
    "instant_book",
    "check_in_time",
    "time_zone",
    "slug",
    "city",
    "country_code",
    "address",
)
# Model.from_db wants the values in the model's field order.
_HOLD_COLUMNS = [f for f in Listing._meta.concrete_fields if f.attname in HOLD_FIELDS]
_LOCK_LISTING = f"""
    SELECT {", ".join(f"l.{f.column}" for f in _HOLD_COLUMNS)}, u.first_name
      FROM listings_listing l JOIN accounts_user u ON u.id = l.host_id
     WHERE l.id = %s
       FOR UPDATE OF l
"""


def hold_lock_listing(listing_id: int) -> Listing | None:
    """Lock the listing row and load it (``HOLD_FIELDS`` only) with its host; None if it does not exist."""
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_LISTING, [listing_id])
        row = cursor.fetchone()
    if row is None:
        return None
    listing = Listing.from_db(connection.alias, [f.attname for f in _HOLD_COLUMNS], row[:-1])
    listing.host = User.from_db(connection.alias, ["id", "first_name"], [listing.host_id, row[-1]])
    return listing


class Night(NamedTuple):
    status: str
    price: Decimal | None
    min_nights: int | None


def hold_read_nights(*, listing_id: int, start: dt.date, end: dt.date) -> dict[dt.date, Night]:
    """Calendar rows of ``[start, end)`` keyed by date (the caller holds the listing lock)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT date, status, price, min_nights FROM availability_calendarnight "
            "WHERE listing_id = %s AND date >= %s AND date < %s",
            [listing_id, start, end],
        )
        return {row[0]: Night(row[1], row[2], row[3]) for row in cursor.fetchall()}


# Nights: an override-only row (``available``) becomes held; a taken one is left
# alone, so fewer rows come back and the caller rolls back (UNIQUE (listing, date)
# is the backstop for writers without the listing lock).
#
# ``unavailable``: the nights were all free and the listing row is locked, so the
# new value is the old one plus the stay, trimmed like calendar_refresh_unavailable
# trims (nothing before yesterday): the same value a full rewrite would compute,
# without reading the listing's calendar again.
_HOLD_INSERT = f"""
WITH b AS (
    INSERT INTO bookings_booking (listing_id, guest_id, code, check_in, check_out, guests, status, instant_book,
                                  currency, total, price_breakdown, message_to_host, expires_at, created_at, updated_at)
    VALUES (%(listing)s, %(guest)s, %(code)s, %(check_in)s, %(check_out)s, %(guests)s, '{S.PENDING_PAYMENT}',
            %(instant_book)s, %(currency)s, %(total)s, %(breakdown)s::jsonb, %(message)s, %(expires_at)s,
            %(now)s, %(now)s)
    RETURNING id
), e AS (
    INSERT INTO bookings_bookingevent (booking_id, from_status, to_status, actor_id, reason, created_at)
    SELECT id, '', '{S.PENDING_PAYMENT}', %(guest)s, 'requested', %(now)s FROM b
), p AS (
    INSERT INTO payments_payment (booking_id, gateway, intent_id, payment_method, status, amount, currency,
                                  amount_refunded, failure_code, failure_message, created_at, updated_at)
    SELECT id, %(gateway)s, '', '', '{PaymentStatus.CREATED}', %(total)s, %(currency)s, 0, '', '', %(now)s, %(now)s
      FROM b
    RETURNING id
), k AS (
    UPDATE bookings_idempotencyrecord SET booking_id = (SELECT id FROM b) WHERE id = %(record)s
), n AS (
    INSERT INTO availability_calendarnight (listing_id, date, status, booking_id)
    SELECT %(listing)s, d::date, '{NightStatus.HELD}', (SELECT id FROM b) FROM unnest(%(nights)s::date[]) AS d
    ON CONFLICT (listing_id, date) DO UPDATE
       SET status = '{NightStatus.HELD}', booking_id = EXCLUDED.booking_id
     WHERE availability_calendarnight.status = '{NightStatus.AVAILABLE}'
    RETURNING 1
), u AS (
    UPDATE listings_listing
       SET unavailable = (unavailable + datemultirange(daterange(%(check_in)s, %(check_out)s)))
                         * datemultirange(daterange(CURRENT_DATE - 1, NULL))
     WHERE id = %(listing)s
    RETURNING EXISTS (SELECT 1 FROM listings_wishlistitem w WHERE w.listing_id = listings_listing.id)
)
SELECT (SELECT id FROM b), (SELECT id FROM p), (SELECT count(*) FROM n), (SELECT * FROM u)
"""


class Held(NamedTuple):
    booking: Booking
    nights_held: int
    listing_saved: bool  # someone has the listing in a wishlist (they get an availability alert)


def hold_insert(
    *,
    listing: Listing,
    guest,
    check_in: dt.date,
    check_out: dt.date,
    guests: int,
    nights: list[dt.date],
    currency: str,
    total: Decimal,
    breakdown: dict,
    message: str,
    expires_at: dt.datetime,
    now: dt.datetime,
    gateway: str,
    idempotency_record_id: int | None,
) -> Held:
    """Write the hold in one statement; the caller holds the listing lock and checks ``nights_held``.

    Returns the booking as the ORM would have created it (listing, guest and payment
    attached, so the response needs no further read).
    """
    code = uuid.uuid4()
    with connection.cursor() as cursor:
        cursor.execute(
            _HOLD_INSERT,
            {
                "listing": listing.pk,
                "guest": guest.pk,
                "code": code,
                "check_in": check_in,
                "check_out": check_out,
                "guests": guests,
                "instant_book": listing.instant_book,
                "currency": currency,
                "total": total,
                "breakdown": json.dumps(breakdown),
                "message": message,
                "expires_at": expires_at,
                "now": now,
                "gateway": gateway,
                "record": idempotency_record_id,
                "nights": nights,
            },
        )
        booking_id, payment_id, nights_held, listing_saved = cursor.fetchone()
    booking = Booking(
        id=booking_id,
        listing=listing,
        guest=guest,
        code=code,
        check_in=check_in,
        check_out=check_out,
        guests=guests,
        status=S.PENDING_PAYMENT,
        instant_book=listing.instant_book,
        currency=currency,
        total=total,
        price_breakdown=breakdown,
        message_to_host=message,
        expires_at=expires_at,
        created_at=now,
        updated_at=now,
    )
    booking._state.adding, booking._state.db = False, connection.alias
    booking.payment = Payment(
        id=payment_id,
        booking=booking,
        gateway=gateway,
        status=PaymentStatus.CREATED,
        amount=total,
        currency=currency,
        amount_refunded=Decimal("0.00"),
        created_at=now,
        updated_at=now,
    )
    booking.payment._state.adding, booking.payment._state.db = False, connection.alias
    return Held(booking, nights_held, bool(listing_saved))


assert S.CONFIRMED in TRANSITIONS[S.PENDING_PAYMENT]  # what confirm_instant encodes in its WHERE

_CONFIRM_INSTANT = f"""
WITH b AS (
    UPDATE bookings_booking SET status = '{S.CONFIRMED}', confirmed_at = %(now)s, updated_at = %(now)s
     WHERE id = %(booking)s AND status = '{S.PENDING_PAYMENT}'
    RETURNING id
), p AS (
    UPDATE payments_payment SET status = '{PaymentStatus.AUTHORIZED}', capture_before = %(capture_before)s
     WHERE booking_id = %(booking)s AND status = '{PaymentStatus.CREATED}'
), e AS (
    INSERT INTO bookings_bookingevent (booking_id, from_status, to_status, actor_id, reason, created_at)
    SELECT id, '{S.PENDING_PAYMENT}', '{S.CONFIRMED}', NULL, %(reason)s, %(now)s FROM b
), n AS (
    UPDATE availability_calendarnight SET status = '{NightStatus.BOOKED}'
     WHERE booking_id = %(booking)s AND status = '{NightStatus.HELD}' AND EXISTS (SELECT FROM b)
), o AS (
    INSERT INTO payments_payoutentry (booking_id, host_id, amount, currency, release_at, status,
                                      transfer_id, transfer_key, attempts, failure_code, failure_message)
    SELECT id, %(host)s, %(payout)s, %(currency)s, %(release_at)s, '{PayoutEntry.Status.SCHEDULED}', '', '', 0, '', ''
      FROM b
)
SELECT count(*) FROM b
"""


def confirm_instant(
    *,
    booking: Booking,
    capture_before: dt.datetime | None,
    payout: Decimal,
    release_at: dt.datetime,
    reason: str,
    now: dt.datetime,
) -> bool:
    """Confirm an Instant Book whose card is authorised; False if the booking is no longer pending.

    One statement, so atomic on its own. The payment is marked authorised either
    way, unless the sweeper already released it (the caller releases it when the
    booking moved on). The UPDATE locks the
    booking row first, like every writer that confirms or expires a booking; a
    concurrent sweeper's expiry makes the WHERE fail after the wait.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _CONFIRM_INSTANT,
            {
                "booking": booking.pk,
                "now": now,
                "capture_before": capture_before,
                "reason": reason,
                "host": booking.listing.host_id,
                "payout": payout,
                "currency": booking.currency,
                "release_at": release_at,
            },
        )
        return cursor.fetchone()[0] == 1
