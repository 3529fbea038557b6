"""payments' URLs, mounted under ``/api/v1/`` (airbnb/urls.py): Stripe's webhook and the payout API.

The paths and names are the ones they had in bookings (``stripe-webhook``,
``payout-list``, ``payout-account``, ``payout-onboarding``).
"""

from django.urls import include, path

from . import webhooks

urlpatterns = [
    path("payments/stripe/webhook/", webhooks.stripe_webhook, name="stripe-webhook"),
    path("", include("payments.api.urls")),
]
