"""Throttles shared by the apps' APIs."""

from rest_framework.throttling import UserRateThrottle


class ScopedUserRateThrottle(UserRateThrottle):
    """A budget of its own (``scope``), per user or, for anonymous requests, per client address.

    The rate is ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope]`` when set, else ``default_rate``.
    """

    scope = ""
    default_rate = ""

    def get_rate(self) -> str:
        return self.THROTTLE_RATES.get(self.scope) or self.default_rate
