"""Celery tasks of the pricing app: thin wrappers around services (schedules in CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from .services import competitiveness, demand, smart


@shared_task(ignore_result=True)
def demand_signals_flush_task() -> tuple[int, int]:
    return demand.demand_signals_flush()


@shared_task(ignore_result=True, soft_time_limit=1800)
def demand_refresh_task() -> int:
    return demand.demand_refresh()


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=6 * 3600)
def suggestions_refresh_task(listing_id: int | None = None):
    """One listing (after a settings change) or, from beat without arguments, every listing in scope."""
    if listing_id is None:
        return smart.suggestions_refresh_all()
    return smart.suggestions_refresh(listing_id=listing_id).applied


@shared_task(ignore_result=True, soft_time_limit=3 * 3600)
def competitiveness_refresh_task() -> int:
    return competitiveness.competitiveness_refresh_all()
