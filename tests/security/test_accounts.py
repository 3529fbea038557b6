"""Log-in security: brute-force throttling, password rules, session fixation, headers, production settings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 5


@pytest.fixture(autouse=True)
def _login_throttle(settings):
    settings.LOGIN_FAILURE_LIMIT = LIMIT
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 600


@pytest.fixture
def account(db):
    return UserFactory(email="ana@example.com")


def web_login(client, password, email="ana@example.com", ip="203.0.113.7"):
    return client.post("/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=ip)


def api_login(password, email="ana@example.com", ip="203.0.113.7"):
    return APIClient().post("/api/v1/auth/token/", {"email": email, "password": password}, REMOTE_ADDR=ip)


# --- Brute force: the web log-in page --------------------------------------------------------


def test_web_login_is_refused_with_429_after_repeated_failures_even_with_the_right_password(account):
    client = Client()
    for _ in range(LIMIT):
        response = web_login(client, "wrong-password-1")
        assert response.status_code == 200
        assert "Please enter a correct" in response.content.decode()
    blocked = web_login(client, DEFAULT_PASSWORD)
    assert blocked.status_code == 429
    assert "Too many failed log-in attempts" in blocked.content.decode()
    assert "try again in 10 minutes" in blocked.content.decode()
    assert SESSION_KEY not in client.session


def test_web_throttle_is_per_account_and_ip_so_others_are_not_locked_out(account):
    UserFactory(email="bob@example.com")
    for _ in range(LIMIT):
        web_login(Client(), "wrong-password-1")
    assert web_login(Client(), DEFAULT_PASSWORD).status_code == 429
    # The same account from another address, and another account from the same address.
    assert web_login(Client(), DEFAULT_PASSWORD, ip="198.51.100.4").status_code == 302
    assert web_login(Client(), DEFAULT_PASSWORD, email="bob@example.com").status_code == 302


def test_web_login_works_again_after_the_window(account, settings):
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 1
    for _ in range(LIMIT):
        web_login(Client(), "wrong-password-1")
    assert web_login(Client(), DEFAULT_PASSWORD).status_code == 429
    time.sleep(1.2)
    client = Client()
    response = web_login(client, DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(account.pk)


def test_a_successful_login_resets_the_failure_count(account):
    for _ in range(LIMIT - 1):
        web_login(Client(), "wrong-password-1")
    assert web_login(Client(), DEFAULT_PASSWORD).status_code == 302
    for _ in range(LIMIT - 1):
        assert web_login(Client(), "wrong-password-1").status_code == 200
    assert web_login(Client(), DEFAULT_PASSWORD).status_code == 302


def test_email_case_does_not_bypass_the_throttle(account):
    for index in range(LIMIT):
        web_login(Client(), "wrong-password-1", email="ANA@example.com" if index % 2 else "ana@EXAMPLE.com")
    assert web_login(Client(), DEFAULT_PASSWORD).status_code == 429


# --- Brute force: the auth API --------------------------------------------------------------


def test_api_token_is_refused_with_429_after_repeated_failures(account):
    for _ in range(LIMIT):
        response = api_login("wrong-password-1")
        assert response.status_code == 400
        assert "Email or password is incorrect." in str(response.json()["error"])
    blocked = api_login(DEFAULT_PASSWORD)
    assert blocked.status_code == 429
    error = blocked.json()["error"]
    assert error["code"] == "throttled"
    assert "Too many failed log-in attempts" in error["message"]
    assert 0 < error["retry_after"] <= 600
    assert int(blocked["Retry-After"]) == error["retry_after"]
    assert api_login(DEFAULT_PASSWORD, ip="198.51.100.4").status_code == 200


def test_web_and_api_failures_share_one_counter(account):
    for index in range(LIMIT):
        if index % 2:
            web_login(Client(), "wrong-password-1")
        else:
            api_login("wrong-password-1")
    assert api_login(DEFAULT_PASSWORD).status_code == 429
    assert web_login(Client(), DEFAULT_PASSWORD).status_code == 429


def test_api_login_works_again_after_the_window(account, settings):
    # A window a loaded machine cannot outrun: five failed log-ins took a second under a parallel suite.
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 4
    for _ in range(LIMIT):
        api_login("wrong-password-1")
    assert api_login(DEFAULT_PASSWORD).status_code == 429
    time.sleep(4.2)
    assert api_login(DEFAULT_PASSWORD).status_code == 200


def test_login_keeps_working_when_redis_is_down(account, settings):
    """The cache ignores connection errors: no throttling, but no 500 and no lock-out either."""
    settings.CACHES = {
        "default": {
            **django_settings.CACHES["default"],
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {**django_settings.CACHES["default"]["OPTIONS"], "SOCKET_CONNECT_TIMEOUT": 0.2},
        }
    }
    for _ in range(LIMIT + 2):
        assert web_login(Client(), "wrong-password-1").status_code == 200
        assert api_login("wrong-password-1").status_code == 400
    client = Client()
    assert web_login(client, DEFAULT_PASSWORD).status_code == 302
    assert client.session[SESSION_KEY] == str(account.pk)
    assert api_login(DEFAULT_PASSWORD).status_code == 200


# --- Password rules ---------------------------------------------------------------------------

WEAK = {
    "short1!": "This password is too short. It must contain at least 10 characters.",
    "password123": "This password is too common.",
    "4815162342108": "This password is entirely numeric.",
    "ana.silva@example.com": "The password is too similar to the email address.",
}


@pytest.mark.parametrize("password", WEAK)
def test_signup_page_refuses_weak_passwords_with_the_rule_broken(client, password):
    data = {"first_name": "Ana", "last_name": "Silva", "email": "ana.silva@example.com", "password": password}
    response = client.post("/accounts/signup/", data)
    assert response.status_code == 200
    assert WEAK[password] in response.content.decode()
    assert not User.objects.filter(email="ana.silva@example.com").exists()


@pytest.mark.parametrize("password", WEAK)
def test_register_api_refuses_weak_passwords_with_the_rule_broken(password):
    response = APIClient().post(
        "/api/v1/auth/register/", {"email": "ana.silva@example.com", "password": password, "first_name": "Ana"}
    )
    assert response.status_code == 400
    assert WEAK[password] in response.json()["error"]["fields"]["password"]
    assert not User.objects.filter(email="ana.silva@example.com").exists()


def test_password_change_applies_the_same_rules(account):
    client = Client()
    client.force_login(account)
    response = client.post(
        "/accounts/password/",
        {"old_password": DEFAULT_PASSWORD, "new_password1": "password123", "new_password2": "password123"},
    )
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    account.refresh_from_db()
    assert account.check_password(DEFAULT_PASSWORD)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "not-my-password",
            "new_password1": "violet-lantern-42x",
            "new_password2": "violet-lantern-42x",
        },
    )
    assert response.status_code == 200
    account.refresh_from_db()
    assert account.check_password(DEFAULT_PASSWORD)


def test_password_change_keeps_this_session_and_ends_the_others(account):
    here, elsewhere = Client(), Client()
    assert web_login(here, DEFAULT_PASSWORD).status_code == 302
    assert web_login(elsewhere, DEFAULT_PASSWORD, ip="198.51.100.9").status_code == 302
    response = here.post(
        "/accounts/password/",
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": "violet-lantern-42x",
            "new_password2": "violet-lantern-42x",
        },
    )
    assert response.status_code == 302
    assert here.get("/trips/").status_code == 200
    assert elsewhere.get("/trips/").status_code == 302  # its session hash no longer matches


# --- Sessions -------------------------------------------------------------------------------


def test_login_rotates_the_session_key(account):
    client = Client()
    client.get("/accounts/login/")
    session = client.session
    session["planted"] = "by an attacker"
    session.save()
    planted_key = session.session_key
    client.cookies["sessionid"] = planted_key
    assert web_login(client, DEFAULT_PASSWORD).status_code == 302
    new_key = client.cookies["sessionid"].value
    assert new_key != planted_key
    assert not Session.objects.filter(session_key=planted_key).exists()
    # The attacker holding the planted key is not logged in.
    attacker = Client()
    attacker.cookies["sessionid"] = planted_key
    assert attacker.get("/trips/").status_code == 302


def test_logout_invalidates_the_session_server_side(account):
    client = Client()
    web_login(client, DEFAULT_PASSWORD)
    stolen = client.cookies["sessionid"].value
    assert client.post("/accounts/logout/").status_code == 302
    assert not Session.objects.filter(session_key=stolen).exists()
    replay = Client()
    replay.cookies["sessionid"] = stolen
    assert replay.get("/trips/").status_code == 302
    assert client.get("/trips/").status_code == 302


def test_logout_by_get_is_refused(account):
    """A GET (an <img src>) must not log people out: Django's LogoutView takes POST only."""
    client = Client()
    web_login(client, DEFAULT_PASSWORD)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/trips/").status_code == 200


def test_session_cookie_is_http_only_and_same_site(account):
    client = Client()
    web_login(client, DEFAULT_PASSWORD)
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


# --- Headers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/search/", "/api/v1/amenities/", "/no-such-page/"])
def test_responses_carry_the_security_headers(client, url):
    response = client.get(url)
    assert response.status_code in (200, 404)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def _prod_env(**extra) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "airbnb.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "stays.example.com,www.stays.example.com",
        "CSRF_TRUSTED_ORIGINS": "https://stays.example.com,https://www.stays.example.com",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgis://airbnb:airbnb@127.0.0.1:54329/airbnb"),
        "REDIS_URL": "redis://127.0.0.1:63799/0",
        "PAYMENT_GATEWAY": "stripe",
        "STRIPE_SECRET_KEY": "sk_live_" + secrets.token_hex(12),
        "STRIPE_PUBLISHABLE_KEY": "pk_live_" + secrets.token_hex(12),
        "STRIPE_WEBHOOK_SECRET": "whsec_" + secrets.token_hex(16),
        "AWS_STORAGE_BUCKET_NAME": "stays-media",
        "AWS_S3_REGION_NAME": "eu-west-1",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "SITE_URL": "https://stays.example.com",
        "DEBUG": "true",  # must be overridden by prod
    }
    env.update(extra)
    return env


def test_check_deploy_is_clean_with_a_realistic_production_environment():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_prod_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


PROD_PROBE = """
import django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
assert settings.DEBUG is False
# The hashed-static manifest needs collectstatic; headers and cookies do not depend on it.
override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
client = Client(HTTP_HOST="stays.example.com")
plain = client.get("/accounts/login/")
print("redirect", plain.status_code, plain.get("Location"))
secure = client.get("/accounts/login/", secure=True)
print("status", secure.status_code)
print("hsts", secure.get("Strict-Transport-Security"))
print("csrf_cookie_secure", bool(secure.cookies["csrftoken"]["secure"]))
print("session_cookie_secure", settings.SESSION_COOKIE_SECURE)
print("csp", secure.get("Content-Security-Policy"))
print("bad_host", client.get("/", HTTP_HOST="evil.example.net", secure=True).status_code)
"""


def test_production_responses_use_https_hsts_and_secure_cookies():
    result = subprocess.run(
        [sys.executable, "-c", PROD_PROBE], cwd=ROOT, env=_prod_env(), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.strip().splitlines())
    assert lines["redirect"] == "301 https://stays.example.com/accounts/login/"
    assert lines["status"] == "200"
    assert lines["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert lines["csrf_cookie_secure"] == "True"
    assert lines["session_cookie_secure"] == "True"
    assert "https://stays-media.s3.amazonaws.com" in lines["csp"]
    assert "frame-ancestors 'none'" in lines["csp"]
    assert lines["bad_host"] == "400"
