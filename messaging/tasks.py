"""Celery tasks of the messaging app: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task

from .services import notifications, response_stats


@shared_task(
    autoretry_for=(OSError,),  # SMTP errors and refused connections
    retry_backoff=10,
    retry_backoff_max=900,
    retry_jitter=True,
    max_retries=8,
    acks_late=True,
)
def notification_email_send_task(email_id: int) -> bool:
    """Send one queued notification email (when due); retried while the mail server fails."""
    return notifications.notification_email_send(email_id=email_id)


@shared_task(
    autoretry_for=(OSError,),
    retry_backoff=10,
    retry_backoff_max=900,
    retry_jitter=True,
    max_retries=8,
    acks_late=True,
)
def notification_emails_send_task(email_ids: list[int]) -> int:
    """Send a batch's queued emails; a retry sends only the ones still pending."""
    return notifications.notification_emails_send_many(email_ids=email_ids)


@shared_task
def notification_emails_flush_task() -> int:
    """Send due emails whose task was lost or ran early (throttled summaries, broker outages)."""
    return notifications.notification_emails_flush()


@shared_task
def host_response_stats_task() -> int:
    return response_stats.host_response_stats_update()
