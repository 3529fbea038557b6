"""The Stripe adapter: PaymentIntents with manual capture, through the real SDK.

``STRIPE_API_BASE`` points the SDK elsewhere (tests run it against a local server
speaking the subset of Stripe's API used here). Network errors, timeouts, 409, 429
and 5xx map to ``GatewayUnavailable`` (retried by the saga with the same key); card
errors map to ``CardDeclined``. Every call sends the idempotency key the saga derived.

Host payouts use Stripe Connect with Express accounts and separate charges and
transfers: the guest pays the platform, and the host's share is a ``transfer`` to
the host's connected account once it is due. Only the ``transfers`` capability is
requested (hosts never take charges themselves).
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

import stripe
from django.conf import settings

from .base import (
    AlreadyCaptured,
    Authorization,
    CardDeclined,
    CardProcessingError,
    ConnectedAccount,
    GatewayUnavailable,
    OnboardingLink,
    PaymentError,
    minor_units,
)

# Card errors that say "try again" rather than "this card will not pay" (as LocalGateway).
TRANSIENT_CARD_CODES = {"processing_error"}


@functools.lru_cache(maxsize=8)
def _client(api_key: str, api_base: str, timeout: float) -> stripe.StripeClient:
    """One client per configuration, shared by every call so HTTP connections are reused.

    ``requests`` is a dependency of ``stripe``, so ``RequestsClient`` is always
    available; it is the SDK client that takes a timeout (the SDK's default is 80 s,
    and its urllib fallback has none). Its sessions are per thread.
    """
    return stripe.StripeClient(
        api_key,
        base_addresses={"api": api_base} if api_base else None,
        max_network_retries=0,  # the saga retries, with the same idempotency key
        http_client=stripe.RequestsClient(timeout=timeout),
    )


class StripeGateway:
    name = "stripe"

    def __init__(self) -> None:
        self.client = _client(
            settings.STRIPE_SECRET_KEY,
            getattr(settings, "STRIPE_API_BASE", "") or "",
            float(getattr(settings, "PAYMENTS_TIMEOUT_SECONDS", 5)),
        )

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except stripe.CardError as exc:
            error = (exc.json_body or {}).get("error") or {}
            code = failure_code(exc.code, error.get("decline_code"))
            message = exc.user_message or "Your card was declined."
            if code in TRANSIENT_CARD_CODES:
                raise CardProcessingError(message, code=code) from exc
            raise CardDeclined(message, code=code) from exc
        except stripe.InvalidRequestError as exc:
            if exc.param == "payment_method":
                raise CardDeclined("This payment method is not recognised.", code="invalid_payment_method") from exc
            raise PaymentError(exc.user_message or str(exc), code=exc.code or "invalid_request") from exc
        except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
            raise GatewayUnavailable("The payment gateway did not answer.", code="gateway_unavailable") from exc
        except stripe.APIError as exc:  # 5xx, and 409 (a concurrent request with the same key)
            raise GatewayUnavailable("The payment gateway had an error.", code="gateway_error") from exc
        except stripe.IdempotencyError as exc:  # a key reused with other parameters: a bug, not a retry
            raise PaymentError(exc.user_message or str(exc), code="idempotency_error") from exc
        except stripe.StripeError as exc:  # authentication, permission: configuration, not a retry
            raise PaymentError(exc.user_message or str(exc), code=exc.code or "payment_error") from exc

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
            # The charge carries ``capture_before`` (when the hold lapses); unexpanded it is only an id.
            params={"payment_method": payment_method, "expand": ["latest_charge"]},
            options={"idempotency_key": idempotency_key},
        )
        if intent.status != "requires_capture":
            raise CardDeclined(f"The payment could not be authorised ({intent.status}).", code="authorization_failed")
        return Authorization(intent_id=intent.id, capture_before=_capture_before(intent))

    def capture(self, *, intent_id: str, amount: Decimal | None, currency: str, idempotency_key: str) -> None:
        params = {} if amount is None else {"amount_to_capture": minor_units(amount, currency)}
        try:
            self._call(
                self.client.v1.payment_intents.capture,
                intent_id,
                params=params,
                options={"idempotency_key": idempotency_key},
            )
        except PaymentError as exc:
            if _intent_status_in_error(exc.__cause__) == "succeeded":
                raise AlreadyCaptured("The payment was already captured.", code="already_captured") from exc
            raise

    def cancel(self, *, intent_id: str, idempotency_key: str) -> None:
        try:
            self._call(self.client.v1.payment_intents.cancel, intent_id, options={"idempotency_key": idempotency_key})
        except PaymentError as exc:
            # Already cancelled (the hold lapsed, or a void whose answer was lost went
            # through): the goal is reached, and retrying would fail forever.
            status = _intent_status_in_error(exc.__cause__)
            if status == "succeeded":
                raise AlreadyCaptured("The payment was already captured.", code="already_captured") from exc
            if status != "canceled":
                raise

    def refund(self, *, intent_id: str, amount: Decimal, currency: str, idempotency_key: str) -> str:
        refund = self._call(
            self.client.v1.refunds.create,
            params={"payment_intent": intent_id, "amount": minor_units(amount, currency)},
            options={"idempotency_key": idempotency_key},
        )
        return refund.id

    # --- payouts (Connect) -------------------------------------------------------------

    def create_account(self, *, email: str, idempotency_key: str, metadata: dict) -> ConnectedAccount:
        account = self._call(
            self.client.v1.accounts.create,
            params={
                "type": "express",
                "email": email,
                "capabilities": {"transfers": {"requested": True}},
                "metadata": {k: str(v) for k, v in metadata.items()},
            },
            options={"idempotency_key": idempotency_key},
        )
        return _connected_account(account)

    def retrieve_account(self, *, account_id: str) -> ConnectedAccount:
        return _connected_account(self._call(self.client.v1.accounts.retrieve, account_id))

    def create_account_link(self, *, account_id: str, refresh_url: str, return_url: str) -> OnboardingLink:
        # No idempotency key: a link is single use, and asking again must give a fresh one.
        link = self._call(
            self.client.v1.account_links.create,
            params={
                "account": account_id,
                "refresh_url": refresh_url,
                "return_url": return_url,
                "type": "account_onboarding",
            },
        )
        expires_at = dt.datetime.fromtimestamp(link.expires_at, tz=dt.UTC) if link.expires_at else None
        return OnboardingLink(url=link.url, expires_at=expires_at)

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
        transfer = self._call(
            self.client.v1.transfers.create,
            params={
                "amount": minor_units(amount, currency),
                "currency": currency.lower(),
                "destination": destination,
                "transfer_group": transfer_group,
                "metadata": {k: str(v) for k, v in metadata.items()},
            },
            options={"idempotency_key": idempotency_key},
        )
        return transfer.id

    def reverse_transfer(
        self, *, transfer_id: str, amount: Decimal, currency: str, idempotency_key: str, metadata: dict
    ) -> str:
        reversal = self._call(
            self.client.v1.transfers.reversals.create,
            transfer_id,
            params={"amount": minor_units(amount, currency), "metadata": {k: str(v) for k, v in metadata.items()}},
            options={"idempotency_key": idempotency_key},
        )
        return reversal.id


def _connected_account(account) -> ConnectedAccount:
    """Our view of a Stripe ``account``: the flags, and what Stripe still needs from the host."""
    data = account.to_dict()  # a StripeObject is not a dict
    requirements = data.get("requirements") or {}
    due = [*(requirements.get("past_due") or []), *(requirements.get("currently_due") or [])]
    return ConnectedAccount(
        account_id=data["id"],
        charges_enabled=bool(data.get("charges_enabled")),
        payouts_enabled=bool(data.get("payouts_enabled")),
        details_submitted=bool(data.get("details_submitted")),
        requirements_due=tuple(dict.fromkeys(due)),
        disabled_reason=requirements.get("disabled_reason") or "",
    )


def failure_code(code: str | None, decline_code: str | None) -> str:
    """Our failure code for a Stripe card error: the specific decline reason when there is one.

    Stripe answers ``code=card_declined`` with ``decline_code=insufficient_funds``
    and the like; LocalGateway reports ``insufficient_funds`` itself.
    """
    code = code or "card_declined"
    if code == "card_declined" and decline_code and decline_code != "generic_decline":
        return decline_code
    return code


def major_units(amount: int, currency: str) -> Decimal:
    """The inverse of ``minor_units``: a Stripe integer amount as a Decimal in the currency's units."""
    factor = minor_units(Decimal(1), currency)
    return (Decimal(amount) / factor).quantize(Decimal("0.01"))


def _intent_status_in_error(exc: BaseException | None) -> str | None:
    """The PaymentIntent status Stripe attaches to a ``payment_intent_unexpected_state`` error."""
    if not isinstance(exc, stripe.InvalidRequestError) or exc.code != "payment_intent_unexpected_state":
        return None
    intent = ((exc.json_body or {}).get("error") or {}).get("payment_intent") or {}
    return intent.get("status")


def _capture_before(intent) -> dt.datetime | None:
    """``latest_charge.payment_method_details.card.capture_before`` (a Unix time), if present."""
    charge = intent.to_dict().get("latest_charge")  # a StripeObject is not a dict
    if not charge or isinstance(charge, str):
        return None
    card = (charge.get("payment_method_details") or {}).get("card") or {}
    timestamp = card.get("capture_before")
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC) if timestamp else None
