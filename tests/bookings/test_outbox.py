"""Publishing the booking outbox in batches: the cost of a batch, its equivalence to one-by-one, its failures."""

from decimal import Decimal
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.models import BookingEvent
from bookings.services import outbox
from bookings.services.booking import booking_accept, booking_create
from messaging import handlers
from messaging import tasks as messaging_tasks
from messaging.models import Message, Notification, NotificationEmail, ReplyWindow, Thread
from messaging.services import notifications
from messaging.services.notifications import notification_preferences_set
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import VISA, book, days
from tests.listings.factories import ListingFactory

pytestmark = pytest.mark.django_db


def statements_to_publish() -> tuple[int, int]:
    """(events published, statements sent) for one ``outbox_dispatch``."""
    with CaptureQueriesContext(connection) as queries:
        done = outbox.outbox_dispatch()
    return done, len(queries.captured_queries)


def test_a_batch_costs_a_few_statements_whatever_its_size():
    # Before batching every event cost about 15 statements: 8 events were ~120, 32 were ~480.
    for count in (4, 16):
        for _ in range(count):
            book(guest=UserFactory(), listing=ListingFactory(instant_book=True), start=10, nights=2)
        if count == 4:
            small_events, small = statements_to_publish()
        else:
            big_events, big = statements_to_publish()
    assert (small_events, big_events) == (8, 32)
    assert big == small <= 20


def _request_accepted_and_events(host, guest):
    listing = ListingFactory(host=host, instant_book=False, title="Fjord cabin")
    booking = booking_create(
        guest=guest,
        listing_id=listing.pk,
        check_in=days(20),
        check_out=days(23),
        guests=2,
        payment_method=VISA,
        message="Hello, two of us, arriving late.",
    )
    return listing, booking


def _conversation(guest, listing, booking):
    """What the two people see, with their names and the booking reference taken out (they differ per world)."""

    def plain(text):
        return (
            text.replace(guest.display_name, "GUEST")
            .replace(listing.host.display_name, "HOST")
            .replace(booking.reference, "REF")
        )

    thread = Thread.objects.get(guest=guest, listing=listing)
    lines = [(m.sender_id == guest.pk, plain(m.body)) for m in Message.objects.filter(thread=thread).order_by("pk")]
    windows = [(w.kind, w.replied_at is not None) for w in ReplyWindow.objects.filter(thread=thread)]
    notes = sorted(
        (n.user_id == guest.pk, n.title, plain(n.body))
        for n in Notification.objects.filter(user__in=[guest, listing.host], category="booking")
    )
    return lines, thread.guest_unread, thread.host_unread, thread.last_message_id is not None, windows, notes


def test_a_batch_gives_what_publishing_one_event_at_a_time_gives():
    """Request, host accepts: published as one batch, or after each step: the same conversation and notifications."""
    host_a, guest_a, host_b, guest_b = (UserFactory() for _ in range(4))

    listing_a, booking_a = _request_accepted_and_events(host_a, guest_a)
    booking_accept(booking_id=booking_a.pk, host=host_a)
    assert outbox.outbox_dispatch() == 3  # pending_payment, awaiting_host, confirmed in one batch

    listing_b, booking_b = _request_accepted_and_events(host_b, guest_b)
    assert outbox.outbox_dispatch() == 2
    booking_accept(booking_id=booking_b.pk, host=host_b)
    assert outbox.outbox_dispatch() == 1

    batched, one_by_one = _conversation(guest_a, listing_a, booking_a), _conversation(guest_b, listing_b, booking_b)
    assert batched == one_by_one
    lines, guest_unread, host_unread, _, windows, _ = batched
    assert [from_guest for from_guest, _ in lines] == [True, False, False]  # relayed message, request, confirmed
    assert "requested to book" in lines[1][1] and lines[2][1].startswith("Reservation confirmed")
    # The guest wrote the relayed message and made the request; the host accepted (their own line is read).
    assert (guest_unread, host_unread) == (2, 2)
    assert windows == [("request", True)]  # opened by the request, answered by the acceptance


def test_one_failing_event_does_not_hold_back_the_rest(monkeypatch):
    bookings = [
        book(
            guest=UserFactory(), listing=ListingFactory(instant_book=True, base_price=Decimal("90")), start=5, nights=1
        )
        for _ in range(3)
    ]
    bad = bookings[1]
    body = handlers._body

    def failing_body(event, for_host):
        if event.booking_id == bad.pk:
            raise RuntimeError("template blew up")
        return body(event, for_host)

    monkeypatch.setattr(handlers, "_body", failing_body)
    # The good bookings' two events each, and the bad one's first (no notification, no line).
    assert outbox.outbox_dispatch() == 5
    left = BookingEvent.objects.filter(processed_at__isnull=True)
    assert [(event.booking_id, event.to_status) for event in left] == [(bad.pk, "confirmed")]
    # Nothing half-written for the bad booking, everything once for the others.
    assert not Notification.objects.filter(user=bad.guest).exists()
    for good in (bookings[0], bookings[2]):
        assert Notification.objects.filter(user=good.guest).count() == 1

    monkeypatch.setattr(handlers, "_body", body)
    assert outbox.outbox_dispatch() == 1  # fixed: the next run publishes it
    assert Notification.objects.filter(user=bad.guest).count() == 1


def test_batch_emails_go_out_in_a_few_tasks_and_respect_opt_outs(monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(notifications, "EMAILS_PER_TASK", 3)
    task = messaging_tasks.notification_emails_send_task
    chunks, queue = [], task.apply_async

    def counting(args, **options):
        chunks.append(len(args[0]))
        return queue(args, **options)

    monkeypatch.setattr(task, "apply_async", counting)
    quiet = UserFactory()
    notification_preferences_set(user=quiet, email_by_category={"booking": False})
    guests = [quiet, *(UserFactory() for _ in range(3))]
    for guest in guests:
        book(guest=guest, listing=ListingFactory(instant_book=True), start=8, nights=2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.outbox_dispatch() == 8
    # 4 confirmations to guests (one opted out) + 4 to hosts = 7 emails, in 3 tasks, not 7.
    assert chunks == [3, 3, 1]
    assert len(mail.outbox) == 7
    assert quiet.email not in {m.to[0] for m in mail.outbox}
    assert Notification.objects.filter(user=quiet).count() == 1  # in-app still there
    assert not NotificationEmail.objects.filter(status="pending").exists()


class TakesTwoThenFails(BaseEmailBackend):
    """A mail server that accepts two messages, then refuses (SMTPException is an OSError)."""

    accepted: list = []

    def send_messages(self, messages):
        if len(TakesTwoThenFails.accepted) >= 2:
            raise SMTPException("421 try again later")
        TakesTwoThenFails.accepted.extend(messages)
        return len(messages)


def test_a_mail_server_failing_partway_leaves_only_the_unsent_emails_pending(settings):
    for _ in range(2):
        book(guest=UserFactory(), listing=ListingFactory(instant_book=True), start=8, nights=2)
    outbox.outbox_dispatch()  # on_commit not run here: 4 emails queued, pending
    ids = list(NotificationEmail.objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) == 4
    settings.EMAIL_BACKEND = "tests.bookings.test_outbox.TakesTwoThenFails"
    TakesTwoThenFails.accepted = []
    with pytest.raises(SMTPException):
        notifications.notification_emails_send_many(email_ids=ids)
    statuses = list(NotificationEmail.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["sent", "sent", "pending", "pending"]  # the retry sends only the last two
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    assert messaging_tasks.notification_emails_send_task(ids) == 2
    assert len(mail.outbox) == 2
    assert not NotificationEmail.objects.filter(status="pending").exists()
