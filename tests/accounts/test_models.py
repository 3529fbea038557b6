import pytest
from django.db import IntegrityError

from accounts.models import User, avatar_upload_to
from tests.accounts.factories import UserFactory


def test_avatar_path_never_uses_the_client_file_name():
    path = avatar_upload_to(User(), "Jane Doe passport scan.PNG")
    assert path.startswith("avatars/") and path.endswith(".png")
    assert "Jane" not in path and "passport" not in path
    assert avatar_upload_to(User(), "evil.html").endswith(".img")


def test_display_name_never_reveals_the_email():
    assert User(email="jane.doe@example.com", first_name="").display_name == "Airbnb member"
    assert User(email="jane.doe@example.com", first_name="Jane").display_name == "Jane"


@pytest.mark.django_db
def test_email_is_unique_case_insensitively_in_the_database():
    UserFactory(email="ana@example.com")
    with pytest.raises(IntegrityError):
        User.objects.create(email="ANA@example.com")


@pytest.mark.django_db
def test_create_user_normalises_email():
    user = User.objects.create_user(email="Ana.Lopez@EXAMPLE.com", password="x-long-password-1")
    assert user.email == "ana.lopez@example.com"
    assert user.check_password("x-long-password-1")
