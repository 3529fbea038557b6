"""The booking saga, calendar writes, cancellations and the sweeper, on the real database."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from airbnb.api.errors import HTTP_STATUS_BY_CODE
from airbnb.errors import ApplicationError, NotFound
from availability import services as cal
from availability.errors import NightsBooked
from availability.models import CalendarNight
from bookings import tasks
from bookings.models import Booking, BookingEvent, BookingStatus, HostCancellation
from bookings.services import booking as svc
from payments import tasks as payment_tasks
from payments.gateways.base import breaker
from payments.models import Payment, PaymentStatus, PayoutEntry
from payments.services.payments import payments_reconcile
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import DECLINED, NO_FUNDS, PROCESSING_ERROR, TIMEOUT, book, days
from tests.listings.factories import ListingFactory

pytestmark = pytest.mark.django_db
S = BookingStatus
D = Decimal


@pytest.fixture
def guest():
    return UserFactory()


@pytest.fixture
def instant():
    return ListingFactory(
        instant_book=True, base_price=D("100"), cleaning_fee=D("50"), max_guests=4, cancellation_policy="moderate"
    )


@pytest.fixture
def request_listing():
    return ListingFactory(instant_book=False, base_price=D("80"), cleaning_fee=D("0"))


def taken(listing) -> list[dt.date]:
    return list(
        CalendarNight.objects.filter(listing=listing, status__in=["held", "booked", "blocked"])
        .order_by("date")
        .values_list("date", flat=True)
    )


def unavailable_ranges(listing) -> list[tuple[dt.date, dt.date]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lower(r), upper(r) FROM listings_listing, unnest(unavailable) r WHERE id = %s ORDER BY 1",
            [listing.pk],
        )
        return cursor.fetchall()


# --- happy paths ------------------------------------------------------------------


def test_instant_book_confirms_captures_and_books_nights(guest, instant):
    booking = book(guest=guest, listing=instant, start=10, nights=3)
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED
    assert booking.total == D("392.00")  # 300 + 50 cleaning + 12% service (42)
    assert booking.price_breakdown["total"] == "392.00"
    assert taken(instant) == [days(10), days(11), days(12)]
    assert set(CalendarNight.objects.filter(listing=instant).values_list("status", flat=True)) == {"booked"}
    assert unavailable_ranges(instant) == [(days(10), days(13))]
    payment = Payment.objects.get(booking=booking)
    assert payment.status == PaymentStatus.CAPTURED and payment.intent_id.startswith("pi_local_")
    payout = PayoutEntry.objects.get(booking=booking)
    assert payout.amount == D("339.50")  # 350 - 3% host fee
    assert payout.release_at.date() == days(11)
    assert [(e.from_status, e.to_status) for e in booking.events.all()] == [
        ("", "pending_payment"),
        ("pending_payment", "confirmed"),
    ]


def test_outbox_task_emails_guest_and_host_once(guest, instant, django_capture_on_commit_callbacks):
    booking = book(guest=guest, listing=instant, start=10, nights=2)
    mail.outbox.clear()
    # The outbox writes notifications; their emails are sent by a Celery task once that commits.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.outbox_dispatch_task() == 2
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [f"Booking confirmed: {instant.title}", f"New reservation: {instant.title}"]
    assert {m.to[0] for m in mail.outbox} == {guest.email, instant.host.email}
    assert booking.reference in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.outbox_dispatch_task() == 0  # processed once
    assert len(mail.outbox) == 2


def test_request_to_book_waits_for_host_then_accept_captures(guest, request_listing):
    booking = book(guest=guest, listing=request_listing, start=5, nights=2)
    assert booking.status == S.AWAITING_HOST
    assert set(CalendarNight.objects.filter(listing=request_listing).values_list("status", flat=True)) == {"held"}
    assert Payment.objects.get(booking=booking).status == PaymentStatus.AUTHORIZED
    assert timezone.now() + dt.timedelta(hours=23) < booking.expires_at <= timezone.now() + dt.timedelta(hours=24)

    svc.booking_accept(booking_id=booking.pk, host=request_listing.host)
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED
    assert Payment.objects.get(booking=booking).status == PaymentStatus.CAPTURED
    assert set(CalendarNight.objects.filter(listing=request_listing).values_list("status", flat=True)) == {"booked"}


def test_decline_releases_nights_and_authorisation(guest, request_listing):
    booking = book(guest=guest, listing=request_listing, start=5, nights=2)
    svc.booking_decline(booking_id=booking.pk, host=request_listing.host, reason="Not available for families")
    booking.refresh_from_db()
    assert booking.status == S.DECLINED
    assert taken(request_listing) == []
    assert unavailable_ranges(request_listing) == []
    assert Payment.objects.get(booking=booking).status == PaymentStatus.RELEASED


def test_guest_cannot_accept_and_strangers_cannot_see(guest, request_listing):
    booking = book(guest=guest, listing=request_listing, start=5, nights=2)
    with pytest.raises(svc.NotAllowed):
        svc.booking_accept(booking_id=booking.pk, host=guest)
    with pytest.raises(NotFound):  # strangers learn nothing, not even that it exists
        svc.booking_decline(booking_id=booking.pk, host=UserFactory())
    booking.refresh_from_db()
    assert booking.status == S.AWAITING_HOST


def test_illegal_transition_is_rejected_and_changes_nothing(guest, instant):
    booking = book(guest=guest, listing=instant, start=5, nights=2)
    with pytest.raises(ApplicationError) as exc:
        svc.booking_accept(booking_id=booking.pk, host=instant.host)
    assert exc.value.code == "illegal_transition"
    assert BookingEvent.objects.filter(booking=booking).count() == 2


# --- validation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "nights", "guests", "code"),
    [
        (-1, 2, 2, "dates_in_past"),
        (800, 2, 2, "dates_out_of_window"),
        (5, 2, 9, "too_many_guests"),
        (5, 400, 2, "stay_too_long"),
    ],
)
def test_invalid_requests_hold_nothing(guest, instant, start, nights, guests, code):
    with pytest.raises(svc.BookingInvalid) as exc:
        book(guest=guest, listing=instant, start=start, nights=nights, guests=guests)
    assert exc.value.code == code
    assert not Booking.objects.exists() and taken(instant) == []


def test_host_cannot_book_own_listing(instant):
    with pytest.raises(svc.BookingInvalid) as exc:
        book(guest=instant.host, listing=instant, start=5, nights=2)
    assert exc.value.code == "own_listing"


def test_min_nights_listing_and_per_night_override(guest, instant):
    instant.min_nights = 2
    instant.save()
    with pytest.raises(svc.BookingInvalid) as exc:
        book(guest=guest, listing=instant, start=5, nights=1)
    assert exc.value.code == "stay_too_short"
    cal.calendar_set_nights(listing=instant, start=days(20), end=days(21), min_nights=5)
    with pytest.raises(svc.BookingInvalid):
        book(guest=guest, listing=instant, start=20, nights=4)
    assert book(guest=guest, listing=instant, start=20, nights=5).status == S.CONFIRMED


def test_draft_listing_is_not_bookable(guest):
    draft = ListingFactory(status="draft")
    with pytest.raises(svc.ListingNotBookable):
        book(guest=guest, listing=draft, start=5, nights=2)


def test_taken_dates_conflict_with_nearest_alternatives(guest, instant):
    book(guest=guest, listing=instant, start=10, nights=3)
    with pytest.raises(svc.DatesUnavailable) as exc:
        book(guest=UserFactory(), listing=instant, start=11, nights=3)
    alternatives = exc.value.extra["alternatives"]
    assert alternatives[0] == {"check_in": days(7).isoformat(), "check_out": days(10).isoformat()}
    assert {"check_in": days(13).isoformat(), "check_out": days(16).isoformat()} in alternatives
    assert Booking.objects.count() == 1


# --- payment failures are compensated ---------------------------------------------------


@pytest.mark.parametrize(("card", "code"), [(DECLINED, "card_declined"), (NO_FUNDS, "insufficient_funds")])
def test_declined_card_releases_dates_at_once(guest, instant, card, code):
    with pytest.raises(svc.PaymentDeclined) as exc:
        book(guest=guest, listing=instant, start=10, nights=3, card=card)
    assert exc.value.code == code
    booking = Booking.objects.get()
    assert booking.status == S.PAYMENT_FAILED
    assert taken(instant) == [] and unavailable_ranges(instant) == []
    assert Payment.objects.get().status == PaymentStatus.FAILED
    # The dates can be booked right away by someone else.
    assert book(guest=UserFactory(), listing=instant, start=10, nights=3).status == S.CONFIRMED


@pytest.mark.parametrize("card", [PROCESSING_ERROR, TIMEOUT])
def test_gateway_failure_says_try_again_and_voids_any_hold(guest, instant, card):
    with pytest.raises(svc.PaymentsUnavailable):
        book(guest=guest, listing=instant, start=10, nights=3, card=card)
    booking = Booking.objects.get()
    assert booking.status == S.PAYMENT_FAILED
    assert taken(instant) == []
    # The authorisation might exist on the gateway's side: it was voided.
    assert Payment.objects.get().status == PaymentStatus.RELEASED


def test_breaker_opens_after_repeated_failures_and_fails_fast(guest, instant, settings):
    settings.PAYMENTS_LOCAL_FAULT = "error"
    for start in range(10, 10 + breaker.fail_max):
        with pytest.raises(svc.PaymentsUnavailable):
            book(guest=guest, listing=instant, start=start * 3, nights=1)
    created = Booking.objects.count()
    settings.PAYMENTS_LOCAL_FAULT = ""
    with pytest.raises(svc.PaymentsUnavailable):
        book(guest=guest, listing=instant, start=100, nights=1)
    assert Booking.objects.count() == created  # open breaker: nothing was even held
    assert taken(instant) == []
    breaker.half_open()
    assert book(guest=guest, listing=instant, start=100, nights=1).status == S.CONFIRMED  # probe succeeds, closes


def test_capture_failure_is_finished_by_the_reconciler(guest, instant, settings):
    settings.PAYMENTS_LOCAL_FAULT = ""
    booking = svc._hold(
        guest=guest,
        listing_id=instant.pk,
        check_in=days(5),
        check_out=days(7),
        guests=2,
        message="",
        gateway_name="local",
    )
    Payment.objects.filter(booking=booking).update(intent_id="pi_local_test", status=PaymentStatus.CREATED)
    svc._after_authorization(booking=booking, capture_before=None)
    assert Payment.objects.get(booking=booking).status == PaymentStatus.AUTHORIZED
    Payment.objects.filter(booking=booking).update(updated_at=timezone.now() - dt.timedelta(minutes=5))
    assert payments_reconcile()["payment_capture_task"] == 1
    assert Payment.objects.get(booking=booking).status == PaymentStatus.CAPTURED


# --- the sweeper --------------------------------------------------------------------


def test_sweeper_releases_hold_of_a_process_that_died_before_payment(guest, instant):
    # The worker "died" right after the hold: no authorisation, nights held.
    booking = svc._hold(
        guest=guest,
        listing_id=instant.pk,
        check_in=days(5),
        check_out=days(8),
        guests=2,
        message="",
        gateway_name="local",
    )
    Payment.objects.filter(booking=booking).update(intent_id="pi_local_orphan")
    assert len(taken(instant)) == 3
    assert tasks.bookings_expire_stale_task() == 0  # too young to sweep
    Booking.objects.filter(pk=booking.pk).update(created_at=timezone.now() - dt.timedelta(minutes=11))
    assert tasks.bookings_expire_stale_task() == 1
    booking.refresh_from_db()
    assert booking.status == S.EXPIRED
    assert taken(instant) == [] and unavailable_ranges(instant) == []
    assert Payment.objects.get(booking=booking).status == PaymentStatus.RELEASED


def test_unanswered_request_expires_after_deadline(guest, request_listing):
    booking = book(guest=guest, listing=request_listing, start=5, nights=2)
    Booking.objects.filter(pk=booking.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert tasks.bookings_expire_stale_task() == 1
    booking.refresh_from_db()
    assert booking.status == S.EXPIRED
    assert Payment.objects.get(booking=booking).status == PaymentStatus.RELEASED
    with pytest.raises(ApplicationError) as conflict:
        svc.booking_accept(booking_id=booking.pk, host=request_listing.host)
    assert HTTP_STATUS_BY_CODE[conflict.value.code] == 409


def test_completed_after_checkout_and_payout_released(guest, instant):
    booking = book(guest=guest, listing=instant, start=1, nights=2)
    Booking.objects.filter(pk=booking.pk).update(check_in=days(-3), check_out=days(-1))
    PayoutEntry.objects.filter(booking=booking).update(release_at=timezone.now() - dt.timedelta(hours=1))
    assert tasks.bookings_complete_finished_task() == 1
    assert payment_tasks.payouts_release_due_task() == 1
    booking.refresh_from_db()
    assert booking.status == S.COMPLETED
    assert PayoutEntry.objects.get(booking=booking).status == PayoutEntry.Status.RELEASED


# --- cancellations --------------------------------------------------------------------


def test_guest_cancels_early_full_refund_and_nights_free(guest, instant):
    booking = book(guest=guest, listing=instant, start=30, nights=3)
    svc.booking_cancel_by_guest(booking_id=booking.pk, guest=guest)
    booking.refresh_from_db()
    assert booking.status == S.CANCELLED_BY_GUEST
    assert booking.refund_amount == booking.total
    payment = Payment.objects.get(booking=booking)
    assert payment.status == PaymentStatus.REFUNDED and payment.amount_refunded == booking.total
    assert taken(instant) == [] and unavailable_ranges(instant) == []
    assert PayoutEntry.objects.get(booking=booking).status == PayoutEntry.Status.CANCELLED


def test_guest_cancels_late_moderate_gets_half_the_nights(guest, instant):
    booking = book(guest=guest, listing=instant, start=2, nights=4)  # moderate, 2 days ahead
    preview = svc.booking_cancellation_preview(booking=booking, user=guest)
    assert preview.refund == D("250.00")  # 50% of 400 nights + 50 cleaning; no service fee
    svc.booking_cancel_by_guest(booking_id=booking.pk, guest=guest)
    payment = Payment.objects.get(booking=booking)
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    assert payment.amount_refunded == D("250.00")
    payout = PayoutEntry.objects.get(booking=booking)
    assert payout.status == PayoutEntry.Status.SCHEDULED
    assert payout.amount == D("194.00")  # host keeps 200 of 450 earned: 436.50 * 200/450


def test_host_cancel_full_refund_nights_stay_blocked_penalty(guest, instant):
    booking = book(guest=guest, listing=instant, start=10, nights=2)
    svc.booking_cancel_by_host(booking_id=booking.pk, host=instant.host, reason="Boiler broke")
    booking.refresh_from_db()
    assert booking.status == S.CANCELLED_BY_HOST and booking.refund_amount == booking.total
    assert Payment.objects.get(booking=booking).amount_refunded == booking.total
    assert set(CalendarNight.objects.filter(listing=instant).values_list("status", "booking")) == {("blocked", None)}
    assert unavailable_ranges(instant) == [(days(10), days(12))]
    assert HostCancellation.objects.filter(host=instant.host, booking=booking).exists()


def test_guest_cancels_request_before_host_answers_voids_hold(guest, request_listing):
    booking = book(guest=guest, listing=request_listing, start=3, nights=2)
    svc.booking_cancel_by_guest(booking_id=booking.pk, guest=guest)
    booking.refresh_from_db()
    assert booking.refund_amount == booking.total
    assert Payment.objects.get(booking=booking).status == PaymentStatus.RELEASED


def test_cannot_cancel_twice(guest, instant):
    booking = book(guest=guest, listing=instant, start=30, nights=3)
    svc.booking_cancel_by_guest(booking_id=booking.pk, guest=guest)
    with pytest.raises(ApplicationError) as conflict:
        svc.booking_cancel_by_guest(booking_id=booking.pk, guest=guest)
    assert HTTP_STATUS_BY_CODE[conflict.value.code] == 409
    assert Payment.objects.get(booking=booking).amount_refunded == booking.total


# --- host calendar --------------------------------------------------------------------


def test_block_cannot_overlap_booking_and_changes_nothing(guest, instant):
    book(guest=guest, listing=instant, start=10, nights=2)
    with pytest.raises(NightsBooked) as exc:
        cal.calendar_block_range(listing=instant, start=days(8), end=days(12))
    assert exc.value.extra["dates"] == [days(10).isoformat(), days(11).isoformat()]
    assert taken(instant) == [days(10), days(11)]


def test_block_then_unblock_and_search_column_follows(instant):
    assert cal.calendar_block_range(listing=instant, start=days(3), end=days(6)) == 3
    assert unavailable_ranges(instant) == [(days(3), days(6))]
    with pytest.raises(svc.DatesUnavailable):
        book(guest=UserFactory(), listing=instant, start=4, nights=1)
    assert cal.calendar_unblock_range(listing=instant, start=days(3), end=days(5)) == 2
    assert unavailable_ranges(instant) == [(days(5), days(6))]


def test_host_price_override_is_quoted_frozen_and_survives_cancellation(guest, instant):
    cal.calendar_set_nights(listing=instant, start=days(10), end=days(11), price=D("250"))
    booking = book(guest=guest, listing=instant, start=10, nights=2)
    assert [n["price"] for n in booking.price_breakdown["nights"]] == ["250.00", "100.00"]
    cal.calendar_set_nights(listing=instant, start=days(10), end=days(11), price=D("400"))
    booking.refresh_from_db()
    assert booking.price_breakdown["nights"][0]["price"] == "250.00"  # frozen
    svc.booking_cancel_by_guest(booking_id=booking.pk, guest=guest)
    night = CalendarNight.objects.get(listing=instant, date=days(10))
    assert (night.status, night.price, night.booking_id) == ("available", D("400.00"), None)
    assert not CalendarNight.objects.filter(listing=instant, date=days(11)).exists()


def test_card_processing_errors_do_not_open_the_breaker(guest, instant):
    for start in range(breaker.fail_max + 2):
        with pytest.raises(svc.PaymentsUnavailable):
            book(guest=guest, listing=instant, start=10 + 2 * start, nights=1, card=PROCESSING_ERROR)
    assert breaker.current_state == "closed"
    assert book(guest=guest, listing=instant, start=50, nights=1).status == S.CONFIRMED


def test_price_changed_since_the_quote_is_refused_before_holding(guest, instant):
    quoted = D("392.00")  # 3 nights at 100 + 50 cleaning + 12%
    cal.calendar_set_nights(listing=instant, start=days(10), end=days(11), price=D("180"))
    with pytest.raises(svc.PriceChanged) as exc:
        svc.booking_create(
            guest=guest,
            listing_id=instant.pk,
            check_in=days(10),
            check_out=days(13),
            guests=2,
            payment_method="pm_card_visa",
            expected_total=quoted,
        )
    assert exc.value.extra["total"] == "481.60"
    assert not Booking.objects.exists() and taken(instant) == []
    booking = svc.booking_create(
        guest=guest,
        listing_id=instant.pk,
        check_in=days(10),
        check_out=days(13),
        guests=2,
        payment_method="pm_card_visa",
        expected_total=D("481.60"),
    )
    assert booking.total == D("481.60")


# --- the hot path's statements (bookings/services/booking_statements.py) ------------


def test_hold_adds_the_stay_to_unavailable_exactly_as_a_full_rewrite_would(guest, instant):
    cal.calendar_block_range(listing=instant, start=days(3), end=days(5))
    cal.calendar_set_nights(listing=instant, start=days(10), end=days(11), price=D("130"))
    # A value written on an earlier day still carries a night that is now long past.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE listings_listing SET unavailable = unavailable + datemultirange(daterange(%s, %s)) WHERE id = %s",
            [days(-9), days(-8), instant.pk],
        )
    booking = book(guest=guest, listing=instant, start=10, nights=2)
    written = unavailable_ranges(instant)
    assert written == [(days(3), days(5)), (days(10), days(12))]
    cal.calendar_refresh_unavailable(listing_id=instant.pk)
    assert unavailable_ranges(instant) == written
    # The override-only night became the booking's, and kept the host's price.
    night = CalendarNight.objects.get(listing=instant, date=days(10))
    assert (night.status, night.booking_id, night.price) == ("booked", booking.pk, D("130.00"))
    assert booking.price_breakdown["nights"][0]["price"] == "130.00"


@pytest.mark.parametrize("read_misses_the_block", [False, True], ids=["seen-when-read", "met-by-the-insert"])
def test_hold_of_a_taken_night_writes_nothing(guest, instant, monkeypatch, read_misses_the_block):
    """Refused when the read sees the taken night, and (the backstop) when only the insert meets it."""
    from bookings.services import booking_statements

    cal.calendar_block_range(listing=instant, start=days(11), end=days(12))
    if read_misses_the_block:
        monkeypatch.setattr(booking_statements, "hold_read_nights", lambda **kwargs: {})
    before = (Booking.objects.count(), Payment.objects.count(), BookingEvent.objects.count())
    with pytest.raises(svc.DatesUnavailable):
        book(guest=guest, listing=instant, start=10, nights=3)
    assert (Booking.objects.count(), Payment.objects.count(), BookingEvent.objects.count()) == before
    assert taken(instant) == [days(11)] and unavailable_ranges(instant) == [(days(11), days(12))]
    assert not CalendarNight.objects.filter(listing=instant, status="held").exists()


def test_the_hold_returns_the_booking_as_stored(guest, instant):
    booking = book(guest=guest, listing=instant, start=10, nights=2)
    stored = Booking.objects.select_related("payment").get(pk=booking.pk)
    for field in (
        "code",
        "check_in",
        "check_out",
        "guests",
        "status",
        "currency",
        "total",
        "price_breakdown",
        "instant_book",
        "confirmed_at",
        "created_at",
        "expires_at",
    ):
        assert getattr(booking, field) == getattr(stored, field), field
    assert (booking.payment.pk, booking.payment.status) == (stored.payment.pk, stored.payment.status)
    assert booking.payment.intent_id == stored.payment.intent_id


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("instant_book", [True, False], ids=["instant", "request"])
def test_hold_expired_while_the_card_was_authorised_voids_the_authorisation(guest, instant_book, monkeypatch):
    from payments.gateways.local import LocalGateway

    listing = ListingFactory(instant_book=instant_book, base_price=D("100"))
    authorize = LocalGateway.authorize

    def authorize_slowly(self, **kwargs):
        result = authorize(self, **kwargs)
        # Meanwhile the sweeper found the hold older than its ten minutes.
        booking_id = int(kwargs["idempotency_key"].split("-")[1])
        assert svc.booking_expire(booking_id=booking_id, reason="hold expired")
        return result

    monkeypatch.setattr(LocalGateway, "authorize", authorize_slowly)
    with pytest.raises(svc.DatesUnavailable) as raised:
        book(guest=guest, listing=listing, start=10, nights=2)
    assert raised.value.code == "hold_expired"
    booking = Booking.objects.get(guest=guest)
    assert booking.status == S.EXPIRED
    assert Payment.objects.get(booking=booking).status == PaymentStatus.RELEASED
    assert taken(listing) == [] and unavailable_ranges(listing) == []
    assert not PayoutEntry.objects.filter(booking=booking).exists()
    assert [e.to_status for e in booking.events.order_by("pk")] == ["pending_payment", "expired"]


def test_outbox_task_drains_a_backlog_larger_than_one_batch(guest, instant):
    from bookings.services import outbox

    for start in (10, 20, 30):
        book(guest=guest, listing=instant, start=start, nights=2)
    assert outbox.outbox_dispatch(batch=2) == 2  # one batch, as one beat tick used to do
    assert outbox.outbox_drain(batch=2) == 4  # the rest, in the same run
    assert not BookingEvent.objects.filter(processed_at__isnull=True).exists()
    assert outbox.outbox_drain(batch=2) == 0
