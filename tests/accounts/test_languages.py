"""Sign-up, log-in and profile messages in the request's language; English stays the default."""

from html import unescape

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.accounts.factories import UserFactory
from tests.platform.test_i18n import english_left, english_phrases, visible_text

SHIPPED = [code for code, _name in settings.LANGUAGES if code != "en"]


def expected(language: str, msgid: str) -> str:
    with translation.override(language):
        return gettext(msgid)


@pytest.mark.parametrize("language", SHIPPED)
def test_signup_errors_are_in_the_visitors_language(db, language):
    UserFactory(email="ana@example.com")
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    bad_name = client.post(
        reverse("accounts:signup"), {"first_name": "Ana\nBcc", "email": "new@example.com", "password": "x"}
    )
    assert expected(language, "Use letters, spaces and punctuation only (no line breaks).") in unescape(
        bad_name.content.decode()
    )
    response = client.post(
        reverse("accounts:signup"),
        {"first_name": "Ana", "email": "ana@example.com", "password": "a-long-enough-passphrase"},
    )
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert expected(language, "An account with this email already exists.") in html
    assert "An account with this email already exists." not in html
    assert english_left(visible_text(response.content.decode()), english_phrases(language)) == []


@pytest.mark.parametrize("language", SHIPPED)
def test_profile_errors_and_flash_are_in_the_users_language(db, language):
    user = UserFactory(first_name="Gina", language=language)
    client = Client()
    client.force_login(user)
    form = client.get(reverse("accounts:profile_edit")).content.decode()
    assert english_left(visible_text(form), english_phrases(language)) == []
    bad = client.post(
        reverse("accounts:profile_edit"), {"first_name": "Gina", "language": language, "languages": "x" * 50}
    )
    assert expected(language, "List at most 20 languages of up to 40 characters each.") in unescape(
        bad.content.decode()
    )
    saved = client.post(reverse("accounts:profile_edit"), {"first_name": "Gina", "language": language}, follow=True)
    assert expected(language, "Profile saved.") in unescape(saved.content.decode())


def test_api_login_error_follows_accept_language_and_english_stays_the_default(db):
    user = UserFactory()
    german = Client(HTTP_ACCEPT_LANGUAGE="de").post(
        "/api/v1/auth/token/", {"email": user.email, "password": "wrong password"}, content_type="application/json"
    )
    assert german.status_code == 400 and "E-Mail-Adresse oder Passwort ist falsch." in german.content.decode()
    english = Client().post(
        "/api/v1/auth/token/", {"email": user.email, "password": "wrong password"}, content_type="application/json"
    )
    assert "Email or password is incorrect." in english.content.decode()
