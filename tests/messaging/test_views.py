"""Messaging pages: inbox, conversation, polling, contact host, notifications; 404 for outsiders."""

import pytest
from django.test import Client
from django.urls import reverse

from messaging.models import Message, Notification, NotificationPreference, Thread
from messaging.services.threads import message_send, thread_start_inquiry
from tests.accounts.factories import UserFactory
from tests.hosttools.nav import host_nav_current
from tests.listings.factories import ListingFactory

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def thread(guest, listing):
    return thread_start_inquiry(guest=guest, listing_id=listing.pk, body="Hi <script>alert(1)</script> call 0612345678")


def test_inbox_lists_threads_with_unread_counts_without_n_plus_one(host, django_assert_max_num_queries):
    for n in range(6):
        listing = ListingFactory(host=host)
        thread = thread_start_inquiry(guest=UserFactory(), listing_id=listing.pk, body=f"Question {n}")
        message_send(thread_id=thread.pk, sender=thread.guest, body=f"Follow-up {n}")
    client = logged_in(host)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("messaging:inbox"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="count-badge"') == 6 and '2<span class="visually-hidden"> unread messages' in html
    assert "Follow-up 5" in html
    assert response.context["unread"].messages == 12


def test_host_inbox_lists_only_the_conversations_where_the_user_hosts(thread, host, guest, listing):
    own_trip = ListingFactory(host=UserFactory(first_name="Otto"), title="Somebody else's barn")
    as_guest = thread_start_inquiry(guest=host, listing_id=own_trip.pk, body="A question as a guest")
    response = logged_in(host).get(reverse("messaging:host_inbox"))
    assert response.status_code == 200
    html = response.content.decode()
    assert host_nav_current(html) == ["inbox"]
    assert f'href="/inbox/{thread.pk}/"' in html and listing.title in html
    assert f'href="/inbox/{as_guest.pk}/"' not in html and "Somebody else" not in html
    assert 'class="count-badge"' in html  # the guest's message is unread by the host
    # The guest inbox still shows both sides.
    everything = logged_in(host).get(reverse("messaging:inbox")).content.decode()
    assert f'href="/inbox/{thread.pk}/"' in everything and f'href="/inbox/{as_guest.pk}/"' in everything


def test_a_conversation_opens_in_hosting_mode_for_its_host_only(thread, host, guest):
    as_host = logged_in(host).get(reverse("messaging:thread", args=[thread.pk])).content.decode()
    assert host_nav_current(as_host) == ["inbox"]
    assert '<a href="/hosting/inbox/">' in as_host and 'class="chat"' in as_host
    as_guest = logged_in(guest).get(reverse("messaging:thread", args=[thread.pk])).content.decode()
    assert 'class="host-nav"' not in as_guest and '<a href="/inbox/">' in as_guest and 'class="chat"' in as_guest


def test_host_inbox_never_shows_another_users_threads(thread, guest):
    for user in (UserFactory(), guest):  # a stranger; the thread's guest, who hosts nothing
        client = logged_in(user)
        html = client.get(reverse("messaging:host_inbox")).content.decode()
        assert f'href="/inbox/{thread.pk}/"' not in html and "No messages from guests yet" in html
    assert logged_in(UserFactory()).get(f"/inbox/{thread.pk}/").status_code == 404
    anonymous = Client().get(reverse("messaging:host_inbox"))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_inbox_requires_login(client):
    response = client.get(reverse("messaging:inbox"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_thread_page_masks_escapes_and_marks_read(thread, host, guest):
    response = logged_in(host).get(reverse("messaging:thread", args=[thread.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert "[phone number hidden]" in html and "0612345678" not in html
    assert 'data-poll-url="/inbox/' in html and "js/messaging.js" in html
    thread.refresh_from_db()
    assert thread.host_unread == 0
    assert "0612345678" in logged_in(guest).get(reverse("messaging:thread", args=[thread.pk])).content.decode()


def test_send_from_the_page(thread, guest):
    client = logged_in(guest)
    url = reverse("messaging:thread", args=[thread.pk])
    response = client.post(url, {"body": "See you soon"})
    assert response.status_code == 302 and response["Location"].endswith("#latest")
    assert Message.objects.filter(thread=thread).count() == 2
    response = client.post(url, {"body": "   "})
    assert response.status_code == 400 and "Write a message before sending." in response.content.decode()
    response = client.post(url, {"body": "x" * 2001})
    assert response.status_code == 400 and "at most 2000 characters" in response.content.decode()
    assert Message.objects.filter(thread=thread).count() == 2


def test_rate_limited_page_send(thread, guest, settings):
    settings.MESSAGING_RATE_PER_MINUTE = 1
    response = logged_in(guest).post(reverse("messaging:thread", args=[thread.pk]), {"body": "again"})
    assert response.status_code == 429 and "too quickly" in response.content.decode()
    assert Message.objects.filter(thread=thread).count() == 1


def test_outsiders_get_404_on_every_page_and_nothing_changes(thread):
    client = logged_in(UserFactory())
    assert client.get(reverse("messaging:thread", args=[thread.pk])).status_code == 404
    assert client.post(reverse("messaging:thread", args=[thread.pk]), {"body": "hi"}).status_code == 404
    assert client.get(reverse("messaging:thread_poll", args=[thread.pk]) + "?after=0").status_code == 404
    notification = Notification.objects.get(user=thread.host)
    assert client.get(reverse("messaging:notification_open", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    thread.refresh_from_db()
    assert notification.read_at is None and thread.host_unread == 1 and Message.objects.count() == 1


def test_staff_read_only_view(thread):
    client = logged_in(UserFactory(is_staff=True))
    response = client.get(reverse("messaging:thread", args=[thread.pk]))
    assert response.status_code == 200 and "as staff" in response.content.decode()
    assert 'name="body"' not in response.content.decode()
    assert client.post(reverse("messaging:thread", args=[thread.pk]), {"body": "Support"}).status_code == 403
    thread.refresh_from_db()
    assert thread.host_unread == 1 and Message.objects.count() == 1


def test_poll_returns_new_messages_rendered_and_marks_them_read(thread, host, guest):
    first = Message.objects.get(thread=thread)
    message_send(thread_id=thread.pk, sender=guest, body="Are you there? <b>hello</b>")
    client = logged_in(host)
    data = client.get(reverse("messaging:thread_poll", args=[thread.pk]) + f"?after={first.pk}").json()
    assert len(data["messages"]) == 1 and data["last_id"] == data["messages"][0]["id"]
    assert "&lt;b&gt;hello&lt;/b&gt;" in data["messages"][0]["html"]
    thread.refresh_from_db()
    assert thread.host_unread == 0 and thread.host_read_upto == data["last_id"]  # read up to what was shown
    assert client.get(reverse("messaging:thread_poll", args=[thread.pk]) + "?after=x").status_code == 400
    empty = client.get(reverse("messaging:thread_poll", args=[thread.pk]) + f"?after={data['last_id']}").json()
    assert empty == {"messages": [], "last_id": data["last_id"]}


def test_contact_host_page(guest, listing):
    client = logged_in(guest)
    url = reverse("messaging:contact_host", args=[listing.pk])
    response = client.get(url)
    assert response.status_code == 200 and f"Contact {listing.host.display_name}" in response.content.decode()
    assert client.post(url, {"body": ""}).status_code == 400
    assert not Thread.objects.exists()
    response = client.post(url, {"body": "Is early check-in possible?"})
    thread = Thread.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == reverse("messaging:thread", args=[thread.pk]) + "#latest"
    )
    assert "open it" in client.get(url).content.decode()  # the existing conversation is offered


def test_contact_host_edge_cases(host, listing):
    response = logged_in(host).get(reverse("messaging:contact_host", args=[listing.pk]))
    assert response.status_code == 302 and response["Location"] == listing.get_absolute_url()
    draft = ListingFactory(status="draft")
    assert logged_in(UserFactory()).get(reverse("messaging:contact_host", args=[draft.pk])).status_code == 404
    response = Client().get(reverse("messaging:contact_host", args=[listing.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_notifications_page_open_and_read_all(thread, host):
    client = logged_in(host)
    response = client.get(reverse("messaging:notifications"))
    assert response.status_code == 200 and "New message from" in response.content.decode()
    assert response.context["unread"].notifications == 1
    notification = Notification.objects.get(user=host)
    response = client.get(reverse("messaging:notification_open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("messaging:thread", args=[thread.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None
    Notification.objects.create(user=host, category="booking", title="Elsewhere", url="https://evil.example/")
    evil = Notification.objects.get(title="Elsewhere")
    response = client.get(reverse("messaging:notification_open", args=[evil.pk]))
    assert response["Location"] == reverse("messaging:notifications")  # never an open redirect
    assert client.post(reverse("messaging:notifications_read_all")).status_code == 302
    assert not Notification.objects.filter(user=host, read_at__isnull=True).exists()


def test_notification_settings_page(host):
    client = logged_in(host)
    url = reverse("messaging:notification_settings")
    response = client.get(url)
    assert response.status_code == 200 and 'name="message"' in response.content.decode()
    assert "csrfmiddlewaretoken" in response.content.decode()
    response = client.post(url, {"booking": "on", "review": "on"})  # "message" unticked
    assert response.status_code == 302
    assert dict(NotificationPreference.objects.filter(user=host).values_list("category", "email")) == {
        "message": False,
        "booking": True,
        "review": True,
    }


def test_contact_host_partial_hides_itself_from_the_host(listing, host, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    html = render_to_string("messaging/_contact_host.html", {"listing": listing, "user": AnonymousUser()})
    assert reverse("messaging:contact_host", args=[listing.pk]) in html
    assert render_to_string("messaging/_contact_host.html", {"listing": listing, "user": host}).strip() == ""


def test_header_shows_unread_badges_in_one_query(thread, host, django_assert_max_num_queries):
    client = logged_in(host)
    html = client.get(reverse("messaging:notifications")).content.decode()
    assert '1<span class="visually-hidden"> unread message</span>' in html
    assert reverse("messaging:inbox") in html and reverse("reviews:to_write") in html
    from messaging.context_processors import UnreadBadges

    badges = UnreadBadges(host)
    with django_assert_max_num_queries(1):
        assert (badges.messages, badges.notifications) == (1, 1)


def test_message_the_guest_from_a_reservation_opens_the_bookings_conversation(host, guest, listing):
    from bookings.models import Booking
    from tests.bookings.helpers import book

    booking = book(guest=guest, listing=listing, start=10, nights=2)
    assert not Thread.objects.filter(guest=guest, listing=listing).exists()  # the outbox has not run yet
    detail = logged_in(host).get(reverse("bookings:host_reservation_detail", args=[booking.pk])).content.decode()
    link = reverse("messaging:booking_thread", args=[booking.pk])
    assert f'href="{link}"' in detail and "Message Gina" in detail

    as_host = logged_in(host).get(link)
    thread = Thread.objects.get(guest=guest, listing=listing)
    assert as_host.status_code == 302 and as_host["Location"] == reverse("messaging:thread", args=[thread.pk])
    assert thread.booking_id == booking.pk
    # The guest reaches the same conversation; nobody else learns it exists.
    assert logged_in(guest).get(link)["Location"] == as_host["Location"]
    assert logged_in(UserFactory()).get(link).status_code == 404
    assert logged_in(host).get(reverse("messaging:booking_thread", args=[booking.pk + 999])).status_code == 404
    assert Thread.objects.filter(guest=guest, listing=listing).count() == 1
    assert Booking.objects.count() == 1


def test_host_pages_show_flash_messages_under_the_host_navigation(host, guest, listing):
    from tests.bookings.helpers import book

    booking = book(guest=guest, listing=listing, start=10, nights=2)
    client = logged_in(host)
    response = client.post(
        reverse("bookings:host_cancel", args=[booking.pk]), {"reason": "Boiler broke", "confirm": "on"}, follow=True
    )
    html = response.content.decode()
    assert 'class="container messages"' in html, "no flash message after the host's action"
    assert html.index('class="host-nav"') < html.index('class="container messages"') < html.index("<h1")


def test_inbox_and_notifications_page_newest_first_with_newer_and_older_links(guest, settings):
    settings.MESSAGING_RATE_PER_MINUTE = settings.MESSAGING_RATE_PER_HOUR = 1000
    from messaging.models import NotificationCategory
    from messaging.services.notifications import notify

    for index in range(21):  # inbox pages hold 20 threads
        thread_start_inquiry(guest=guest, listing_id=ListingFactory().pk, body=f"Question {index}")
    for index in range(31 - Notification.objects.filter(user=guest).count()):  # notification pages hold 30
        notify(user=guest, category=NotificationCategory.BOOKING, title=f"Event {index}")
    client = logged_in(guest)
    for url, label in (
        (reverse("messaging:inbox"), "Inbox pages"),
        (reverse("messaging:notifications"), "Notification pages"),
    ):
        first = client.get(url).content.decode()
        assert f'aria-label="{label}"' in first and 'rel="next"' in first and 'rel="prev"' not in first
        second = client.get(url, {"page": 2}).content.decode()
        assert "Page 2 of 2" in second and 'href="?page=1"' in second and 'rel="next"' not in second
