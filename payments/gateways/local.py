"""A local payment gateway with Stripe's test cards: the default in dev and tests.

It is stateless (intent ids derive from idempotency keys) so every web worker and
Celery worker agrees without shared memory. Behaviour by payment method, mirroring
Stripe's test PaymentMethods / card numbers:

=====================================================  ===============================
``pm_card_visa`` / 4242 4242 4242 4242                   authorised
``pm_card_chargeDeclined`` / 4000 0000 0000 0002         declined (card_declined)
``pm_card_chargeDeclinedInsufficientFunds`` / ...9995    declined (insufficient_funds)
``pm_card_chargeDeclinedProcessingError`` / ...0119      transient processing error
``pm_card_timeout`` / 4000 0000 0000 0408 (local only)   no answer within the timeout
=====================================================  ===============================

Payouts (Connect): ``create_account`` answers ``acct_local_<hex>`` derived from the
idempotency key (so the same host always gets the same account, in every process),
not yet enabled; onboarding is instant, as in Stripe's test mode: the "link" is
the return URL itself and ``retrieve_account`` reports any well-formed local
account as enabled. ``transfer`` answers ``tr_local_<hex>`` derived from its key;
a destination that is not a local account id is refused as Stripe refuses an
unknown one (``resource_missing``, a permanent failure). ``reverse_transfer``
answers ``trr_local_<hex>`` from its key for any local transfer id.

Fault injection for the soak test: setting ``PAYMENTS_LOCAL_FAULT`` (or the cache key
``payments:local:fault``) to ``error`` or ``timeout`` makes every call fail that way.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from .base import (
    Authorization,
    CardDeclined,
    CardProcessingError,
    ConnectedAccount,
    GatewayUnavailable,
    OnboardingLink,
    PaymentError,
)

CARD_NUMBERS = {
    "4242424242424242": "pm_card_visa",
    "4000056655665556": "pm_card_visa_debit",
    "5555555555554444": "pm_card_mastercard",
    "4000000000000002": "pm_card_chargeDeclined",
    "4000000000009995": "pm_card_chargeDeclinedInsufficientFunds",
    "4000000000000119": "pm_card_chargeDeclinedProcessingError",
    "4000000000000408": "pm_card_timeout",
}
SUCCESS_METHODS = {"pm_card_visa", "pm_card_visa_debit", "pm_card_mastercard"}
FAULT_CACHE_KEY = "payments:local:fault"
NAMESPACE = uuid.UUID("0f4c8a52-4a7e-4c2b-9a57-2f0c3b1d6e11")
LOCAL_ACCOUNT = re.compile(r"acct_local_[0-9a-f]{32}")
LOCAL_TRANSFER = re.compile(r"tr_local_[0-9a-f]{32}")


# The injected fault as last read from the cache, per process: (read at, value).
_fault_seen: tuple[float, str] = (0.0, "")
FAULT_REFRESH_SECONDS = 1.0


def injected_fault() -> str:
    """The fault set in the cache key (``error``, ``timeout`` or empty), re-read at most once a second.

    A booking makes three gateway calls; reading Redis for each would cost more
    than the local gateway itself. A fault switched on or off takes effect within
    a second in every process.
    """
    global _fault_seen
    read_at, value = _fault_seen
    now = time.monotonic()
    if now - read_at >= FAULT_REFRESH_SECONDS:
        try:
            value = cache.get(FAULT_CACHE_KEY) or ""
        except Exception:  # noqa: BLE001 - Redis down: no fault injection, payments go on
            value = ""
        _fault_seen = (now, value)
    return value


def payment_method_from_card(number: str) -> str | None:
    """Map a test card number (spaces allowed) to its Stripe test PaymentMethod id."""
    return CARD_NUMBERS.get(number.replace(" ", "").replace("-", ""))


class LocalGateway:
    name = "local"

    def __init__(self) -> None:
        self.timeout = float(getattr(settings, "PAYMENTS_TIMEOUT_SECONDS", 5))

    def _fault(self) -> None:
        fault = getattr(settings, "PAYMENTS_LOCAL_FAULT", "") or injected_fault()
        if fault == "error":
            raise GatewayUnavailable("The payment gateway answered 503.", code="gateway_error")
        if fault == "timeout":
            self._time_out()

    def _time_out(self) -> None:
        # Behave like a client whose read timed out: wait (bounded) then give up.
        time.sleep(min(self.timeout, float(getattr(settings, "PAYMENTS_LOCAL_TIMEOUT_SLEEP", 0.2))))
        raise GatewayUnavailable("The payment gateway did not answer in time.", code="gateway_timeout")

    def create_intent(self, *, amount: Decimal, currency: str, idempotency_key: str, metadata: dict) -> str:
        self._fault()
        if amount <= 0:
            raise CardDeclined("Amount must be positive.", code="amount_invalid")
        return f"pi_local_{uuid.uuid5(NAMESPACE, idempotency_key).hex}"

    def authorize(self, *, intent_id: str, payment_method: str, idempotency_key: str) -> Authorization:
        self._fault()
        method = payment_method_from_card(payment_method) or payment_method
        if method in SUCCESS_METHODS:
            return Authorization(intent_id=intent_id, capture_before=timezone.now() + dt.timedelta(days=7))
        if method == "pm_card_chargeDeclined":
            raise CardDeclined("Your card was declined.", code="card_declined")
        if method == "pm_card_chargeDeclinedInsufficientFunds":
            raise CardDeclined("Your card has insufficient funds.", code="insufficient_funds")
        if method == "pm_card_chargeDeclinedProcessingError":
            raise CardProcessingError(
                "An error occurred while processing your card. Try again.", code="processing_error"
            )
        if method == "pm_card_timeout":
            self._time_out()
        raise CardDeclined("This payment method is not recognised.", code="invalid_payment_method")

    def capture(self, *, intent_id: str, amount: Decimal | None, currency: str, idempotency_key: str) -> None:
        self._fault()

    def cancel(self, *, intent_id: str, idempotency_key: str) -> None:
        self._fault()

    def refund(self, *, intent_id: str, amount: Decimal, currency: str, idempotency_key: str) -> str:
        self._fault()
        return f"re_local_{uuid.uuid5(NAMESPACE, idempotency_key).hex}"

    # --- payouts (Connect) -------------------------------------------------------------

    def create_account(self, *, email: str, idempotency_key: str, metadata: dict) -> ConnectedAccount:
        self._fault()
        return ConnectedAccount(
            account_id=f"acct_local_{uuid.uuid5(NAMESPACE, idempotency_key).hex}",
            charges_enabled=False,
            payouts_enabled=False,
            details_submitted=False,
            requirements_due=("external_account", "tos_acceptance.date"),
            disabled_reason="requirements.past_due",
        )

    def retrieve_account(self, *, account_id: str) -> ConnectedAccount:
        self._fault()
        self._known_account(account_id)
        return ConnectedAccount(
            account_id=account_id, charges_enabled=True, payouts_enabled=True, details_submitted=True
        )

    def create_account_link(self, *, account_id: str, refresh_url: str, return_url: str) -> OnboardingLink:
        self._fault()
        self._known_account(account_id)
        return OnboardingLink(url=return_url, expires_at=timezone.now() + dt.timedelta(minutes=5))

    def transfer(
        self,
        *,
        amount: Decimal,
        currency: str,
        destination: str,
        idempotency_key: str,
        transfer_group: str,
        metadata: dict,
    ) -> str:
        self._fault()
        if amount <= 0:
            raise PaymentError("Amount must be positive.", code="amount_invalid")
        self._known_account(destination, what="destination")
        return f"tr_local_{uuid.uuid5(NAMESPACE, idempotency_key).hex}"

    def reverse_transfer(
        self, *, transfer_id: str, amount: Decimal, currency: str, idempotency_key: str, metadata: dict
    ) -> str:
        self._fault()
        if amount <= 0:
            raise PaymentError("Amount must be positive.", code="amount_invalid")
        if not LOCAL_TRANSFER.fullmatch(transfer_id or ""):
            raise PaymentError(f"No such transfer: '{transfer_id}'", code="resource_missing")
        return f"trr_local_{uuid.uuid5(NAMESPACE, idempotency_key).hex}"

    @staticmethod
    def _known_account(account_id: str, *, what: str = "account") -> None:
        if not LOCAL_ACCOUNT.fullmatch(account_id or ""):
            raise PaymentError(f"No such {what}: '{account_id}'", code="resource_missing")
