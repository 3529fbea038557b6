"""Platform-level periodic tasks."""

import time

from celery import shared_task
from django.core.cache import cache

from .idempotency import idempotency_records_purge

HEARTBEAT_KEY = "celery:beat:heartbeat"


@shared_task(ignore_result=True)
def heartbeat() -> float:
    """Record that beat scheduled and a worker ran a task; /healthz reports its age."""
    now = time.time()
    cache.set(HEARTBEAT_KEY, now, timeout=None)
    return now


@shared_task
def idempotency_records_purge_task() -> int:
    return idempotency_records_purge()
