"""The client address behind reverse proxies (``TRUSTED_PROXY_COUNT``): the log-in throttle and DRF agree.

With no trusted proxy ``X-Forwarded-For`` is the client's to write and is ignored;
with N trusted proxies the Nth address from the right is the client and anything
the client prepended is ignored.
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client, RequestFactory
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle, BaseThrottle

from accounts.throttling import client_ip
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

LIMIT = 3
PROXY = "10.0.0.2"  # the load balancer: every request reaches the app from it


@pytest.fixture(autouse=True)
def _login_throttle(settings):
    settings.LOGIN_FAILURE_LIMIT = LIMIT
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 600


@pytest.fixture
def trusted_proxies(settings):
    """Set the proxy count the way the settings module does: ours and DRF's together."""

    def configure(count: int) -> None:
        settings.TRUSTED_PROXY_COUNT = count
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}

    return configure


def forwarded(remote_addr: str, xff: str | None = None):
    extra = {"REMOTE_ADDR": remote_addr}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


def web_login(password: str, *, xff: str | None = None, email: str = "ana@example.com"):
    extra = {"REMOTE_ADDR": PROXY}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return Client().post("/accounts/login/", {"username": email, "password": password}, **extra)


def api_login(password: str, *, xff: str | None = None, email: str = "ana@example.com"):
    extra = {"REMOTE_ADDR": PROXY}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return APIClient().post("/api/v1/auth/token/", {"email": email, "password": password}, **extra)


# --- The resolver -------------------------------------------------------------------------


def test_the_settings_default_to_no_proxy_and_drf_uses_the_same_count():
    from airbnb.settings import base

    assert base.TRUSTED_PROXY_COUNT == 0
    assert django_settings.REST_FRAMEWORK["NUM_PROXIES"] == django_settings.TRUSTED_PROXY_COUNT


def test_without_trusted_proxies_a_spoofed_forwarded_for_is_ignored(trusted_proxies):
    trusted_proxies(0)
    assert client_ip(forwarded("198.51.100.9", "1.2.3.4")) == "198.51.100.9"
    assert client_ip(forwarded("198.51.100.9", "1.2.3.4, 5.6.7.8")) == "198.51.100.9"
    assert client_ip(forwarded("198.51.100.9")) == "198.51.100.9"


def test_with_one_trusted_proxy_the_right_most_address_is_the_client(trusted_proxies):
    trusted_proxies(1)
    assert client_ip(forwarded(PROXY, "203.0.113.5")) == "203.0.113.5"
    # The client prepended a fake address; the proxy appended the real one.
    assert client_ip(forwarded(PROXY, "1.2.3.4, 203.0.113.5")) == "203.0.113.5"
    assert client_ip(forwarded(PROXY, " 1.2.3.4 ,203.0.113.5 ")) == "203.0.113.5"
    # No header (the proxy was bypassed or does not append): the peer address.
    assert client_ip(forwarded(PROXY)) == PROXY


def test_with_two_trusted_proxies_the_second_from_the_right_is_the_client(trusted_proxies):
    trusted_proxies(2)
    assert client_ip(forwarded("10.0.0.3", "1.2.3.4, 203.0.113.5, 10.0.0.2")) == "203.0.113.5"


@pytest.mark.parametrize("count", [0, 1, 2, 3])
@pytest.mark.parametrize(
    "xff", [None, "203.0.113.5", "1.2.3.4, 203.0.113.5", "1.2.3.4, 203.0.113.5, 10.0.0.2", "2001:db8::1, 10.0.0.2"]
)
def test_drf_throttles_and_the_log_in_throttle_resolve_the_same_client(count, xff, trusted_proxies):
    trusted_proxies(count)
    request = forwarded(PROXY, xff)
    assert client_ip(request) == BaseThrottle().get_ident(request)


# --- The log-in throttle counts per real client -------------------------------------------


@pytest.mark.django_db
def test_without_trusted_proxies_rotating_forwarded_for_does_not_escape_the_log_in_block(trusted_proxies):
    trusted_proxies(0)
    UserFactory(email="ana@example.com")
    for attempt in range(LIMIT):
        assert web_login("wrong-password-1", xff=f"192.0.2.{attempt}").status_code == 200
    assert web_login(DEFAULT_PASSWORD, xff="192.0.2.200").status_code == 429
    assert api_login(DEFAULT_PASSWORD, xff="192.0.2.201").status_code == 429


@pytest.mark.django_db
def test_with_one_trusted_proxy_the_log_in_throttle_counts_per_real_client(trusted_proxies):
    trusted_proxies(1)
    UserFactory(email="ana@example.com")
    attacker, neighbour = "203.0.113.66", "198.51.100.7"
    for _ in range(LIMIT):
        assert web_login("wrong-password-1", xff=attacker).status_code == 200
    assert web_login(DEFAULT_PASSWORD, xff=attacker).status_code == 429
    # Prepending a fresh address does not give the attacker a new counter (web or API).
    assert web_login(DEFAULT_PASSWORD, xff=f"192.0.2.1, {attacker}").status_code == 429
    assert api_login(DEFAULT_PASSWORD, xff=f"192.0.2.2, {attacker}").status_code == 429
    # Another client behind the same proxy is not locked out.
    assert web_login(DEFAULT_PASSWORD, xff=neighbour).status_code == 302
    assert api_login(DEFAULT_PASSWORD, xff=neighbour).status_code == 200


@pytest.mark.django_db
def test_a_client_blocked_through_the_api_is_blocked_on_the_page_too(trusted_proxies):
    trusted_proxies(1)
    UserFactory(email="ana@example.com")
    for _ in range(LIMIT):
        assert api_login("wrong-password-1", xff="203.0.113.66").status_code == 400
    assert web_login(DEFAULT_PASSWORD, xff="203.0.113.66").status_code == 429


# --- DRF's per-IP throttle -------------------------------------------------------------------


@pytest.fixture
def anon_rate(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {**AnonRateThrottle.THROTTLE_RATES, "anon": "2/min"})


def amenities(xff: str | None = None):
    extra = {"REMOTE_ADDR": PROXY}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return APIClient().get("/api/v1/amenities/", **extra)


@pytest.mark.django_db
def test_drf_anonymous_throttle_ignores_a_spoofed_forwarded_for_without_proxies(trusted_proxies, anon_rate):
    trusted_proxies(0)
    assert amenities("192.0.2.1").status_code == 200
    assert amenities("192.0.2.2").status_code == 200
    throttled = amenities("192.0.2.3")
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "throttled"


@pytest.mark.django_db
def test_drf_anonymous_throttle_counts_per_client_behind_one_proxy(trusted_proxies, anon_rate):
    trusted_proxies(1)
    assert amenities("203.0.113.66").status_code == 200
    assert amenities("192.0.2.1, 203.0.113.66").status_code == 200
    assert amenities("192.0.2.2, 203.0.113.66").status_code == 429  # the prepended value changes nothing
    assert amenities("198.51.100.7").status_code == 200  # a different client has its own budget
