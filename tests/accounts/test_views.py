"""Account pages: sign-up, log in/out, password change, profile edit and the public profile."""

import io
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from accounts.models import User
from listings.models import ListingStatus
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.listings.factories import ListingFactory

pytestmark = pytest.mark.django_db

STRONG_PASSWORD = "violet-lantern-harbour-42"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png_bytes(size=(4, 4)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def signup(client, **overrides):
    data = {"first_name": "Ana", "last_name": "Silva", "email": "ana@example.com", "password": STRONG_PASSWORD}
    return client.post("/accounts/signup/", {**data, **overrides})


def logged_in_user_id(client) -> str | None:
    return client.session.get(SESSION_KEY)


# --- Sign-up --------------------------------------------------------------------------


def test_signup_creates_user_and_logs_in(client):
    response = signup(client, email="Ana@Example.com")
    assert response.status_code == 302
    assert response["Location"] == "/"
    user = User.objects.get()
    assert user.email == "ana@example.com"
    assert user.check_password(STRONG_PASSWORD)
    assert logged_in_user_id(client) == str(user.pk)
    home = client.get("/")
    assert "Welcome, Ana! Your account is ready." in home.content.decode()
    assert 'role="status"' in home.content.decode()


def test_signup_with_taken_email_shows_inline_error_and_creates_nothing(client):
    UserFactory(email="ana@example.com")
    response = signup(client, email="ANA@example.com")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<div class="field__error" id="id_email_error">' in html
    assert "An account with this email already exists." in html
    email_input = re.search(r'<input[^>]*name="email"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in email_input
    assert 'aria-describedby="id_email_error"' in email_input
    assert User.objects.count() == 1
    assert logged_in_user_id(client) is None


def test_signup_rejects_weak_password_inline(client):
    response = signup(client, password="password1")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_password_error"' in html
    assert "This password is too short." in html or "This password is too common." in html
    password_input = re.search(r'<input[^>]*name="password"[^>]*>', html).group(0)
    assert 'aria-describedby="id_password_helptext id_password_error"' in password_input
    assert 'value="password1"' not in html  # passwords are never echoed back
    assert not User.objects.exists()


def test_signup_page_redirects_when_already_logged_in(client, user):
    client.force_login(user)
    assert client.get("/accounts/signup/").status_code == 302


# --- Log in and log out ---------------------------------------------------------------


def test_login_with_email_in_any_case(client):
    user = UserFactory(email="mira@example.com")
    response = client.post("/accounts/login/", {"username": "Mira@Example.COM", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert logged_in_user_id(client) == str(user.pk)


def test_login_follows_safe_next_only(client, user):
    response = client.post(
        "/accounts/login/?next=/accounts/profile/", {"username": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response["Location"] == "/accounts/profile/"
    client.logout()
    response = client.post(
        "/accounts/login/?next=https://evil.example/", {"username": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response["Location"] == "/"


def test_login_with_wrong_password_shows_error(client, user):
    response = client.post("/accounts/login/", {"username": user.email, "password": "not-the-password"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please enter a correct email address and password." in html
    assert 'role="alert"' in html
    assert logged_in_user_id(client) is None


def test_logout_is_post_only_and_needs_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    assert client.get("/accounts/logout/").status_code == 405
    assert logged_in_user_id(client) == str(user.pk)

    rejected = client.post("/accounts/logout/")
    assert rejected.status_code == 403
    assert "That form had expired" in rejected.content.decode()
    assert logged_in_user_id(client) == str(user.pk)

    page = client.get("/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert logged_in_user_id(client) is None


# --- Password change --------------------------------------------------------------------


def test_password_change_replaces_the_old_password(client, user):
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {"old_password": DEFAULT_PASSWORD, "new_password1": STRONG_PASSWORD, "new_password2": STRONG_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    assert logged_in_user_id(client) == str(user.pk)  # the session survives the change

    fresh = Client()
    assert not fresh.login(username=user.email, password=DEFAULT_PASSWORD)
    assert fresh.login(username=user.email, password=STRONG_PASSWORD)


def test_password_change_with_wrong_old_password_is_inline_error(client, user):
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {"old_password": "wrong-one", "new_password1": STRONG_PASSWORD, "new_password2": STRONG_PASSWORD},
    )
    assert response.status_code == 200
    assert 'id="id_old_password_error"' in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_password_change_requires_login(client):
    response = client.get("/accounts/password/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- Profile edit ----------------------------------------------------------------------


def test_profile_edit_requires_login(client):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/profile/"


def test_profile_edit_saves_languages_and_avatar(client, user):
    client.force_login(user)
    response = client.post(
        "/accounts/profile/",
        {
            "first_name": "Lea",
            "last_name": "Roux",
            "about": "Cyclist and cook.",
            "phone": "",
            "languages": "Français, English , ",
            "avatar": SimpleUploadedFile("me.png", png_bytes(), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.languages == ["Français", "English"]
    assert user.about == "Cyclist and cook."
    assert user.avatar.name.endswith(".png")
    with Image.open(user.avatar.path) as stored:
        assert stored.size == (4, 4)

    page = client.get("/accounts/profile/").content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert f'src="{user.avatar.url}" alt="Your current profile photo"' in page
    assert 'value="Français, English"' in page
    assert "Profile saved." in page


def test_profile_edit_rejects_text_disguised_as_png(client, user):
    client.force_login(user)
    fake = SimpleUploadedFile("avatar.png", b"just some text, not an image", content_type="image/png")
    response = client.post(
        "/accounts/profile/", {"first_name": "Lea", "last_name": "", "about": "", "phone": "", "avatar": fake}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_avatar_error"' in html
    assert "Upload a valid image." in html
    user.refresh_from_db()
    assert not user.avatar


# --- Public profile ---------------------------------------------------------------------


def test_public_profile_lists_published_listings_only(client):
    host = UserFactory(first_name="Tomas", is_superhost=True, about="Architect.")
    ListingFactory(host=host, title="Published treehouse")
    ListingFactory(host=host, title="Draft bungalow", status=ListingStatus.DRAFT)
    ListingFactory(title="Someone else's flat")
    response = client.get(f"/accounts/users/{host.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tomas" in html and "Architect." in html and "Superhost" in html
    assert f"Joined in {host.date_joined:%B %Y}" in html
    assert "Published treehouse" in html
    assert "Draft bungalow" not in html
    assert "Someone else" not in html
    assert host.email not in html


def test_public_profile_of_inactive_user_is_404(client):
    host = UserFactory(is_active=False)
    assert client.get(f"/accounts/users/{host.pk}/").status_code == 404
