"""The payment gateway interface behind every payment step and payout.

Two adapters implement it: ``StripeGateway`` (the real ``stripe`` SDK; in tests
pointed at a local server speaking Stripe's API) and ``LocalGateway`` (the default
in development and tests, with Stripe's test cards and a few local-only ones for
network failures and timeouts). ``get_gateway()`` picks one from settings.

Flow with manual capture (Stripe "place a hold"):
``create_intent`` (no money moves; the intent id is stored before any hold exists,
so a crashed process leaves something the sweeper can cancel) -> ``authorize``
(hold on the card) -> ``capture`` when the booking is confirmed, or ``cancel``
(release the hold) on decline/expiry -> ``refund`` after capture.

Every call carries an idempotency key derived from the booking, so a retry after a
timeout never places a second hold or refunds twice.

Host payouts (Stripe Connect, Express accounts): ``create_account`` (a connected
account per host, key derived from the host) -> ``create_account_link`` (the
hosted onboarding page) -> ``retrieve_account`` (re-read when the host comes back)
-> ``transfer`` (the host's share of a booking, key derived from the payout entry).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

import pybreaker
from django.conf import settings
from django.utils.module_loading import import_string


class PaymentError(Exception):
    """A payment call failed. ``transient`` failures may succeed when retried."""

    transient = False

    def __init__(self, message: str, *, code: str = "payment_error"):
        super().__init__(message)
        self.code = code
        self.message = message


class CardDeclined(PaymentError):
    """The card was refused (a final answer: retrying will not help)."""


class GatewayUnavailable(PaymentError):
    """Network failure, timeout or a 5xx from the gateway: retry later."""

    transient = True
    trips_breaker = True


class CardProcessingError(GatewayUnavailable):
    """The issuer could not process this card right now ("try again").

    Transient for this card, but says nothing about the gateway's health, so it does
    not count towards the circuit breaker (five unlucky cards must not stop payments
    for everyone).
    """

    trips_breaker = False


class AlreadyCaptured(PaymentError):
    """The gateway says the intent was already captured (e.g. a capture whose answer was lost)."""


@dataclass(frozen=True)
class Authorization:
    intent_id: str
    capture_before: dt.datetime | None


@dataclass(frozen=True)
class ConnectedAccount:
    """A host's connected account as the gateway reports it (Stripe's ``account`` object)."""

    account_id: str
    charges_enabled: bool
    payouts_enabled: bool
    details_submitted: bool
    requirements_due: tuple[str, ...] = ()
    disabled_reason: str = ""


@dataclass(frozen=True)
class OnboardingLink:
    """Where to send the host to finish onboarding (Stripe's ``account_link``); single use, short-lived."""

    url: str
    expires_at: dt.datetime | None


class PaymentGateway(Protocol):
    name: str

    def create_intent(self, *, amount: Decimal, currency: str, idempotency_key: str, metadata: dict) -> str: ...

    def authorize(self, *, intent_id: str, payment_method: str, idempotency_key: str) -> Authorization: ...

    def capture(self, *, intent_id: str, amount: Decimal | None, currency: str, idempotency_key: str) -> None: ...

    def cancel(self, *, intent_id: str, idempotency_key: str) -> None: ...

    def refund(self, *, intent_id: str, amount: Decimal, currency: str, idempotency_key: str) -> str: ...

    def create_account(self, *, email: str, idempotency_key: str, metadata: dict) -> ConnectedAccount: ...

    def retrieve_account(self, *, account_id: str) -> ConnectedAccount: ...

    def create_account_link(self, *, account_id: str, refresh_url: str, return_url: str) -> OnboardingLink: ...

    def transfer(
        self,
        *,
        amount: Decimal,
        currency: str,
        destination: str,
        idempotency_key: str,
        transfer_group: str,
        metadata: dict,
    ) -> str: ...

    def reverse_transfer(
        self, *, transfer_id: str, amount: Decimal, currency: str, idempotency_key: str, metadata: dict
    ) -> str: ...


# One breaker per process: after repeated transient failures calls fail fast for
# ``reset_timeout`` seconds, then one probe call is let through (half-open).
breaker = pybreaker.CircuitBreaker(
    fail_max=getattr(settings, "PAYMENTS_BREAKER_FAIL_MAX", 5),
    reset_timeout=getattr(settings, "PAYMENTS_BREAKER_RESET_SECONDS", 30),
    exclude=[lambda exc: not getattr(exc, "transient", True) or not getattr(exc, "trips_breaker", True)],
    name="payments",
)


class BreakerGateway:
    """Wraps a gateway so every call goes through the circuit breaker.

    An open breaker raises ``GatewayUnavailable`` (code ``payments_unavailable``)
    without touching the network.
    """

    def __init__(self, inner: PaymentGateway):
        self.inner = inner
        self.name = inner.name

    def _call(self, method: str, **kwargs):
        try:
            return breaker.call(getattr(self.inner, method), **kwargs)
        except pybreaker.CircuitBreakerError:
            raise GatewayUnavailable(
                "Payments are temporarily unavailable; please try again in a minute.", code="payments_unavailable"
            ) from None

    def create_intent(self, **kwargs) -> str:
        return self._call("create_intent", **kwargs)

    def authorize(self, **kwargs) -> Authorization:
        return self._call("authorize", **kwargs)

    def capture(self, **kwargs) -> None:
        return self._call("capture", **kwargs)

    def cancel(self, **kwargs) -> None:
        return self._call("cancel", **kwargs)

    def refund(self, **kwargs) -> str:
        return self._call("refund", **kwargs)

    def create_account(self, **kwargs) -> ConnectedAccount:
        return self._call("create_account", **kwargs)

    def retrieve_account(self, **kwargs) -> ConnectedAccount:
        return self._call("retrieve_account", **kwargs)

    def create_account_link(self, **kwargs) -> OnboardingLink:
        return self._call("create_account_link", **kwargs)

    def transfer(self, **kwargs) -> str:
        return self._call("transfer", **kwargs)

    def reverse_transfer(self, **kwargs) -> str:
        return self._call("reverse_transfer", **kwargs)


def breaker_is_open() -> bool:
    return breaker.current_state == pybreaker.STATE_OPEN


def _backend() -> str:
    return getattr(settings, "PAYMENT_GATEWAY", "payments.gateways.local.LocalGateway")


def get_gateway() -> BreakerGateway:
    return BreakerGateway(import_string(_backend())())


def gateway_name() -> str:
    """The configured gateway's ``name`` (``local``, ``stripe``), without creating a client."""
    return import_string(_backend()).name


def minor_units(amount: Decimal, currency: str) -> int:
    """Stripe amounts are integers in the currency's smallest unit."""
    zero_decimal = {"JPY", "KRW", "VND", "CLP", "ISK", "HUF", "TWD", "UGX"}
    factor = 1 if currency.upper() in zero_decimal else 100
    return int((amount * factor).to_integral_value())
