"""Celery tasks of the search app: thin wrappers around ``search.services`` (schedules in CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(ignore_result=True, soft_time_limit=3600)
def search_features_refresh_task() -> dict[str, int]:
    """Quality, price competitiveness, booking likelihood and rank tiers of every search row."""
    return services.search_features_refresh()


@shared_task(ignore_result=True, soft_time_limit=3600)
def search_booking_model_fit_task() -> int:
    """Refit the booking-likelihood model on the platform's history, then rescore listings."""
    model = services.search_booking_model_fit()
    services.search_booking_likelihood_refresh()
    return model.pk


@shared_task(ignore_result=True, soft_time_limit=300)
def place_searches_flush_task() -> int:
    """Store the place searches counted in Redis (typo correction weighs them)."""
    return services.place_searches_flush()
