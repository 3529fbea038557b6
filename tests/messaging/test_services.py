"""Messaging services on the real database: threads, unread counts, rate limits, masking, booking events."""

import datetime as dt
from decimal import Decimal
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from accounts.models import User
from airbnb.api.errors import HTTP_STATUS_BY_CODE
from bookings import tasks as booking_tasks
from bookings.models import BookingStatus
from bookings.services.booking import booking_accept
from messaging import tasks
from messaging.masking import PHONE_HIDDEN
from messaging.models import (
    Message,
    Notification,
    NotificationCategory,
    NotificationEmail,
    ReplyWindow,
    Thread,
)
from messaging.selectors import inbox_unread_count, thread_list_for, thread_messages_for
from messaging.services.notifications import notification_email_send, notification_preferences_set
from messaging.services.response_stats import host_response_stats_update
from messaging.services.threads import (
    InquiryInvalid,
    ListingNotFound,
    MessageNotAllowed,
    RateLimited,
    ThreadNotFound,
    message_send,
    thread_mark_read,
    thread_start_inquiry,
)
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import book
from tests.listings.factories import ListingFactory

pytestmark = pytest.mark.django_db


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise SMTPException("451 try again later")


def bodies(thread, viewer) -> list[str]:
    return [view.body for view in thread_messages_for(thread=thread, viewer=viewer)]


# --- threads and unread counts ------------------------------------------------------------


def test_inquiry_opens_one_thread_per_guest_and_listing(guest, listing):
    thread = thread_start_inquiry(guest=guest, listing_id=listing.pk, body="Hi! Is the flat quiet at night?")
    assert (thread.guest, thread.host, thread.listing) == (guest, listing.host, listing)
    again = thread_start_inquiry(guest=guest, listing_id=listing.pk, body="Also: is there a lift?")
    assert again.pk == thread.pk and Thread.objects.count() == 1
    assert Message.objects.filter(thread=thread).count() == 2
    window = ReplyWindow.objects.get(thread=thread)  # one open window, not two
    assert window.kind == "inquiry" and window.replied_at is None and window.host == listing.host


def test_inquiry_bad_input_saves_nothing(guest, listing, host):
    for body in ("", "   ", "x" * 2001, None):
        with pytest.raises(ValidationError) as error:
            thread_start_inquiry(guest=guest, listing_id=listing.pk, body=body)
        assert "body" in error.value.message_dict
    with pytest.raises(InquiryInvalid):
        thread_start_inquiry(guest=host, listing_id=listing.pk, body="Talking to myself")
    with pytest.raises(ListingNotFound):
        thread_start_inquiry(guest=guest, listing_id=ListingFactory(status="draft").pk, body="Hello")
    with pytest.raises(ListingNotFound):
        thread_start_inquiry(guest=guest, listing_id=999999, body="Hello")
    assert not Thread.objects.exists() and not Message.objects.exists()


def test_a_message_of_exactly_2000_characters_is_fine(guest, listing):
    thread = thread_start_inquiry(guest=guest, listing_id=listing.pk, body="y" * 2000)
    assert len(Message.objects.get(thread=thread).body) == 2000


def test_unread_counts_follow_sends_and_reads(guest, listing, host):
    thread = thread_start_inquiry(guest=guest, listing_id=listing.pk, body="First")
    second = message_send(thread_id=thread.pk, sender=guest, body="Second")
    message_send(thread_id=thread.pk, sender=guest, body="Third")
    assert inbox_unread_count(user=host) == 3 and inbox_unread_count(user=guest) == 0
    [row] = thread_list_for(user=host)
    assert row.my_unread == 3 and row.last_message.body == "Third"

    assert thread_mark_read(thread_id=thread.pk, user=host, upto=second.pk) == 1
    assert inbox_unread_count(user=host) == 1
    assert thread_mark_read(thread_id=thread.pk, user=host) == 0
    assert inbox_unread_count(user=host) == 0
    # Reading never goes backwards.
    assert thread_mark_read(thread_id=thread.pk, user=host, upto=1) == 0

    message_send(thread_id=thread.pk, sender=host, body="Welcome!")
    assert inbox_unread_count(user=guest) == 1 and inbox_unread_count(user=host) == 0
    [row] = thread_list_for(user=guest)
    assert row.my_unread == 1


def test_strangers_and_staff_cannot_write_and_nothing_changes(guest, listing):
    thread = thread_start_inquiry(guest=guest, listing_id=listing.pk, body="Hello")
    stranger, staff = UserFactory(), UserFactory(is_staff=True)
    with pytest.raises(ThreadNotFound):
        message_send(thread_id=thread.pk, sender=stranger, body="Let me in")
    with pytest.raises(MessageNotAllowed):
        message_send(thread_id=thread.pk, sender=staff, body="Support here")
    with pytest.raises(ThreadNotFound):
        thread_mark_read(thread_id=thread.pk, user=stranger)
    assert thread_mark_read(thread_id=thread.pk, user=staff) == 0  # reading as staff changes nothing
    thread.refresh_from_db()
    assert Message.objects.count() == 1 and thread.host_unread == 1 and thread.host_read_upto == 0
    assert list(thread_list_for(user=stranger)) == []


def test_sending_is_rate_limited_per_user(settings, guest, listing):
    settings.MESSAGING_RATE_PER_MINUTE = 3
    thread = thread_start_inquiry(guest=guest, listing_id=listing.pk, body="1")
    message_send(thread_id=thread.pk, sender=guest, body="2")
    message_send(thread_id=thread.pk, sender=guest, body="3")
    with pytest.raises(RateLimited) as error:
        message_send(thread_id=thread.pk, sender=guest, body="4")
    assert HTTP_STATUS_BY_CODE[error.value.code] == 429 and error.value.extra["retry_after"] == 60
    other_listing = ListingFactory()
    with pytest.raises(RateLimited):  # per user, not per thread
        thread_start_inquiry(guest=guest, listing_id=other_listing.pk, body="Elsewhere")
    assert Message.objects.filter(sender=guest).count() == 3
    assert not Thread.objects.filter(listing=other_listing).exists()
    # The host is not limited by the guest's sends; a minute later the guest may write again.
    message_send(thread_id=thread.pk, sender=listing.host, body="Slow down :)")
    message_send(thread_id=thread.pk, sender=guest, body="Sorry", now=timezone.now() + dt.timedelta(minutes=2))


# --- masking before and after confirmation ----------------------------------------------------


def test_contact_details_masked_for_the_other_party_until_confirmed(guest, host):
    listing = ListingFactory(host=host, instant_book=False)
    thread = thread_start_inquiry(guest=guest, listing_id=listing.pk, body="Text me on +33 6 12 34 56 78")
    raw = "Text me on +33 6 12 34 56 78"
    assert Message.objects.get(thread=thread).body == raw  # stored as written
    assert bodies(thread, guest) == [raw]  # the author sees it
    assert bodies(thread, host) == [f"Text me on {PHONE_HIDDEN}"]
    assert bodies(thread, UserFactory(is_staff=True)) == [raw]  # moderation

    booking = book(guest=guest, listing=listing, start=10, nights=2)  # a request: not confirmed yet
    assert booking.status == BookingStatus.AWAITING_HOST
    assert bodies(thread, host) == [f"Text me on {PHONE_HIDDEN}"]
    booking_accept(booking_id=booking.pk, host=host)
    assert bodies(thread, host) == [raw]


# --- booking events, notifications and emails -------------------------------------------------


def test_booking_confirmation_notifies_by_email_through_the_task(guest, host, django_capture_on_commit_callbacks):
    listing = ListingFactory(host=host, instant_book=True, title="Canal loft")
    booking = book(guest=guest, listing=listing, start=10, nights=2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert booking_tasks.outbox_dispatch_task() == 2  # pending_payment, confirmed
    assert sorted(m.subject for m in mail.outbox) == ["Booking confirmed: Canal loft", "New reservation: Canal loft"]
    guest_email = next(m for m in mail.outbox if m.to == [guest.email])
    assert booking.reference in guest_email.body and f"/trips/{booking.pk}/" in guest_email.body
    assert Notification.objects.filter(category=NotificationCategory.BOOKING).count() == 2
    assert NotificationEmail.objects.filter(status="sent").count() == 2

    thread = Thread.objects.get(guest=guest, listing=listing)
    assert thread.booking == booking
    [line] = thread_messages_for(thread=thread, viewer=guest)
    assert line.is_system and line.body.startswith("Reservation confirmed") and booking.reference in line.body
    assert inbox_unread_count(user=guest) == 1 and inbox_unread_count(user=host) == 1


def test_request_to_book_relays_the_guest_message_and_counts_as_a_request(
    guest, host, django_capture_on_commit_callbacks
):
    listing = ListingFactory(host=host, instant_book=False)
    from bookings.services.booking import booking_create
    from tests.bookings.helpers import VISA, days

    booking = booking_create(
        guest=guest,
        listing_id=listing.pk,
        check_in=days(20),
        check_out=days(23),
        guests=2,
        payment_method=VISA,
        message="Hi, we are two teachers. Reach me at gina@example.com",
    )
    with django_capture_on_commit_callbacks(execute=True):
        booking_tasks.outbox_dispatch_task.delay()
    thread = Thread.objects.get(guest=guest, listing=listing)
    views = thread_messages_for(thread=thread, viewer=host)
    assert [v.is_system for v in views] == [False, True]
    assert views[0].body == "Hi, we are two teachers. Reach me at [email hidden]" and views[0].masked
    assert "requested to book" in views[1].body
    host_email = next(m for m in mail.outbox if m.to == [host.email])
    assert "[email hidden]" in host_email.body and "gina@example.com" not in host_email.body
    window = ReplyWindow.objects.get(thread=thread)
    assert window.kind == "request" and window.booking == booking and window.replied_at is None

    booking_accept(booking_id=booking.pk, host=host)
    with django_capture_on_commit_callbacks(execute=True):
        booking_tasks.outbox_dispatch_task.delay()
    window.refresh_from_db()
    assert window.replied_at is not None  # accepting answered the request
    assert thread_messages_for(thread=thread, viewer=host)[0].body.endswith("gina@example.com")


def test_a_message_emails_the_other_party_through_the_task(guest, host, listing, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        thread = thread_start_inquiry(guest=guest, listing_id=listing.pk, body="Is parking free? Call 0612345678")
    [email] = mail.outbox
    assert email.to == [host.email] and email.subject == "New message from Gina"
    assert "Is parking free? Call [phone number hidden]" in email.body
    assert f"/inbox/{thread.pk}/" in email.body and "/notifications/settings/" in email.body
    notification = Notification.objects.get(user=host)
    assert notification.category == "message" and notification.read_at is None


def test_a_busy_thread_sends_one_summary_email_per_few_minutes(
    guest, host, listing, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    # Each message is its own request (its own transaction and on-commit tasks).
    with django_capture_on_commit_callbacks(execute=True):
        thread = thread_start_inquiry(guest=guest, listing_id=listing.pk, body="One")
    for body in ("Two", "Three"):
        with django_capture_on_commit_callbacks(execute=True):
            message_send(thread_id=thread.pk, sender=guest, body=body)
    assert len(mail.outbox) == 1  # the first one, at once
    pending = NotificationEmail.objects.get(status="pending")
    assert pending.items == 2 and pending.subject == "2 new messages from Gina"
    assert pending.send_after > timezone.now() + dt.timedelta(minutes=4)
    # In-app: one unread notification for the thread, counting the three messages.
    notification = Notification.objects.get(user=host)
    assert notification.count == 3 and notification.title == "3 new messages from Gina"

    assert tasks.notification_emails_flush_task() == 0  # not due yet
    later = timezone.now() + dt.timedelta(minutes=6)
    from messaging.services.notifications import notification_emails_flush

    assert notification_emails_flush(now=later) == 1
    summary = mail.outbox[1]
    assert summary.subject == "2 new messages from Gina" and "Two" in summary.body and "Three" in summary.body
    assert notification_emails_flush(now=later) == 0


def test_reading_the_thread_cancels_its_pending_email(guest, host, listing, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        thread = thread_start_inquiry(guest=guest, listing_id=listing.pk, body="One")
    with django_capture_on_commit_callbacks(execute=True):
        message_send(thread_id=thread.pk, sender=guest, body="Two")
    assert NotificationEmail.objects.filter(status="pending").count() == 1  # throttled behind the first
    thread_mark_read(thread_id=thread.pk, user=host)
    assert NotificationEmail.objects.filter(status="cancelled").count() == 1
    assert not NotificationEmail.objects.filter(status="pending").exists()
    assert not Notification.objects.filter(user=host, read_at__isnull=True).exists()


def test_email_opt_out_per_category(guest, host, listing, django_capture_on_commit_callbacks):
    notification_preferences_set(user=host, email_by_category={"message": False})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        thread_start_inquiry(guest=guest, listing_id=listing.pk, body="Hello")
        booking = book(guest=guest, listing=listing, start=30, nights=2)
        booking_tasks.outbox_dispatch_task.delay()
    assert Notification.objects.filter(user=host, category="message").exists()  # still in-app
    assert [m.subject for m in mail.outbox if m.to == [host.email]] == [f"New reservation: {listing.title}"]
    assert booking.pk


def test_a_failing_mail_server_keeps_the_email_pending(settings, guest, host, listing):
    thread_start_inquiry(guest=guest, listing_id=listing.pk, body="Hello")  # on_commit not run: still pending
    email = NotificationEmail.objects.get()
    settings.EMAIL_BACKEND = "tests.messaging.test_services.FailingBackend"
    with pytest.raises(SMTPException):
        notification_email_send(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == "pending"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    assert tasks.notification_emails_flush_task() == 1
    assert len(mail.outbox) == 1


# --- response rate and time ------------------------------------------------------------------------


def test_host_response_rate_and_time(host, listing):
    now = timezone.now()
    answered, ignored, fresh = (UserFactory() for _ in range(3))
    for person in (answered, ignored, fresh):
        thread_start_inquiry(guest=person, listing_id=listing.pk, body="Hello?")
    thread = Thread.objects.get(guest=answered)
    message_send(thread_id=thread.pk, sender=host, body="Hi!")
    # Spread the windows in time: answered in 30 minutes two days ago, ignored for two days, one just now.
    ReplyWindow.objects.filter(thread__guest=answered).update(
        opened_at=now - dt.timedelta(days=2), replied_at=now - dt.timedelta(days=2) + dt.timedelta(minutes=30)
    )
    ReplyWindow.objects.filter(thread__guest=ignored).update(opened_at=now - dt.timedelta(days=2))
    untouched = UserFactory(response_rate=Decimal("0.8"), response_time_minutes=90)

    assert host_response_stats_update(now=now) == 1
    host.refresh_from_db()
    assert host.response_rate == Decimal("0.500") and host.response_time_minutes == 30  # "fresh" not decided yet
    untouched.refresh_from_db()
    assert (untouched.response_rate, untouched.response_time_minutes) == (Decimal("0.800"), 90)
    assert tasks.host_response_stats_task() == 0  # unchanged figures are not rewritten
    assert User.objects.get(pk=host.pk).response_rate == Decimal("0.500")


def test_parallel_sends_respect_the_limit_and_keep_counters_exact(transactional_db, settings, guest, listing):
    import threading

    from django.db import connection

    settings.MESSAGING_RATE_PER_MINUTE = 4
    thread = thread_start_inquiry(guest=guest, listing_id=listing.pk, body="First")
    barrier = threading.Barrier(6)
    outcomes = []

    def send(n):
        try:
            barrier.wait()
            message_send(thread_id=thread.pk, sender=guest, body=f"parallel {n}")
            outcomes.append("sent")
        except RateLimited:
            outcomes.append("limited")
        finally:
            connection.close()

    workers = [threading.Thread(target=send, args=(n,)) for n in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(outcomes) == ["limited"] * 3 + ["sent"] * 3
    thread.refresh_from_db()
    assert Message.objects.filter(thread=thread).count() == 4 == thread.host_unread
    assert thread.last_message_id == Message.objects.filter(thread=thread).latest("pk").pk
