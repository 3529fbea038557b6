"""Auth API: register, token, Bearer authentication, revocation, error bodies, throttling."""

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_register_creates_user_and_returns_working_token(api_client):
    response = api_client.post(
        "/api/v1/auth/register/",
        {"email": "New.Guest@Example.com", "password": "a-long-enough-passphrase", "first_name": "Ana"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["user"]["email"] == "new.guest@example.com"
    token = response.json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    me = client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["first_name"] == "Ana"


def test_register_duplicate_email_case_insensitive_is_field_error(api_client, user):
    response = api_client.post(
        "/api/v1/auth/register/", {"email": user.email.upper(), "password": "a-long-enough-passphrase"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "validation_error"
    assert "email" in body["fields"]
    assert User.objects.filter(email__iexact=user.email).count() == 1


@pytest.mark.parametrize("password", ["short", "1234567890123", "password1234"])
def test_register_weak_password_rejected_and_nothing_saved(api_client, password):
    response = api_client.post("/api/v1/auth/register/", {"email": "weak@example.com", "password": password})
    assert response.status_code == 400
    assert "password" in response.json()["error"]["fields"]
    assert not User.objects.filter(email="weak@example.com").exists()


def test_register_malformed_body_is_400_not_500(api_client):
    response = api_client.post("/api/v1/auth/register/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_token_with_good_credentials(api_client, user):
    response = api_client.post("/api/v1/auth/token/", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    assert len(response.json()["token"]) >= 32
    assert AuthToken.objects.filter(user=user).count() == 1


def test_token_with_wrong_password_is_400_with_stable_code(api_client, user):
    response = api_client.post("/api/v1/auth/token/", {"email": user.email, "password": "wrong-password!"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert "incorrect" in response.json()["error"]["message"]
    assert not AuthToken.objects.filter(user=user).exists()


def test_inactive_user_cannot_get_token(api_client):
    inactive = UserFactory(is_active=False)
    response = api_client.post("/api/v1/auth/token/", {"email": inactive.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 400


def test_me_requires_authentication_with_json_error(api_client):
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_bad_bearer_token_is_rejected(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-real-token")
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_logout_revokes_only_that_token(user):
    _, token_a = AuthToken.objects.create(user)
    _, token_b = AuthToken.objects.create(user)
    client_a, client_b = APIClient(), APIClient()
    client_a.credentials(HTTP_AUTHORIZATION=f"Bearer {token_a}")
    client_b.credentials(HTTP_AUTHORIZATION=f"Bearer {token_b}")
    assert client_a.post("/api/v1/auth/logout/").status_code == 204
    assert client_a.get("/api/v1/me/").status_code == 401
    assert client_b.get("/api/v1/me/").status_code == 200


def test_logout_all_revokes_every_token(user):
    tokens = [AuthToken.objects.create(user)[1] for _ in range(3)]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens[0]}")
    assert client.post("/api/v1/auth/logout-all/").status_code == 204
    for token in tokens:
        probe = APIClient()
        probe.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        assert probe.get("/api/v1/me/").status_code == 401


def test_me_update_changes_own_profile_only(user_api, user, other_user):
    response = user_api.patch("/api/v1/me/", {"about": "I love hiking.", "languages": ["English", "Deutsch"]})
    assert response.status_code == 200
    user.refresh_from_db()
    other_user.refresh_from_db()
    assert user.about == "I love hiking."
    assert user.languages == ["English", "Deutsch"]
    assert other_user.about == ""


def test_me_cannot_change_email_or_superhost(user_api, user):
    user_api.patch("/api/v1/me/", {"email": "evil@example.com", "is_superhost": True})
    user.refresh_from_db()
    assert user.email != "evil@example.com"
    assert user.is_superhost is False


def test_me_rejects_too_many_languages(user_api):
    response = user_api.patch("/api/v1/me/", {"languages": [f"L{i}" for i in range(21)]})
    assert response.status_code == 400
    assert "languages" in response.json()["error"]["fields"]


def test_unknown_api_path_is_json_404(api_client):
    response = api_client.get("/api/v1/does-not-exist/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_method_not_allowed_has_error_body(api_client):
    response = api_client.get("/api/v1/auth/token/")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_auth_endpoints_are_throttled_per_ip(api_client, settings, user):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import ScopedRateThrottle

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "auth": "3/min"}
    original = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = rates
    try:
        codes = [
            api_client.post("/api/v1/auth/token/", {"email": user.email, "password": "wrong-password!"}).status_code
            for _ in range(4)
        ]
    finally:
        ScopedRateThrottle.THROTTLE_RATES = original
    assert codes[:3] == [400, 400, 400]
    assert codes[3] == 429


def test_throttle_counters_live_in_redis(api_client, user):
    """DRF throttles store their history in the default cache, which is Redis."""
    from django.core.cache import cache

    api_client.post("/api/v1/auth/token/", {"email": user.email, "password": DEFAULT_PASSWORD})
    client = cache.client.get_client()
    keys = [k.decode() for k in client.keys("airbnb-test:*throttle_auth*")]
    assert keys, "expected a throttle history key in Redis"
