"""Throttles shared by the apps' APIs: DRF's, with their window kept atomically in Redis.

DRF's ``SimpleRateThrottle`` reads a request log from the cache, appends to it in Python and
writes it back: two round trips, and two requests at the same moment both read the same log,
so both pass where one should not (a burst of concurrent log-in attempts got past the
``auth`` budget). ``AtomicRateThrottle`` keeps the same sliding window as a sorted set of
request times and checks and records a request in one MULTI/EXEC: one round trip, and
concurrent requests are counted one after the other. A refused request is taken out again,
as DRF records only the ones it lets through. With Redis down, requests pass (logged), as the
cache-based throttle did with django-redis's ``IGNORE_EXCEPTIONS``.

The classes keep DRF's names, rates and cache keys (``throttle_<scope>_<ident>``, under the
cache's prefix, with ``:w`` added so a key left by DRF's format is never read as a window).
"""

from __future__ import annotations

import logging
import secrets

from django.core.cache import cache
from django_redis import get_redis_connection
from redis.exceptions import RedisError
from rest_framework import throttling

logger = logging.getLogger(__name__)


class AtomicRateThrottle(throttling.SimpleRateThrottle):
    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = now = self.timer()
        key = cache.make_key(self.key) + ":w"
        member = f"{now:.6f}:{secrets.token_hex(4)}"
        try:
            client = get_redis_connection("default")
            pipe = client.pipeline(transaction=True)
            pipe.zremrangebyscore(key, "-inf", now - self.duration)
            pipe.zadd(key, {member: now})
            pipe.zcard(key)
            pipe.zrange(key, 0, 0, withscores=True)
            pipe.expire(key, int(self.duration) + 1)
            _, _, count, oldest, _ = pipe.execute()
            if count <= self.num_requests:
                return True
            client.zrem(key, member)  # a refused request takes no place in the window
        except RedisError:
            logger.warning("Throttle not applied: Redis unavailable", extra={"scope": getattr(self, "scope", "")})
            return True
        self.in_window, self.oldest = count - 1, oldest[0][1] if oldest else now
        return False

    def wait(self) -> float | None:
        """Seconds until a request fits, spread as DRF spreads them (Retry-After)."""
        available = self.num_requests - self.in_window + 1
        if available <= 0:
            return None
        return (self.duration - (self.now - self.oldest)) / float(available)


class AnonRateThrottle(throttling.AnonRateThrottle, AtomicRateThrottle):
    pass


class UserRateThrottle(throttling.UserRateThrottle, AtomicRateThrottle):
    pass


class ScopedRateThrottle(throttling.ScopedRateThrottle, AtomicRateThrottle):
    pass


class ScopedUserRateThrottle(UserRateThrottle):
    """A budget of its own (``scope``), per user or, for anonymous requests, per client address.

    The rate is ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope]`` when set, else ``default_rate``.
    """

    scope = ""
    default_rate = ""

    def get_rate(self) -> str:
        return self.THROTTLE_RATES.get(self.scope) or self.default_rate
