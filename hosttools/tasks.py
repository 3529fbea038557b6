"""Celery tasks of the host tools: thin wrappers around services (schedule in CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from .services import ical_import_sync, ical_imports_claim_due


@shared_task(ignore_result=True, soft_time_limit=120, time_limit=180)
def ical_import_sync_task(feed_id: int) -> bool:
    """Sync one external calendar; the fetcher's own timeout is far below the task's limit."""
    return ical_import_sync(feed_id=feed_id).ok


@shared_task(ignore_result=True)
def ical_import_due_task() -> int:
    """Queue a sync for every feed not attempted in the last ``PRICING_ICAL_SYNC_MINUTES``."""
    due = ical_imports_claim_due(minutes=settings.PRICING_ICAL_SYNC_MINUTES)
    for feed_id in due:
        ical_import_sync_task.delay(feed_id)
    return len(due)
