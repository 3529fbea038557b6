from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    """Card payments, host payouts (Stripe Connect) and Stripe webhooks, below bookings (``payments.hooks``)."""

    name = "payments"
