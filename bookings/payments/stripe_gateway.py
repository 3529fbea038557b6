"""The Stripe adapter: PaymentIntents with manual capture, through the real SDK.

``STRIPE_API_BASE`` points the SDK elsewhere (tests run it against a local server
speaking the subset of Stripe's API used here). Network errors, timeouts, 429 and
5xx map to ``GatewayUnavailable`` (retried by the saga); card errors map to
``CardDeclined``. Every call sends the idempotency key the saga derived.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import stripe
from django.conf import settings

from .gateway import Authorization, CardDeclined, GatewayUnavailable, PaymentError, minor_units


class StripeGateway:
    name = "stripe"

    def __init__(self) -> None:
        base = getattr(settings, "STRIPE_API_BASE", "") or None
        self.client = stripe.StripeClient(
            settings.STRIPE_SECRET_KEY,
            base_addresses={"api": base} if base else None,
            max_network_retries=0,  # the saga retries with the same idempotency key
            http_client=stripe.RequestsClient(timeout=float(getattr(settings, "PAYMENTS_TIMEOUT_SECONDS", 5)))
            if _has_requests()
            else None,
        )

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except stripe.CardError as exc:
            raise CardDeclined(exc.user_message or "Your card was declined.", code=exc.code or "card_declined") from exc
        except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
            raise GatewayUnavailable("The payment gateway did not answer.", code="gateway_unavailable") from exc
        except stripe.APIError as exc:  # 5xx
            raise GatewayUnavailable("The payment gateway had an error.", code="gateway_error") from exc
        except stripe.StripeError as exc:
            raise PaymentError(
                exc.user_message or str(exc), code=getattr(exc, "code", None) or "payment_error"
            ) from exc

    def create_intent(self, *, amount: Decimal, currency: str, idempotency_key: str, metadata: dict) -> str:
        intent = self._call(
            self.client.v1.payment_intents.create,
            params={
                "amount": minor_units(amount, currency),
                "currency": currency.lower(),
                "capture_method": "manual",
                "payment_method_types": ["card"],
                "metadata": {k: str(v) for k, v in metadata.items()},
            },
            options={"idempotency_key": idempotency_key},
        )
        return intent.id

    def authorize(self, *, intent_id: str, payment_method: str, idempotency_key: str) -> Authorization:
        intent = self._call(
            self.client.v1.payment_intents.confirm,
            intent_id,
            params={"payment_method": payment_method},
            options={"idempotency_key": idempotency_key},
        )
        if intent.status != "requires_capture":
            raise CardDeclined(f"The payment could not be authorised ({intent.status}).", code="authorization_failed")
        capture_before = None
        charge = getattr(intent, "latest_charge", None)
        details = getattr(charge, "payment_method_details", None) if not isinstance(charge, str) else None
        card = getattr(details, "card", None) if details else None
        if card is not None and getattr(card, "capture_before", None):
            capture_before = dt.datetime.fromtimestamp(card.capture_before, tz=dt.UTC)
        return Authorization(intent_id=intent.id, capture_before=capture_before)

    def capture(self, *, intent_id: str, amount: Decimal | None, currency: str, idempotency_key: str) -> None:
        params = {} if amount is None else {"amount_to_capture": minor_units(amount, currency)}
        self._call(
            self.client.v1.payment_intents.capture,
            intent_id,
            params=params,
            options={"idempotency_key": idempotency_key},
        )

    def cancel(self, *, intent_id: str, idempotency_key: str) -> None:
        self._call(self.client.v1.payment_intents.cancel, intent_id, options={"idempotency_key": idempotency_key})

    def refund(self, *, intent_id: str, amount: Decimal, currency: str, idempotency_key: str) -> str:
        refund = self._call(
            self.client.v1.refunds.create,
            params={"payment_intent": intent_id, "amount": minor_units(amount, currency)},
            options={"idempotency_key": idempotency_key},
        )
        return refund.id


def _has_requests() -> bool:
    try:
        import requests  # noqa: F401
    except ImportError:
        return False
    return True
