"""airbnb.api.throttling: DRF's sliding window, checked and recorded atomically in Redis."""

from __future__ import annotations

import threading

import pytest
import redis
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from airbnb.api import throttling


class View:
    throttle_scope = "auth"


@pytest.fixture
def auth_rate(monkeypatch):
    def set_rate(rate: str) -> None:
        monkeypatch.setattr(
            throttling.ScopedRateThrottle,
            "THROTTLE_RATES",
            {**throttling.ScopedRateThrottle.THROTTLE_RATES, "auth": rate},
        )

    return set_rate


def _request(address: str = "198.51.100.9"):
    request = RequestFactory().post("/api/v1/auth/token/", REMOTE_ADDR=address)
    request.user = AnonymousUser()
    return request


def test_concurrent_requests_get_exactly_the_budget(auth_rate):
    """Sixteen requests at the same moment from one address, five allowed a minute: five pass.
    (DRF's read-append-write let several concurrent requests read the same log and all pass.)"""
    auth_rate("5/min")
    start = threading.Barrier(16)
    answers: list[bool] = []

    def attempt() -> None:
        throttle = throttling.ScopedRateThrottle()
        start.wait()
        answers.append(throttle.allow_request(_request(), View()))

    threads = [threading.Thread(target=attempt) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [False] * 11 + [True] * 5
    assert throttling.ScopedRateThrottle().allow_request(_request("198.51.100.10"), View())  # another client


def test_refused_requests_take_no_place_and_the_window_slides(auth_rate, monkeypatch):
    auth_rate("2/min")
    clock = [1_000_000.0]
    monkeypatch.setattr(throttling.ScopedRateThrottle, "timer", lambda self: clock[0])

    def allowed() -> tuple[bool, throttling.ScopedRateThrottle]:
        throttle = throttling.ScopedRateThrottle()
        return throttle.allow_request(_request(), View()), throttle

    assert allowed()[0]
    clock[0] += 20
    assert allowed()[0]
    for _ in range(5):
        clock[0] += 1
        ok, throttle = allowed()
        assert not ok
    assert throttle.wait() == pytest.approx(60 - 25)  # the first request leaves the window at 60 s
    clock[0] += 35.5  # 60.5 s after the first: one place is free again (the refusals took none)
    assert allowed()[0]
    assert not allowed()[0]


def test_with_redis_down_requests_pass(auth_rate, monkeypatch, caplog):
    auth_rate("1/min")
    dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5)
    monkeypatch.setattr(throttling, "get_redis_connection", lambda alias: dead)
    assert all(throttling.ScopedRateThrottle().allow_request(_request(), View()) for _ in range(3))
    assert "Throttle not applied" in caplog.text
