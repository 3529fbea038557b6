"""The booking saga: hold the nights, authorise the card, confirm or ask the host.

Steps, each its own short transaction (network calls never run inside one):

1. **Hold** — lock the listing row (``SELECT ... FOR UPDATE``), validate, quote the
   price (pricing app), create the booking (``pending_payment``) and its payment
   row, insert the nights as ``held`` (UNIQUE (listing, date) is the backstop) and
   rewrite the listing's ``unavailable`` multirange.
2. **Authorise** — create the PaymentIntent (its id is stored before any hold
   exists on the card) and authorise it. A decline or a transient failure is
   *compensated* at once: the booking becomes ``payment_failed``, the nights are
   released and any authorisation is voided (retried in the background).
3. **Settle** — Instant Book: ``confirmed``, nights ``booked``, capture. Request to
   book: ``awaiting_host`` until the host accepts (capture) or declines / 24 h pass
   (authorisation released).

If the process dies between steps, the sweeper (``bookings.tasks``) expires
``pending_payment`` bookings older than ``BOOKING_HOLD_MINUTES`` and the payment
reconciler voids what they authorised.

Money goes through the payments app's services (``payments.services.payments``
for the card, ``payments.services.payouts`` for the host's share); the only
payments rows written here are the ones the hot path's statements insert
(``booking_statements``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import NoReturn

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from airbnb.errors import ApplicationError, error_body
from availability.errors import NightsBooked
from availability.models import NightStatus
from availability.selectors import BOOKING_WINDOW_DAYS, calendar_nearest_available, date_range
from availability.services import (
    calendar_announce_after_commit,
    calendar_mark_booked,
    calendar_refresh_unavailable,
    calendar_release_booking,
)
from listings.errors import ListingErrorCode
from listings.localtime import listing_check_in_at, listing_today
from listings.locks import listing_lock
from listings.models import Listing, ListingStatus
from payments.errors import decline_code, decline_message
from payments.models import PaymentStatus
from payments.services import payments as payment_services
from payments.services import payouts as payout_services
from payments.services.payments import CardDeclined, GatewayUnavailable, PaymentError
from pricing.fees import host_earnings
from pricing.selectors import money, price_quote, pricing_rules_for_listings

from ..access import access_booking_for_update
from ..errors import (
    BookingErrorCode,
    BookingInvalid,
    DatesUnavailable,
    ListingNotBookable,
    NotAllowed,
    PaymentDeclined,
    PaymentsUnavailable,
    PriceChanged,
    dates_unavailable_message,
    stay_too_short_message,
)
from ..models import Booking, BookingStatus, HostCancellation
from ..policies import RefundQuote, refund_quote
from ..state import booking_transition
from . import booking_statements as statements

logger = logging.getLogger(__name__)
S = BookingStatus

REQUEST_TO_BOOK_HOURS = 24
LOCK_ONLY = ("id",)


def hold_minutes() -> int:
    return int(getattr(settings, "BOOKING_HOLD_MINUTES", 10))


# --- validation ---------------------------------------------------------------


def booking_validate_request(
    *, listing: Listing, guest, check_in: dt.date, check_out: dt.date, guests: int, today: dt.date
) -> None:
    """Checks that need no calendar: dates, window, length limits, capacity, own listing."""
    if listing.host_id == guest.pk:
        raise BookingInvalid(ListingErrorCode.OWN_LISTING, gettext("You cannot book your own listing."))
    if check_out <= check_in:
        raise BookingInvalid(BookingErrorCode.DATES_INVALID, gettext("Check-out must be after check-in."))
    if check_in < today:
        raise BookingInvalid(BookingErrorCode.DATES_IN_PAST, gettext("Check-in cannot be in the past."))
    if check_out > today + dt.timedelta(days=BOOKING_WINDOW_DAYS):
        raise BookingInvalid(BookingErrorCode.DATES_OUT_OF_WINDOW, gettext("Bookings open up to two years ahead."))
    nights = (check_out - check_in).days
    if nights > listing.max_nights:
        raise BookingInvalid(
            BookingErrorCode.STAY_TOO_LONG,
            ngettext(
                "This place can be booked for at most %(count)s night.",
                "This place can be booked for at most %(count)s nights.",
                listing.max_nights,
            )
            % {"count": listing.max_nights},
        )
    if guests < 1:
        raise BookingInvalid(BookingErrorCode.GUESTS_INVALID, gettext("At least one guest is needed."))
    if guests > listing.max_guests:
        raise BookingInvalid(
            BookingErrorCode.TOO_MANY_GUESTS,
            ngettext(
                "This place sleeps at most %(count)s guest.",
                "This place sleeps at most %(count)s guests.",
                listing.max_guests,
            )
            % {"count": listing.max_guests},
        )


def _dates_unavailable(listing: Listing, check_in: dt.date, check_out: dt.date, today: dt.date) -> DatesUnavailable:
    nights = (check_out - check_in).days
    alternatives = calendar_nearest_available(listing=listing, check_in=check_in, nights=nights, today=today)
    return DatesUnavailable(
        message=dates_unavailable_message(alternatives),
        code=BookingErrorCode.DATES_UNAVAILABLE,
        alternatives=[{"check_in": a.isoformat(), "check_out": b.isoformat()} for a, b in alternatives],
    )


# --- step 1: hold -------------------------------------------------------------


def _hold(
    *,
    guest,
    listing_id: int,
    check_in,
    check_out,
    guests: int,
    message: str,
    gateway_name: str,
    expected_total: Decimal | None = None,
    idempotency_record_id: int | None = None,
) -> Booking:
    today = None
    # Pricing rules (seasons, events, demand, host settings) are read before the
    # listing lock so the lock is held for as short a time as possible.
    rules = pricing_rules_for_listings(listing_ids=[listing_id], start=check_in, end=check_out).get(listing_id)
    try:
        with transaction.atomic():
            listing = statements.hold_lock_listing(listing_id)
            if listing is None or listing.status != ListingStatus.PUBLISHED:
                raise ListingNotBookable()
            today = listing_today(listing)
            booking_validate_request(
                listing=listing, guest=guest, check_in=check_in, check_out=check_out, guests=guests, today=today
            )
            rows = statements.hold_read_nights(listing_id=listing.pk, start=check_in, end=check_out)
            arrival = rows.get(check_in)
            min_nights = arrival.min_nights if arrival and arrival.min_nights else listing.min_nights
            if (check_out - check_in).days < min_nights:
                raise BookingInvalid(
                    message=stay_too_short_message(check_in, min_nights),
                    code=BookingErrorCode.STAY_TOO_SHORT,
                )
            if any(row.status != NightStatus.AVAILABLE for row in rows.values()):
                raise _dates_unavailable(listing, check_in, check_out, today)

            quote = price_quote(
                listing=listing,
                check_in=check_in,
                check_out=check_out,
                guests=guests,
                night_prices={d: row.price for d, row in rows.items() if row.price is not None},
                rules=rules,
            )
            if expected_total is not None and quote.total != expected_total:
                # The guest saw another price (the host changed it since): never charge a surprise.
                raise PriceChanged(
                    message=gettext(
                        "The price of this stay is now %(total)s %(currency)s (you saw %(seen)s). "
                        "Please review it before booking."
                    )
                    % {
                        "total": number_format(quote.total, decimal_pos=2),
                        "currency": quote.currency,
                        "seen": number_format(expected_total, decimal_pos=2),
                    },
                    total=str(quote.total),
                    currency=quote.currency,
                )
            now = timezone.now()
            nights = list(date_range(check_in, check_out))
            with translation.override(settings.LANGUAGE_CODE):
                # Frozen in English: each reader sees the labels in their language (pricing.fees).
                breakdown = quote.as_dict()
            held = statements.hold_insert(
                listing=listing,
                guest=guest,
                check_in=check_in,
                check_out=check_out,
                guests=guests,
                nights=nights,
                currency=quote.currency,
                total=quote.total,
                breakdown=breakdown,
                message=message,
                expires_at=now + dt.timedelta(minutes=hold_minutes()),
                now=now,
                gateway=gateway_name,
                idempotency_record_id=idempotency_record_id,
            )
            if held.nights_held != len(nights):
                raise NightsBooked(message=gettext("Some of these nights were just booked."))
            if held.listing_saved:
                calendar_announce_after_commit(listing_id=listing.pk, start=check_in, end=check_out)
            return held.booking
    except (NightsBooked, IntegrityError) as exc:
        # Only reachable by a writer that skipped the listing lock: the constraint held.
        if isinstance(exc, IntegrityError) and "calendar_night_unique" not in str(exc):
            raise
        listing = Listing.objects.get(pk=listing_id)
        raise _dates_unavailable(listing, check_in, check_out, today or listing_today(listing)) from None


# --- step 2 and 3 ---------------------------------------------------------------


def booking_create(
    *,
    guest,
    listing_id: int,
    check_in: dt.date,
    check_out: dt.date,
    guests: int,
    payment_method: str,
    message: str = "",
    expected_total: Decimal | None = None,
    idempotency_record_id: int | None = None,
) -> Booking:
    """Book a stay: hold, authorise, then confirm (Instant Book) or await the host.

    ``expected_total`` is the total the guest was shown; if the quote differs now
    the booking is refused with ``PriceChanged`` (409) before anything is held.
    ``idempotency_record_id`` (the client's Idempotency-Key row) is linked to the
    booking in the hold's transaction, so a retry after a crash finds it.

    Raises ``ListingNotBookable`` (404), ``BookingInvalid`` (400), ``DatesUnavailable``
    (409, with ``alternatives``), ``PaymentDeclined`` (402) or ``PaymentsUnavailable``
    (503, nothing held or charged). On any failure after the hold, the nights are
    free again before this returns.
    """
    if payment_services.payments_unavailable():
        raise PaymentsUnavailable()
    booking = _hold(
        guest=guest,
        listing_id=listing_id,
        check_in=check_in,
        check_out=check_out,
        guests=guests,
        message=message,
        gateway_name=payment_services.payment_gateway_name(),
        expected_total=expected_total,
        idempotency_record_id=idempotency_record_id,
    )
    try:
        authorization = payment_services.payment_authorize(
            booking_id=booking.pk,
            amount=booking.total,
            currency=booking.currency,
            payment_method=payment_method,
            metadata={"booking": booking.pk, "listing": listing_id, "guest": guest.pk},
        )
    except PaymentError as exc:
        _compensate_failed_payment(booking_id=booking.pk, listing_id=booking.listing_id, error=exc)
        if isinstance(exc, CardDeclined):
            code = decline_code(exc.code)
            raise PaymentDeclined(code, decline_message(code)) from None
        raise PaymentsUnavailable() from None
    except BaseException as exc:
        # Anything unexpected: never leave the nights held by a booking nobody will finish.
        _compensate_failed_payment(
            booking_id=booking.pk,
            listing_id=booking.listing_id,
            error=PaymentError(str(exc)[:300], code="internal_error"),
        )
        raise

    intent_id = authorization.intent_id
    booking.payment.intent_id, booking.payment.payment_method = intent_id, payment_method[:255]
    booking = _after_authorization(booking=booking, capture_before=authorization.capture_before)
    if booking.status == S.CONFIRMED and payment_services.payment_capture_now_or_later(
        booking_id=booking.pk, intent_id=intent_id, currency=booking.currency
    ):
        booking.payment.status = PaymentStatus.CAPTURED
    return booking


def _compensate_failed_payment(*, booking_id: int, listing_id: int, error: PaymentError) -> None:
    with transaction.atomic():
        listing_lock(listing_id=listing_id, fields=LOCK_ONLY)
        booking = Booking.objects.select_for_update().get(pk=booking_id)
        if booking.status == S.PENDING_PAYMENT:
            booking_transition(booking, S.PAYMENT_FAILED, reason=f"payment failed: {error.code}")
            calendar_release_booking(booking_id=booking.pk)
            calendar_refresh_unavailable(listing_id=booking.listing_id, start=booking.check_in, end=booking.check_out)
        payment_services.payment_record_failure(booking_id=booking_id, error=error)
    if error.transient:
        # The gateway may have placed the hold before the connection failed: void it.
        payment_services.payment_release_now_or_later(booking_id=booking_id)


def _after_authorization(*, booking: Booking, capture_before) -> Booking:
    """Settle ``booking`` (as the hold left it) now that its card is authorised; returns it, updated.

    Locks only the booking row: held -> booked touches nothing but this booking's own
    nights (already held, so no other writer can take them) and the multirange does
    not change, so the listing lock is not needed. Every other writer that locks
    this booking takes the listing first and the booking second, so taking the
    booking alone cannot deadlock with them. Only the status is read back: every
    other change to a booking is a transition, so an unchanged status means the
    object in hand is current (it already carries the listing, host and payment
    the response shows).
    """
    booking_id = booking.pk
    if booking.instant_book:
        # The hot path: one statement (bookings/services/booking_statements.py).
        now = timezone.now()
        if statements.confirm_instant(
            booking=booking,
            capture_before=capture_before,
            payout=Decimal(booking.price_breakdown["host_payout"]),
            release_at=payout_services.payout_release_at(listing=booking.listing, check_in=booking.check_in),
            reason="instant book: payment authorised",
            now=now,
        ):
            booking.status, booking.confirmed_at, booking.updated_at = S.CONFIRMED, now, now
            booking.payment.status = PaymentStatus.AUTHORIZED
            booking.payment.capture_before = capture_before
            return booking
        _hold_expired_during_authorization(booking_id)
    with transaction.atomic():
        booking.status = (
            Booking.objects.select_for_update().filter(pk=booking_id).values_list("status", flat=True).get()
        )
        # Unless the sweeper released the payment meanwhile: "created" is the only way to "authorized".
        payment_services.payment_mark_authorized(booking_id=booking_id, capture_before=capture_before)
        booking.payment.status = PaymentStatus.AUTHORIZED
        booking.payment.capture_before = capture_before
        if booking.status == S.PENDING_PAYMENT:
            booking_transition(booking, S.AWAITING_HOST, reason="payment authorised; waiting for the host")
            deadline = timezone.now() + dt.timedelta(hours=REQUEST_TO_BOOK_HOURS)
            if capture_before:
                # A request must lapse a day before the card authorisation does.
                deadline = min(deadline, capture_before - dt.timedelta(days=1))
            booking.expires_at = deadline
            booking.save(update_fields=["expires_at"])
            return booking
    # Committed: the payment row says "authorized", so the release voids that authorisation.
    _hold_expired_during_authorization(booking_id)


def _hold_expired_during_authorization(booking_id: int) -> NoReturn:
    """The sweeper expired the hold while the card was being authorised: void it, tell the guest."""
    payment_services.payment_release_now_or_later(booking_id=booking_id)
    raise DatesUnavailable(
        message=gettext(
            "Your payment took too long and the dates were released. Nothing was charged; please try again."
        ),
        code=BookingErrorCode.HOLD_EXPIRED,
    )


def _schedule_payout(booking: Booking, listing: Listing) -> None:
    payout_services.payout_schedule(
        booking_id=booking.pk,
        host_id=listing.host_id,
        amount=Decimal(booking.price_breakdown["host_payout"]),
        currency=booking.currency,
        release_at=payout_services.payout_release_at(listing=listing, check_in=booking.check_in),
    )


# --- host decisions -------------------------------------------------------------


def booking_accept(*, booking_id: int, host) -> Booking:
    """The host accepts a request: confirmed, nights booked, payment captured."""
    with transaction.atomic():
        booking, listing = access_booking_for_update(host, booking_id, as_role="host")
        if booking.status == S.AWAITING_HOST and booking.expires_at and booking.expires_at <= timezone.now():
            raise ApplicationError(BookingErrorCode.REQUEST_EXPIRED, gettext("This request has expired."))
        booking_transition(booking, S.CONFIRMED, actor=host, reason="accepted by host")
        calendar_mark_booked(booking_id=booking.pk)
        _schedule_payout(booking, listing)
    payment_services.payment_capture_now_or_later(booking_id=booking.pk)
    return booking


def booking_decline(*, booking_id: int, host, reason: str = "") -> Booking:
    """The host declines a request: nights released, authorisation voided."""
    with transaction.atomic():
        booking, listing = access_booking_for_update(host, booking_id, as_role="host")
        booking_transition(booking, S.DECLINED, actor=host, reason=reason[:200] or "declined by host")
        calendar_release_booking(booking_id=booking.pk)
        calendar_refresh_unavailable(listing_id=listing.pk, start=booking.check_in, end=booking.check_out)
        booking.refund_amount = booking.total
        booking.save(update_fields=["refund_amount"])
    payment_services.payment_release_now_or_later(booking_id=booking.pk)
    return booking


def booking_expire(*, booking_id: int, reason: str) -> bool:
    """Expire an unpaid hold or an unanswered request (the sweeper). Returns whether it did."""
    with transaction.atomic():
        booking = Booking.objects.get(pk=booking_id)
        listing_lock(listing_id=booking.listing_id)
        booking = Booking.objects.select_for_update().get(pk=booking_id)
        if booking.status not in (S.PENDING_PAYMENT, S.AWAITING_HOST):
            return False
        booking_transition(booking, S.EXPIRED, reason=reason)
        calendar_release_booking(booking_id=booking.pk)
        calendar_refresh_unavailable(listing_id=booking.listing_id, start=booking.check_in, end=booking.check_out)
    payment_services.payment_release_now_or_later(booking_id=booking_id)
    return True


# --- cancellations --------------------------------------------------------------


def booking_cancellation_preview(*, booking: Booking, user, now: dt.datetime | None = None) -> RefundQuote:
    """What cancelling now would refund, for the user who would cancel."""
    now = now or timezone.now()
    is_host = booking.listing.host_id == user.pk and booking.guest_id != user.pk
    full = is_host or booking.status == S.AWAITING_HOST
    check_in_at = listing_check_in_at(booking.listing, booking.check_in)
    return refund_quote(
        policy=booking.listing.cancellation_policy,
        breakdown=booking.price_breakdown,
        check_in=check_in_at,
        nights=booking.nights,
        booked_at=booking.created_at,
        now=now,
        full=full,
    )


def booking_cancel_by_guest(*, booking_id: int, guest, reason: str = "") -> Booking:
    """The guest cancels: refund per the listing's policy, nights released at once."""
    with transaction.atomic():
        booking, listing = access_booking_for_update(guest, booking_id, as_role="guest")
        if booking.status == S.CONFIRMED and booking.check_out <= listing_today(listing):
            raise ApplicationError(
                BookingErrorCode.STAY_OVER, gettext("This stay is over and can no longer be cancelled.")
            )
        preview = booking_cancellation_preview(booking=booking, user=guest)
        booking_transition(booking, S.CANCELLED_BY_GUEST, actor=guest, reason=reason[:200] or "cancelled by guest")
        calendar_release_booking(booking_id=booking.pk)
        calendar_refresh_unavailable(listing_id=listing.pk, start=booking.check_in, end=booking.check_out)
        booking.refund_amount = preview.refund
        booking.save(update_fields=["refund_amount"])
        # The payout now carries only the host's kept share: cut (or cancelled) if not yet
        # transferred, else what was overpaid is taken back from the transfer.
        payout_services.payout_adjust_for_cancellation(booking_id=booking.pk, keep=_host_share_kept(booking, preview))
    payment_services.payment_settle_now_or_later(booking_id=booking.pk)
    return booking


def _host_share_kept(booking: Booking, preview: RefundQuote) -> Decimal:
    earned = host_earnings(booking.price_breakdown)
    kept = earned - preview.host_share_refunded
    if earned <= 0 or kept <= 0:
        return Decimal("0")
    return money(Decimal(booking.price_breakdown["host_payout"]) * kept / earned)


def booking_cancel_by_host(*, booking_id: int, host, reason: str = "") -> Booking:
    """The host cancels a confirmed booking: full refund, nights stay blocked, penalty recorded."""
    with transaction.atomic():
        booking, listing = access_booking_for_update(host, booking_id, as_role="host")
        if booking.status == S.AWAITING_HOST:
            raise ApplicationError(
                BookingErrorCode.USE_DECLINE, gettext("Decline the request instead of cancelling it.")
            )
        if booking.status == S.CONFIRMED and booking.check_out <= listing_today(listing):
            raise ApplicationError(
                BookingErrorCode.STAY_OVER, gettext("This stay is over and can no longer be cancelled.")
            )
        booking_transition(booking, S.CANCELLED_BY_HOST, actor=host, reason=reason[:200] or "cancelled by host")
        calendar_release_booking(booking_id=booking.pk, keep_blocked=True)
        calendar_refresh_unavailable(listing_id=listing.pk, start=booking.check_in, end=booking.check_out)
        booking.refund_amount = booking.total
        booking.save(update_fields=["refund_amount"])
        HostCancellation.objects.create(host_id=listing.host_id, booking=booking, reason=reason[:200])
        # The host keeps nothing: a payout not yet transferred is cancelled, one already
        # transferred (a stay cancelled after its release) is taken back in full.
        payout_services.payout_adjust_for_cancellation(booking_id=booking.pk, keep=Decimal("0"))
    payment_services.payment_settle_now_or_later(booking_id=booking.pk)
    return booking


__all__ = [
    "BookingInvalid",
    "DatesUnavailable",
    "ListingNotBookable",
    "NotAllowed",
    "PaymentDeclined",
    "PaymentsUnavailable",
    "booking_accept",
    "booking_cancel_by_guest",
    "booking_cancel_by_host",
    "booking_cancellation_preview",
    "booking_create",
    "booking_decline",
    "booking_expire",
    "GatewayUnavailable",
]


def booking_attempt_settle(*, booking_id: int, render: Callable[[Booking], dict]) -> tuple[str, dict] | None:
    """What an abandoned booking attempt came to, for its idempotency key (``airbnb.idempotency``).

    None while its booking still awaits payment (the sweeper decides); 409
    ``booking_not_completed`` once it failed or expired (nothing was charged: book
    again with a new key); otherwise it did book: ``("", render(booking))``.
    """
    booking = Booking.objects.select_related("listing").get(pk=booking_id)
    if booking.status == S.PENDING_PAYMENT:
        return None
    if booking.status in (S.PAYMENT_FAILED, S.EXPIRED):
        code = BookingErrorCode.BOOKING_NOT_COMPLETED
        message = gettext(
            "This booking attempt did not complete: the dates were released and nothing was charged. Please book again."
        )
        return str(code), error_body(code, message)
    return "", render(booking)
