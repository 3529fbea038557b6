"""Health of the parts the site depends on: database, Redis, Celery.

Each check returns ``(ok, detail)`` and never raises; ``/healthz`` and
``manage.py check_services`` share them.
"""

import time

from django.core.cache import cache
from django.db import connection

from .tasks import HEARTBEAT_KEY

CELERY_PING_TIMEOUT = 1.0


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT postgis_lib_version()")
            (postgis,) = cursor.fetchone()
        return True, f"ok (PostGIS {postgis})"
    except Exception as exc:  # noqa: BLE001 - any failure means "down", reported with its reason
        return False, _one_line(exc)


def check_redis() -> tuple[bool, str]:
    try:
        client = cache.client.get_client(write=True)
        client.ping()
        return True, "ok"
    except Exception as exc:  # noqa: BLE001
        return False, _one_line(exc)


def check_celery() -> tuple[bool, str]:
    """A worker answers a broadcast ping; beat's heartbeat age is reported beside it."""
    from .celery import app

    try:
        replies = app.control.ping(timeout=CELERY_PING_TIMEOUT) or []
    except Exception as exc:  # noqa: BLE001
        return False, _one_line(exc)
    if not replies:
        return False, "no worker answered"
    detail = f"ok ({len(replies)} worker{'s' if len(replies) != 1 else ''})"
    try:
        beat = cache.get(HEARTBEAT_KEY)
    except Exception:  # noqa: BLE001 - Redis state is reported by its own check
        beat = None
    if beat:
        detail += f", beat {int(time.time() - beat)}s ago"
    return True, detail


def _one_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".strip()
