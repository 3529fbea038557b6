"""Names carry no control characters: they are shown to others and go into email subjects."""

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import User
from messaging.models import NotificationCategory, NotificationEmail
from messaging.services.notifications import notification_email_send
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["Ann\r\nBcc: all@example.com", "Ann\x00", "Tab\tbed"])
def test_register_and_profile_api_refuse_control_characters(api_client, user_api, user, name):
    response = api_client.post(
        "/api/v1/auth/register/",
        {"email": "new@example.com", "password": "a-long-password-1", "first_name": name},
        format="json",
    )
    assert response.status_code == 400
    assert "first_name" in response.json()["error"]["fields"]
    assert not User.objects.filter(email="new@example.com").exists()
    response = user_api.patch("/api/v1/me/", {"last_name": name}, format="json")
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.last_name != name


def test_sign_up_page_refuses_a_name_with_a_line_break(client):
    response = client.post(
        "/accounts/signup/",
        {"first_name": "Ann\r\nX", "email": "ann@example.com", "password": "a-long-password-1"},
    )
    assert response.status_code == 200
    assert "no line breaks" in response.content.decode()
    assert not User.objects.filter(email="ann@example.com").exists()


def test_a_subject_with_a_line_break_is_sent_on_one_line(settings):
    """Rows written before names were validated must still go out (and never inject headers)."""
    user = UserFactory()
    email = NotificationEmail.objects.create(
        user=user,
        category=NotificationCategory.values[0],
        subject="New message from Ann\r\nBcc: all@example.com",
        body="Hello",
        send_after=timezone.now(),
    )
    assert notification_email_send(email_id=email.pk) is True
    assert mail.outbox[-1].subject == "New message from Ann Bcc: all@example.com"
    assert "Bcc" not in mail.outbox[-1].message().get("Bcc", "")
