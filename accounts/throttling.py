"""Brute-force protection for log-in: failed attempts counted per account and client IP.

After ``LOGIN_FAILURE_LIMIT`` wrong passwords for one email from one IP address
within ``LOGIN_FAILURE_WINDOW_SECONDS``, that pair is refused (even with the right
password) until the window ends; a successful log-in resets the count. Counting
per account *and* IP means an attacker cannot lock a victim out from everywhere
by failing on purpose, while a password-guessing run from one address stops.

The IP address is ``client_ip``: ``REMOTE_ADDR``, or behind ``TRUSTED_PROXY_COUNT``
reverse proxies the address they put in ``X-Forwarded-For``.

The counters live in the Redis cache. When Redis is unreachable the cache ignores
errors (``IGNORE_EXCEPTIONS``): nothing is counted and log-in keeps working.
"""

from __future__ import annotations

import hashlib
import math

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext

DEFAULT_FAILURE_LIMIT = 5
DEFAULT_WINDOW_SECONDS = 15 * 60


def _limit() -> int:
    return int(getattr(settings, "LOGIN_FAILURE_LIMIT", DEFAULT_FAILURE_LIMIT))


def _window() -> int:
    return int(getattr(settings, "LOGIN_FAILURE_WINDOW_SECONDS", DEFAULT_WINDOW_SECONDS))


def client_ip(request) -> str:
    """The address of the client that sent ``request``, as far as our own proxies vouch for it.

    With ``TRUSTED_PROXY_COUNT = 0`` (no proxy) it is ``REMOTE_ADDR`` and
    ``X-Forwarded-For`` is ignored: a client can write anything there. With N
    trusted proxies, each appended the address it received the request from, so
    the Nth address from the right is the client; anything further left was sent
    by the client and is never used. This is DRF's rule for ``NUM_PROXIES``
    (wired to the same setting), so its throttles and the log-in throttle agree.
    """
    if request is None:
        return "unknown"
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    addresses = forwarded.split(",")
    return addresses[-min(proxies, len(addresses))].strip() or remote


def _key(email: str, ip: str) -> str:
    digest = hashlib.sha256(f"{email.strip().lower()}|{ip}".encode()).hexdigest()[:32]
    return f"login-failures:{digest}"


def login_blocked_for(*, email: str, ip: str) -> int | None:
    """Seconds until ``email`` may try again from ``ip``, or None when not blocked."""
    key = _key(email, ip)
    failures = cache.get(key) or 0
    if failures < _limit():
        return None
    ttl = cache.ttl(key) if hasattr(cache, "ttl") else None
    return max(1, int(ttl)) if isinstance(ttl, int | float) and ttl > 0 else _window()


def login_failure_record(*, email: str, ip: str) -> None:
    """Count one failed attempt; the window starts at the first failure."""
    key = _key(email, ip)
    cache.add(key, 0, timeout=_window())
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr: this failure opens a new window
        cache.set(key, 1, timeout=_window())


def login_failures_clear(*, email: str, ip: str) -> None:
    cache.delete(_key(email, ip))


def login_blocked_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many failed log-in attempts. For your security, try again in %(count)s minute.",
        "Too many failed log-in attempts. For your security, try again in %(count)s minutes.",
        minutes,
    ) % {"count": minutes}
