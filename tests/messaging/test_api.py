"""The messaging API: threads, messages (cursor pagination), read state, notifications; 404 for outsiders."""

import pytest

from messaging.models import Message, Notification, NotificationPreference, Thread
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import book
from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def guest_api(guest):
    return bearer_client(guest)


@pytest.fixture
def host_api(host):
    return bearer_client(host)


@pytest.fixture
def thread(guest_api, listing):
    response = guest_api.post("/api/v1/threads/", {"listing": listing.pk, "body": "Hello, mail me: me@example.com"})
    assert response.status_code == 201, response.json()
    return Thread.objects.get(pk=response.json()["id"])


def test_start_list_and_read_a_thread(thread, guest_api, host_api, listing):
    listed = host_api.get("/api/v1/threads/").json()
    assert listed["count"] == 1
    row = listed["results"][0]
    assert row["role"] == "host" and row["unread"] == 1 and row["listing"]["id"] == listing.pk
    assert row["last_message"]["body"] == "Hello, mail me: [email hidden]"
    assert row["contact_details_visible"] is False
    mine = guest_api.get(f"/api/v1/threads/{thread.pk}/").json()
    assert mine["role"] == "guest" and mine["unread"] == 0
    assert mine["last_message"]["body"] == "Hello, mail me: me@example.com"

    response = host_api.post(f"/api/v1/threads/{thread.pk}/read/", {}, format="json")
    assert response.status_code == 200 and response.json() == {"unread": 0}
    assert host_api.get("/api/v1/threads/").json()["results"][0]["unread"] == 0


def test_messages_cursor_pagination_and_send(thread, guest_api, host_api, settings):
    settings.MESSAGING_RATE_PER_MINUTE = 100
    for n in range(34):
        Message.objects.create(thread=thread, sender=thread.guest, body=f"message {n}")
    first = host_api.get(f"/api/v1/threads/{thread.pk}/messages/").json()
    assert len(first["results"]) == 30 and first["results"][0]["body"] == "message 33"  # newest first
    older = host_api.get(first["next"]).json()
    assert [m["body"] for m in older["results"]][-1] == "Hello, mail me: [email hidden]" and older["next"] is None

    response = host_api.post(f"/api/v1/threads/{thread.pk}/messages/", {"body": "  Welcome!  "}, format="json")
    assert response.status_code == 201
    sent = response.json()
    assert sent["body"] == "Welcome!" and sent["sender"]["id"] == thread.host_id and sent["is_system"] is False
    assert guest_api.get("/api/v1/threads/").json()["results"][0]["unread"] == 1


@pytest.mark.parametrize("body", ["", "   ", "x" * 2001])
def test_empty_or_oversized_messages_are_400(thread, guest_api, body):
    response = guest_api.post(f"/api/v1/threads/{thread.pk}/messages/", {"body": body}, format="json")
    assert response.status_code == 400 and "body" in response.json()["error"]["fields"]
    assert Message.objects.count() == 1


def test_rate_limit_is_429(thread, guest_api, settings):
    settings.MESSAGING_RATE_PER_MINUTE = 2
    assert guest_api.post(f"/api/v1/threads/{thread.pk}/messages/", {"body": "two"}).status_code == 201
    response = guest_api.post(f"/api/v1/threads/{thread.pk}/messages/", {"body": "three"})
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited" and response.json()["error"]["retry_after"] == 60
    assert Message.objects.count() == 2


def test_outsiders_get_404_on_every_endpoint_and_nothing_changes(thread, api_client):
    outsider = bearer_client(UserFactory())
    base = f"/api/v1/threads/{thread.pk}"
    assert outsider.get("/api/v1/threads/").json()["count"] == 0
    assert outsider.get(f"{base}/").status_code == 404
    assert outsider.get(f"{base}/messages/").status_code == 404
    assert outsider.post(f"{base}/messages/", {"body": "hi"}).status_code == 404
    assert outsider.post(f"{base}/read/", {}).status_code == 404
    for method, url in (("get", "/api/v1/threads/"), ("get", f"{base}/"), ("post", f"{base}/messages/")):
        assert getattr(api_client, method)(url).status_code == 401
    thread.refresh_from_db()
    assert Message.objects.count() == 1 and thread.host_unread == 1


def test_staff_read_but_cannot_write(thread):
    staff = bearer_client(UserFactory(is_staff=True))
    base = f"/api/v1/threads/{thread.pk}"
    assert staff.get(f"{base}/messages/").json()["results"][0]["body"] == "Hello, mail me: me@example.com"
    response = staff.post(f"{base}/messages/", {"body": "Support"})
    assert response.status_code == 403 and Message.objects.count() == 1


def test_inquiry_errors(guest_api, host_api, listing):
    assert guest_api.post("/api/v1/threads/", {"listing": 999999, "body": "Hi"}).status_code == 404
    response = host_api.post("/api/v1/threads/", {"listing": listing.pk, "body": "Me"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "own_listing"
    response = guest_api.post("/api/v1/threads/", {"listing": listing.pk, "body": ""})
    assert response.status_code == 400
    assert not Thread.objects.exists()


def test_contact_details_visible_after_confirmation(thread, guest, host_api, listing):
    book(guest=guest, listing=listing, start=12, nights=2)  # instant book: confirmed
    messages = host_api.get(f"/api/v1/threads/{thread.pk}/messages/").json()["results"]
    assert messages[-1]["body"] == "Hello, mail me: me@example.com"
    assert host_api.get(f"/api/v1/threads/{thread.pk}/").json()["contact_details_visible"] is True


def test_notifications_and_preferences(thread, host_api, guest_api):
    listed = host_api.get("/api/v1/notifications/").json()
    assert listed["count"] == 1 and listed["results"][0]["category"] == "message"
    assert guest_api.get("/api/v1/notifications/").json()["count"] == 0
    other_id = listed["results"][0]["id"]
    assert guest_api.post("/api/v1/notifications/read/", {"ids": [other_id]}, format="json").json() == {"marked": 0}
    assert Notification.objects.get(pk=other_id).read_at is None
    assert host_api.post("/api/v1/notifications/read/", {}, format="json").json() == {"marked": 1}

    assert host_api.get("/api/v1/notifications/preferences/").json() == {
        "message": True,
        "booking": True,
        "review": True,
    }
    response = host_api.put("/api/v1/notifications/preferences/", {"message": False}, format="json")
    assert response.json()["message"] is False and response.json()["booking"] is True
    assert host_api.put("/api/v1/notifications/preferences/", {"sms": False}, format="json").status_code == 400
    assert NotificationPreference.objects.filter(email=False).count() == 1


def test_two_guests_of_one_listing_have_separate_threads(listing, guest_api):
    other_guest = bearer_client(UserFactory())
    guest_api.post("/api/v1/threads/", {"listing": listing.pk, "body": "A"})
    other_guest.post("/api/v1/threads/", {"listing": listing.pk, "body": "B"})
    assert Thread.objects.filter(listing=listing).count() == 2
    assert other_guest.get("/api/v1/threads/").json()["count"] == 1
