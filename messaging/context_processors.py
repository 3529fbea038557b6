"""The header's unread badges, computed (in one query) only if a template reads them."""

from __future__ import annotations

from functools import cached_property

from .selectors import unread_badge_counts


class UnreadBadges:
    """``messages``: unread messages in the inbox; ``notifications``: unread notifications."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def _counts(self) -> tuple[int, int]:
        return unread_badge_counts(user=self.user)

    @property
    def messages(self) -> int:
        return self._counts[0]

    @property
    def notifications(self) -> int:
        return self._counts[1]


def unread_counts(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread": UnreadBadges(user)}
