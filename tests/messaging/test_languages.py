"""Messaging in the reader's language and time zone (docs/languages.md).

A conversation has two readers: its system lines are stored as what happened (kind + parameters)
and rendered per reader, on the page and in the API. Notifications and emails have one reader,
their recipient, and are written in the recipient's language whatever language caused them.
Message times reach the browser as ISO UTC, with a UTC fallback, for static/js/localtime.js.
"""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from bookings import tasks as booking_tasks
from messaging.models import Message, Notification, NotificationEmail, Thread
from messaging.selectors import thread_messages_for
from tests.bookings.helpers import book
from tests.conftest import bearer_client
from tests.listings.factories import ListingFactory
from tests.platform.test_i18n import english_left, english_phrases

SHIPPED = [code for code, _name in settings.LANGUAGES if code != "en"]


@pytest.fixture
def german_host(host):
    host.language = "de"
    host.save(update_fields=["language"])
    return host


@pytest.fixture
def english_guest(guest):
    guest.language = "en"
    guest.save(update_fields=["language"])
    return guest


def dispatch(capture):
    with capture(execute=True):
        booking_tasks.outbox_dispatch_task()


def page(user, url: str, accept: str = "en") -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE=accept)
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_german_host_and_an_english_guest_each_read_the_booking_lines_in_their_language(
    german_host, english_guest, django_capture_on_commit_callbacks
):
    listing = ListingFactory(host=german_host, instant_book=True, title="Kanal-Loft")
    booking = book(guest=english_guest, listing=listing, start=10, nights=3, guests=2)
    dispatch(django_capture_on_commit_callbacks)
    thread = Thread.objects.get(guest=english_guest, listing=listing)
    [line] = Message.objects.filter(thread=thread)
    # Stored as what happened; the body keeps the English.
    assert line.system_kind == "booking.confirmed" and line.system_params["reference"] == booking.reference
    assert line.body.startswith("Reservation confirmed: ")

    url = reverse("messaging:thread", args=[thread.pk])
    host_page = page(german_host, url)  # the saved language wins over the browser's
    guest_page = page(english_guest, url, accept="de")
    assert "Buchung bestätigt: " in host_page and f"2 Gäste. Buchungsnummer {booking.reference}." in host_page
    assert "Reservation confirmed" not in host_page
    assert "Reservation confirmed: " in guest_page and f"2 guests. Reference {booking.reference}." in guest_page
    # Dates in the reader's language too: German day and month names on the host's page.
    with translation.override("de"):
        from django.utils.formats import date_format

        assert date_format(booking.check_in, "D d M") in host_page

    # The API says the same per reader (Accept-Language for Bearer clients).
    api = bearer_client(german_host)
    body = api.get(f"/api/v1/threads/{thread.pk}/messages/", HTTP_ACCEPT_LANGUAGE="de").json()
    assert any(m["body"].startswith("Buchung bestätigt") for m in body["results"])
    english = bearer_client(english_guest).get(f"/api/v1/threads/{thread.pk}/messages/").json()
    assert any(m["body"].startswith("Reservation confirmed") for m in english["results"])


@pytest.mark.parametrize("language", SHIPPED)
def test_every_system_line_of_a_thread_reads_in_each_language(
    language, guest, host, django_capture_on_commit_callbacks
):
    from bookings.services.booking import booking_accept

    listing = ListingFactory(host=host, instant_book=False, title="Kanal-Loft")
    booking = book(guest=guest, listing=listing, start=20, nights=2, guests=1)
    dispatch(django_capture_on_commit_callbacks)
    booking_accept(booking_id=booking.pk, host=host)
    dispatch(django_capture_on_commit_callbacks)
    thread = Thread.objects.get(guest=guest, listing=listing)
    with translation.override(language):
        lines = [v.body for v in thread_messages_for(thread=thread, viewer=host) if v.is_system]
    assert len(lines) == 2
    phrases = english_phrases(language)
    assert english_left(" ".join(lines), phrases) == []
    assert not any("requested to book" in line or "Reservation confirmed" in line for line in lines)
    with translation.override("en"):
        english = [v.body for v in thread_messages_for(thread=thread, viewer=host) if v.is_system]
    assert "requested to book" in english[0] and "for 1 guest." in english[0]


def test_lines_stored_before_kinds_existed_are_shown_as_written(guest, host, listing):
    thread = Thread.objects.create(guest=guest, host=host, listing=listing)
    Message.objects.create(thread=thread, sender=None, body="Reservation confirmed: old line. Reference ABC123.")
    with translation.override("de"):
        [view] = thread_messages_for(thread=thread, viewer=host)
    assert view.body == "Reservation confirmed: old line. Reference ABC123."


def test_the_host_gets_german_and_the_guest_english_notifications_and_emails(
    german_host, english_guest, django_capture_on_commit_callbacks
):
    listing = ListingFactory(host=german_host, instant_book=True, title="Kanal-Loft")
    mail.outbox.clear()
    with translation.override("en"):  # the guest's request is in English
        booking = book(guest=english_guest, listing=listing, start=10, nights=2, guests=2)
    translation.activate("fr")  # a worker in some other language must not matter
    dispatch(django_capture_on_commit_callbacks)
    translation.deactivate()
    host_email = next(m for m in mail.outbox if m.to == [german_host.email])
    guest_email = next(m for m in mail.outbox if m.to == [english_guest.email])
    assert host_email.subject == "Neue Buchung: Kanal-Loft"
    assert f"Buchung {booking.reference} in Kanal-Loft" in host_email.body
    assert host_email.body.startswith("Hallo ")  # the wrapper in German too
    assert "Benachrichtigungen zu „Buchungen“" in host_email.body  # the category as German writes it
    assert "2 Gäste" in host_email.body and "Gast: " in host_email.body
    assert guest_email.subject == "Booking confirmed: Kanal-Loft"
    assert "Hi " in guest_email.body and "2 guests" in guest_email.body and "Host: " in guest_email.body
    assert "because bookings notifications are on" in guest_email.body
    host_note = Notification.objects.get(user=german_host)
    assert host_note.title == "Neue Buchung: Kanal-Loft" and "Status: " in host_note.body
    assert Notification.objects.get(user=english_guest).title == "Booking confirmed: Kanal-Loft"
    assert NotificationEmail.objects.filter(status="sent").count() == 2


@pytest.mark.parametrize("language", SHIPPED)
def test_the_notification_email_is_written_in_the_recipients_language(
    language, guest, host, django_capture_on_commit_callbacks
):
    host.language = language
    host.save(update_fields=["language"])
    listing = ListingFactory(host=host, instant_book=True, title="Kanal-Loft")
    mail.outbox.clear()
    book(guest=guest, listing=listing, start=10, nights=2)
    dispatch(django_capture_on_commit_callbacks)
    [email] = [m for m in mail.outbox if m.to == [host.email]]
    phrases = english_phrases(language)
    text = " ".join(f"{email.subject}\n{email.body}".split())
    assert english_left(text, phrases) == [], text
    with translation.override(language):
        from django.utils.translation import gettext

        assert email.subject == gettext("New reservation: %(listing)s") % {"listing": "Kanal-Loft"}


def test_message_notifications_follow_the_recipients_language_and_plural(guest, german_host, listing, settings):
    from messaging.services.threads import message_send, thread_start_inquiry

    listing.host = german_host
    listing.save(update_fields=["host"])
    thread = thread_start_inquiry(guest=guest, listing_id=listing.pk, body="Hello!")
    note = Notification.objects.get(user=german_host)
    assert note.title == "Neue Nachricht von Gina" and note.body.startswith("Zu ")
    message_send(thread_id=thread.pk, sender=guest, body="Still there?")
    note.refresh_from_db()
    assert note.title == "2 neue Nachrichten von Gina"


def test_message_times_are_iso_utc_with_a_utc_fallback_and_the_local_time_script(guest, host, listing):
    from messaging.services.threads import thread_start_inquiry

    thread = thread_start_inquiry(guest=guest, listing_id=listing.pk, body="Hello!")
    html = page(guest, reverse("messaging:thread", args=[thread.pk]), accept="nb")
    match = re.search(r'<time datetime="([^"]+)" data-local-time="datetime">([^<]+)</time>', html)
    assert match, html
    assert match[1].endswith("+00:00") and match[2].endswith(" UTC")
    assert "js/localtime.js" in html
    inbox = page(guest, reverse("messaging:inbox"))
    assert 'data-local-time="date"' in inbox and "js/localtime.js" in inbox


def test_flash_messages_and_api_errors_follow_the_request_language(guest, host, listing):
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(guest)
    response = client.post(reverse("messaging:notification_settings"), {"message": "on"}, follow=True)
    assert "Vos paramètres de notification sont enregistrés." in response.content.decode()
    api = bearer_client(guest)
    answer = api.post("/api/v1/threads/999999/messages/", {"body": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="es")
    assert answer.status_code == 404 and answer.json()["error"]["message"] in (
        "No hay ninguna conversación con este id.",
        "No hay ninguna conversación aquí.",
    )
    english = api.post("/api/v1/threads/999999/messages/", {"body": "x"}, format="json")
    assert english.json()["error"]["message"].startswith("No conversation")


def test_a_reason_the_code_wrote_is_translated_for_the_recipient(guest, host, django_capture_on_commit_callbacks):
    from listings.services.listing import listing_unlist

    guest.language = "es"
    guest.save(update_fields=["language"])
    listing = ListingFactory(host=host, instant_book=False, title="Kanal-Loft")
    book(guest=guest, listing=listing, start=20, nights=2)
    dispatch(django_capture_on_commit_callbacks)
    mail.outbox.clear()
    listing_unlist(listing=listing, actor=host, cancel_upcoming=True)
    dispatch(django_capture_on_commit_callbacks)
    [email] = [m for m in mail.outbox if m.to == [guest.email]]
    assert email.subject == "Tu solicitud ha sido rechazada: Kanal-Loft"
    assert "Nota: El anfitrión ha retirado este alojamiento." in email.body
