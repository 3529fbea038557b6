"""Celery tasks of the reviews app: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task

from .services.submission import reviews_publish_due
from .services.superhost import superhost_evaluate


@shared_task
def reviews_publish_due_task() -> int:
    """Publish reviews whose 14-day window closed without the other side's review."""
    return reviews_publish_due()


@shared_task
def superhost_evaluate_task() -> dict:
    return superhost_evaluate()
