"""May this user read this conversation? One answer for pages, the API and services."""

from __future__ import annotations

from django.utils.translation import gettext

from .errors import ThreadNotFound
from .models import Thread
from .selectors import thread_get_for


def access_thread(user, thread_id) -> Thread:
    """A thread ``user`` takes part in (staff: any); ``ThreadNotFound`` (404) for anyone else, so it stays secret."""
    try:
        return thread_get_for(user=user, pk=int(thread_id))
    except (Thread.DoesNotExist, TypeError, ValueError):
        raise ThreadNotFound(message=gettext("No conversation with this id.")) from None
