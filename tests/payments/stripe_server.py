"""A local server speaking the subset of Stripe's v1 API that ``StripeGateway`` uses.

Tests run the real ``stripe`` SDK against it (``STRIPE_API_BASE``), so what is
checked is the adapter's wire traffic, not a mock's idea of it. localstripe does
not replay idempotency keys and stripe-mock is stateless, hence this server.

Wire format as Stripe's:

* form-encoded bodies with bracketed keys (``metadata[booking]=1``,
  ``payment_method_types[0]=card`` or ``payment_method_types[]=card``);
* JSON objects shaped like Stripe's (``payment_intent``, ``charge``, ``refund``);
* errors as ``{"error": {"type": ..., "code": ..., "decline_code": ..., "message": ...}}``
  with 402 (``card_error``), 400/404 (``invalid_request_error``, ``idempotency_error``),
  401 (bad API key) and 500 (``api_error``).

Idempotency as Stripe's API v1: the first response to an ``Idempotency-Key`` (status
and body, errors and 500s included) is stored once the endpoint has started, and a
retry with the same key and parameters gets it back with ``Idempotent-Replayed:
true``; the same key with other parameters or on another endpoint is a 400
``idempotency_error``. Nothing is stored for a request rejected before the endpoint
ran: a bad API key, malformed or unknown parameters, an unknown object id.

Test payment methods (Stripe's): ``pm_card_visa`` / ``pm_card_mastercard`` /
``pm_card_visa_debit`` authorise; ``pm_card_chargeDeclined`` (``generic_decline``),
``pm_card_chargeDeclinedInsufficientFunds``, ``pm_card_chargeDeclinedExpiredCard``
and ``pm_card_chargeDeclinedProcessingError`` answer 402.

Connect (host payouts): ``POST /v1/accounts`` (Express accounts; created with
onboarding unfinished: nothing enabled, requirements due), ``GET /v1/accounts/{id}``,
``POST /v1/account_links`` (``account_onboarding``) and ``POST /v1/transfers`` /
``GET /v1/transfers/{id}``. A transfer needs a destination whose ``transfers``
capability is active (``insufficient_capabilities_for_transfer`` otherwise) and,
if ``platform_balance`` is set, enough balance (``balance_insufficient``). Test
controls: ``complete_onboarding(account_id)`` (what the host does on Stripe's
pages) and ``restrict_account(account_id)`` (Stripe wants more information).

Faults for the next N requests: ``fail_next`` (a 500, stored under the key like an
endpoint failure, or with ``stored=False`` like a failure in front of the API) and
``hang_next`` (the request is processed, then the answer is held back past the
client's timeout, as when a response is lost on the way back).
"""

from __future__ import annotations

import copy
import json
import re
import secrets
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest

API_KEY = "sk_test_local"
CAPTURE_WINDOW_SECONDS = 7 * 24 * 3600  # customer-initiated card holds last 7 days

CARDS = {
    "pm_card_visa": ("visa", "4242"),
    "pm_card_visa_debit": ("visa", "5556"),
    "pm_card_mastercard": ("mastercard", "4444"),
}
# payment method -> (code, decline_code, message)
DECLINES = {
    "pm_card_chargeDeclined": ("card_declined", "generic_decline", "Your card was declined."),
    "pm_card_chargeDeclinedInsufficientFunds": (
        "card_declined",
        "insufficient_funds",
        "Your card has insufficient funds.",
    ),
    "pm_card_chargeDeclinedExpiredCard": ("expired_card", "expired_card", "Your card has expired."),
    "pm_card_chargeDeclinedProcessingError": (
        "processing_error",
        None,
        "An error occurred while processing your card. Try again in a little bit.",
    ),
}
CANCELLABLE = {"requires_payment_method", "requires_capture", "requires_confirmation", "requires_action", "processing"}
PARAMS = {
    "create_intent": {
        "amount",
        "currency",
        "capture_method",
        "payment_method_types",
        "metadata",
        "description",
        "expand",
    },
    "confirm": {"payment_method", "expand", "return_url"},
    "capture": {"amount_to_capture", "metadata", "expand"},
    "cancel": {"cancellation_reason", "expand"},
    "create_refund": {"payment_intent", "amount", "reason", "metadata", "expand"},
    "retrieve": {"expand"},
    "create_account": {"type", "country", "email", "capabilities", "business_type", "metadata", "expand"},
    "create_account_link": {"account", "refresh_url", "return_url", "type", "collect", "collection_options", "expand"},
    "create_transfer": {
        "amount",
        "currency",
        "destination",
        "transfer_group",
        "metadata",
        "description",
        "source_transaction",
        "expand",
    },
    "create_transfer_reversal": {"amount", "description", "metadata", "refund_application_fee", "expand"},
}
ACCOUNT_REQUIREMENTS = ["business_type", "external_account", "tos_acceptance.date", "tos_acceptance.ip"]


class ApiFailure(Exception):
    """An error answer. ``stored`` is False when Stripe rejects before the endpoint runs."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        stored: bool = True,
        **extra,
    ):
        super().__init__(message)
        self.status = status
        self.stored = stored
        self.error = {"type": type, "message": message, **{k: v for k, v in extra.items() if v is not None}}
        if code:
            self.error["code"] = code
        if param:
            self.error["param"] = param

    def body(self) -> dict:
        return {"error": self.error}


def param_error(message: str, *, param: str | None = None, code: str = "parameter_invalid") -> ApiFailure:
    return ApiFailure(400, message, code=code, param=param, stored=False)


def state_error(message: str, *, code: str, param: str | None = None, **extra) -> ApiFailure:
    return ApiFailure(400, message, code=code, param=param, **extra)


def decode_form(pairs: list[tuple[str, str]]) -> dict:
    """Stripe's bracket encoding to nested dicts and lists."""
    root: dict = {}
    append_counters: dict[tuple, int] = {}
    for key, value in pairs:
        match = re.fullmatch(r"([^\[\]]+)((?:\[[^\[\]]*\])*)", key)
        if not match:
            raise param_error(f"Invalid parameter name: {key}")
        parts = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
        node = root
        for depth, part in enumerate(parts):
            if part == "":  # ``key[]=v`` appends
                prefix = tuple(parts[:depth])
                part = str(append_counters.get(prefix, 0))
                append_counters[prefix] = int(part) + 1
            if depth == len(parts) - 1:
                node[part] = value
            else:
                node = node.setdefault(part, {})
                if not isinstance(node, dict):
                    raise param_error(f"Invalid parameter name: {key}")
    return _lists_from_indexes(root)


def _lists_from_indexes(value):
    if not isinstance(value, dict):
        return value
    value = {k: _lists_from_indexes(v) for k, v in value.items()}
    if value and all(k.isdigit() for k in value):
        return [value[k] for k in sorted(value, key=int)]
    return value


def _positive_int(params: dict, name: str, *, required: bool) -> int | None:
    raw = params.get(name)
    if raw is None:
        if required:
            raise param_error(f"Missing required param: {name}.", param=name, code="parameter_missing")
        return None
    if not isinstance(raw, str) or not raw.isdigit():
        raise param_error(f"Invalid integer: {raw}", param=name)
    value = int(raw)
    if value < 1:
        raise param_error("This value must be greater than or equal to 1.", param=name)
    return value


def _new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


@dataclass
class RecordedRequest:
    method: str
    path: str
    params: dict
    idempotency_key: str | None
    authorization: str | None
    status: int | None = None
    replayed: bool = False


@dataclass
class StoredResponse:
    fingerprint: str
    status: int
    body: bytes


@dataclass
class Fault:
    kind: str  # "error" or "hang"
    status: int = 500
    stored: bool = True
    seconds: float = 0.0
    on: str | None = None  # only requests whose path ends with this

    def applies_to(self, path: str) -> bool:
        return self.on is None or path.endswith(self.on)


class FakeStripe:
    """Objects, the idempotency store, queued faults and the request log (no HTTP here)."""

    def __init__(self, api_key: str = API_KEY):
        self.api_key = api_key
        self.intents: dict[str, dict] = {}
        self.charges: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.accounts: dict[str, dict] = {}
        self.account_links: list[dict] = []
        self.transfers: dict[str, dict] = {}
        # Available platform balance per currency (minor units); None: unlimited.
        self.platform_balance: dict[str, int] | None = None
        self.requests: list[RecordedRequest] = []
        self._idempotency: dict[tuple[str, str], StoredResponse] = {}
        self._faults: list[Fault] = []
        # One request at a time (the answer may then be held back outside the lock).
        self._lock = threading.Lock()

    # --- test controls ------------------------------------------------------------

    def fail_next(self, n: int = 1, *, status: int = 500, stored: bool = True, on: str | None = None) -> None:
        """Answer the next ``n`` requests (whose path ends with ``on``, if given) with ``status``.

        ``stored=True`` behaves like a failure inside the endpoint: the 500 is kept
        under the idempotency key and replayed to retries, as Stripe does.
        """
        with self._lock:
            self._faults.extend(Fault("error", status=status, stored=stored, on=on) for _ in range(n))

    def hang_next(self, n: int = 1, *, seconds: float = 3.0, on: str | None = None) -> None:
        """Process the next ``n`` requests (to ``on``) but hold their answers back for ``seconds``."""
        with self._lock:
            self._faults.extend(Fault("hang", seconds=seconds, on=on) for _ in range(n))

    def complete_onboarding(self, account_id: str) -> None:
        """The host finishes Stripe's onboarding pages: details submitted, transfers and payouts enabled."""
        with self._lock:
            account = self.accounts[account_id]
            account.update(details_submitted=True, charges_enabled=True, payouts_enabled=True)
            account["capabilities"] = {name: "active" for name in account["capabilities"]}
            account["requirements"].update(currently_due=[], eventually_due=[], past_due=[], disabled_reason=None)

    def restrict_account(self, account_id: str, *, due: str = "individual.verification.document") -> None:
        """Stripe needs more information: payouts and transfers are disabled until the host provides it."""
        with self._lock:
            account = self.accounts[account_id]
            account.update(payouts_enabled=False, charges_enabled=False)
            account["capabilities"] = {name: "inactive" for name in account["capabilities"]}
            account["requirements"].update(past_due=[due], currently_due=[due], disabled_reason="requirements.past_due")

    def _take_fault(self, path: str) -> Fault | None:
        for fault in self._faults:
            if fault.applies_to(path):
                self._faults.remove(fault)
                return fault
        return None

    def requests_to(self, path_suffix: str, method: str = "POST") -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method and r.path.endswith(path_suffix)]

    # --- request handling ---------------------------------------------------------

    def handle(self, method: str, path: str, params: dict, headers) -> tuple[int, bytes, dict, float]:
        """Answer one request: (status, JSON body, extra headers, seconds to hold the answer)."""
        record = RecordedRequest(
            method=method,
            path=path,
            params=params,
            idempotency_key=headers.get("Idempotency-Key"),
            authorization=headers.get("Authorization"),
        )
        with self._lock:
            self.requests.append(record)
            status, body, extra, delay = self._handle(record)
            record.status = status
            record.replayed = extra.get("Idempotent-Replayed") == "true"
        return status, body, extra, delay

    def _handle(self, record: RecordedRequest) -> tuple[int, bytes, dict, float]:
        fault = self._take_fault(record.path)
        delay = fault.seconds if fault and fault.kind == "hang" else 0.0
        if record.authorization != f"Bearer {self.api_key}":
            shown = (record.authorization or "").removeprefix("Bearer ")[:12]
            failure = ApiFailure(401, f"Invalid API Key provided: {shown}***", stored=False)
            return failure.status, _json(failure.body()), {}, delay
        if fault and fault.kind == "error" and not fault.stored:
            return fault.status, _json(_api_error_body()), {}, delay

        key = record.idempotency_key if record.method == "POST" else None
        fingerprint = json.dumps([record.method, record.path, record.params], sort_keys=True)
        if key:
            stored = self._idempotency.get((self.api_key, key))
            if stored is not None:
                if stored.fingerprint != fingerprint:
                    failure = ApiFailure(
                        400,
                        "Keys for idempotent requests can only be used with the same parameters they were first "
                        f"used with. Try using a key other than '{key}' if you meant to execute a different request.",
                        type="idempotency_error",
                        stored=False,
                    )
                    return failure.status, _json(failure.body()), {}, delay
                return stored.status, stored.body, {"Idempotent-Replayed": "true", "Idempotency-Key": key}, delay

        if fault and fault.kind == "error":
            status, body, store = fault.status, _json(_api_error_body()), True
        else:
            try:
                status, body, store = 200, _json(self._route(record.method, record.path, record.params)), True
            except ApiFailure as failure:
                status, body, store = failure.status, _json(failure.body()), failure.stored
        extra = {}
        if key:
            extra["Idempotency-Key"] = key
            if store:
                self._idempotency[(self.api_key, key)] = StoredResponse(fingerprint, status, body)
        return status, body, extra, delay

    def _route(self, method: str, path: str, params: dict) -> dict:
        routes = [
            ("POST", r"/v1/payment_intents", self.intent_create),
            ("GET", r"/v1/payment_intents/(?P<id>[^/]+)", self.intent_retrieve),
            ("POST", r"/v1/payment_intents/(?P<id>[^/]+)/confirm", self.intent_confirm),
            ("POST", r"/v1/payment_intents/(?P<id>[^/]+)/capture", self.intent_capture),
            ("POST", r"/v1/payment_intents/(?P<id>[^/]+)/cancel", self.intent_cancel),
            ("POST", r"/v1/refunds", self.refund_create),
            ("GET", r"/v1/refunds/(?P<id>[^/]+)", self.refund_retrieve),
            ("GET", r"/v1/charges/(?P<id>[^/]+)", self.charge_retrieve),
            ("POST", r"/v1/accounts", self.account_create),
            ("GET", r"/v1/accounts/(?P<id>[^/]+)", self.account_retrieve),
            ("POST", r"/v1/account_links", self.account_link_create),
            ("POST", r"/v1/transfers", self.transfer_create),
            ("GET", r"/v1/transfers/(?P<id>[^/]+)", self.transfer_retrieve),
            ("POST", r"/v1/transfers/(?P<id>[^/]+)/reversals", self.transfer_reversal_create),
        ]
        for route_method, pattern, view in routes:
            match = re.fullmatch(pattern, path)
            if match and route_method == method:
                return view(params, **match.groupdict())
        raise ApiFailure(404, f"Unrecognized request URL ({method}: {path}).", stored=False)

    # --- endpoints ------------------------------------------------------------------

    def _check_params(self, params: dict, endpoint: str) -> None:
        unknown = sorted(set(params) - PARAMS[endpoint])
        if unknown:
            raise param_error(f"Received unknown parameter: {unknown[0]}", param=unknown[0])
        expand = params.get("expand", [])
        if not isinstance(expand, list) or any(not isinstance(e, str) for e in expand):
            raise param_error("Invalid array", param="expand")

    def _intent(self, intent_id: str) -> dict:
        intent = self.intents.get(intent_id)
        if intent is None:
            raise ApiFailure(
                404, f"No such payment_intent: '{intent_id}'", code="resource_missing", param="intent", stored=False
            )
        return intent

    def _render_intent(self, intent: dict, params: dict) -> dict:
        out = copy.deepcopy(intent)
        if "latest_charge" in params.get("expand", []) and out["latest_charge"]:
            out["latest_charge"] = copy.deepcopy(self.charges[out["latest_charge"]])
        return out

    def intent_create(self, params: dict) -> dict:
        self._check_params(params, "create_intent")
        amount = _positive_int(params, "amount", required=True)
        currency = params.get("currency")
        if not isinstance(currency, str) or not re.fullmatch(r"[A-Za-z]{3}", currency):
            raise param_error(f"Invalid currency: {currency}", param="currency")
        capture_method = params.get("capture_method", "automatic_async")
        if capture_method not in ("automatic", "automatic_async", "manual"):
            raise param_error(f"Invalid capture_method: {capture_method}", param="capture_method")
        methods = params.get("payment_method_types", ["card"])
        if methods != ["card"]:
            raise param_error("Only card payments are supported here.", param="payment_method_types")
        metadata = params.get("metadata", {})
        if not isinstance(metadata, dict) or any(not isinstance(v, str) for v in metadata.values()):
            raise param_error("Invalid metadata", param="metadata")
        intent_id = _new_id("pi")
        self.intents[intent_id] = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_capturable": 0,
            "amount_received": 0,
            "currency": currency.lower(),
            "capture_method": capture_method,
            "canceled_at": None,
            "cancellation_reason": None,
            "client_secret": f"{intent_id}_secret_{secrets.token_hex(8)}",
            "created": int(time.time()),
            "description": params.get("description"),
            "last_payment_error": None,
            "latest_charge": None,
            "livemode": False,
            "metadata": metadata,
            "payment_method": None,
            "payment_method_types": methods,
            "status": "requires_payment_method",
        }
        return self._render_intent(self.intents[intent_id], params)

    def intent_retrieve(self, params: dict, id: str) -> dict:
        self._check_params(params, "retrieve")
        return self._render_intent(self._intent(id), params)

    def intent_confirm(self, params: dict, id: str) -> dict:
        self._check_params(params, "confirm")
        intent = self._intent(id)
        if intent["status"] not in ("requires_payment_method", "requires_confirmation"):
            raise state_error(
                f"You cannot confirm this PaymentIntent because it has a status of {intent['status']}.",
                code="payment_intent_unexpected_state",
                payment_intent=copy.deepcopy(intent),
            )
        method = params.get("payment_method")
        if not method:
            raise param_error("You must provide a payment_method.", param="payment_method", code="parameter_missing")
        if method not in CARDS and method not in DECLINES:
            raise ApiFailure(
                400,
                f"No such PaymentMethod: '{method}'",
                code="resource_missing",
                param="payment_method",
                stored=False,
            )
        charge = self._charge_new(intent, method)
        intent["payment_method"] = method
        intent["latest_charge"] = charge["id"]
        if method in DECLINES:
            code, decline_code, message = DECLINES[method]
            charge.update(status="failed", paid=False, failure_code=code, failure_message=message)
            error = {"type": "card_error", "code": code, "decline_code": decline_code, "message": message}
            intent["status"] = "requires_payment_method"
            intent["last_payment_error"] = {**error, "payment_method": {"id": method, "object": "payment_method"}}
            raise ApiFailure(
                402,
                message,
                type="card_error",
                code=code,
                decline_code=decline_code,
                charge=charge["id"],
                payment_intent=copy.deepcopy(intent),
            )
        intent["last_payment_error"] = None
        if intent["capture_method"] == "manual":
            intent.update(status="requires_capture", amount_capturable=intent["amount"])
            charge["payment_method_details"]["card"]["capture_before"] = int(time.time()) + CAPTURE_WINDOW_SECONDS
        else:
            intent.update(status="succeeded", amount_received=intent["amount"])
            charge.update(captured=True, amount_captured=intent["amount"])
        return self._render_intent(intent, params)

    def _charge_new(self, intent: dict, method: str) -> dict:
        brand, last4 = CARDS.get(method, ("visa", "0002"))
        charge_id = _new_id("ch")
        self.charges[charge_id] = {
            "id": charge_id,
            "object": "charge",
            "amount": intent["amount"],
            "amount_captured": 0,
            "amount_refunded": 0,
            "captured": False,
            "created": int(time.time()),
            "currency": intent["currency"],
            "failure_code": None,
            "failure_message": None,
            "livemode": False,
            "paid": True,
            "payment_intent": intent["id"],
            "payment_method": method,
            "payment_method_details": {
                "type": "card",
                "card": {"brand": brand, "last4": last4, "exp_month": 12, "exp_year": 2034, "capture_before": None},
            },
            "refunded": False,
            "status": "succeeded",
        }
        return self.charges[charge_id]

    def intent_capture(self, params: dict, id: str) -> dict:
        self._check_params(params, "capture")
        intent = self._intent(id)
        amount = _positive_int(params, "amount_to_capture", required=False)
        if intent["status"] != "requires_capture":
            raise state_error(
                f"This PaymentIntent could not be captured because it has a status of {intent['status']}.",
                code="payment_intent_unexpected_state",
                payment_intent=copy.deepcopy(intent),
            )
        capturable = intent["amount_capturable"]
        if amount is None:
            amount = capturable
        if amount > capturable:
            raise state_error(
                f"The amount to capture ({amount}) is greater than the amount capturable ({capturable}).",
                code="amount_too_large",
                param="amount_to_capture",
            )
        intent.update(status="succeeded", amount_received=amount, amount_capturable=0)
        # As Stripe does: what is not captured is released and shows as refunded on the charge.
        charge = self.charges[intent["latest_charge"]]
        charge.update(captured=True, amount_captured=amount, amount_refunded=intent["amount"] - amount)
        return self._render_intent(intent, params)

    def intent_cancel(self, params: dict, id: str) -> dict:
        self._check_params(params, "cancel")
        intent = self._intent(id)
        if intent["status"] not in CANCELLABLE:
            raise state_error(
                f"You cannot cancel this PaymentIntent because it has a status of {intent['status']}.",
                code="payment_intent_unexpected_state",
                payment_intent=copy.deepcopy(intent),
            )
        if intent["status"] == "requires_capture":
            charge = self.charges[intent["latest_charge"]]
            charge.update(amount_refunded=charge["amount"], refunded=True)
        intent.update(
            status="canceled",
            amount_capturable=0,
            canceled_at=int(time.time()),
            cancellation_reason=params.get("cancellation_reason"),
        )
        return self._render_intent(intent, params)

    def refund_create(self, params: dict) -> dict:
        self._check_params(params, "create_refund")
        intent_id = params.get("payment_intent")
        if not intent_id:
            raise param_error(
                "Missing required param: payment_intent.", param="payment_intent", code="parameter_missing"
            )
        intent = self._intent(intent_id)
        amount = _positive_int(params, "amount", required=False)
        if intent["status"] != "succeeded":
            raise state_error(
                f"This PaymentIntent ({intent_id}) does not have a successful charge to refund.",
                code="charge_not_refundable",
                param="payment_intent",
            )
        charge = self.charges[intent["latest_charge"]]
        refundable = charge["amount"] - charge["amount_refunded"]
        if refundable <= 0:
            raise state_error(f"Charge {charge['id']} has already been refunded.", code="charge_already_refunded")
        if amount is None:
            amount = refundable
        if amount > refundable:
            raise state_error(
                f"Refund amount ({amount}) is greater than unrefunded amount on charge ({refundable})",
                code="amount_too_large",
                param="amount",
            )
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        refund_id = _new_id("re")
        self.refunds[refund_id] = {
            "id": refund_id,
            "object": "refund",
            "amount": amount,
            "charge": charge["id"],
            "created": int(time.time()),
            "currency": intent["currency"],
            "metadata": params.get("metadata", {}),
            "payment_intent": intent_id,
            "reason": params.get("reason"),
            "status": "succeeded",
        }
        return copy.deepcopy(self.refunds[refund_id])

    def refund_retrieve(self, params: dict, id: str) -> dict:
        self._check_params(params, "retrieve")
        if id not in self.refunds:
            raise ApiFailure(404, f"No such refund: '{id}'", code="resource_missing", param="id", stored=False)
        return copy.deepcopy(self.refunds[id])

    def charge_retrieve(self, params: dict, id: str) -> dict:
        self._check_params(params, "retrieve")
        if id not in self.charges:
            raise ApiFailure(404, f"No such charge: '{id}'", code="resource_missing", param="id", stored=False)
        return copy.deepcopy(self.charges[id])

    # --- Connect ------------------------------------------------------------------

    def _metadata(self, params: dict) -> dict:
        metadata = params.get("metadata", {})
        if not isinstance(metadata, dict) or any(not isinstance(v, str) for v in metadata.values()):
            raise param_error("Invalid metadata", param="metadata")
        return metadata

    def _account(self, account_id: str, *, param: str = "account") -> dict:
        account = self.accounts.get(account_id)
        if account is None:
            raise ApiFailure(
                404 if param == "account" else 400,
                f"No such {param}: '{account_id}'",
                code="resource_missing",
                param=param,
                stored=False,
            )
        return account

    def account_create(self, params: dict) -> dict:
        self._check_params(params, "create_account")
        account_type = params.get("type", "express")
        if account_type not in ("express", "standard", "custom"):
            raise param_error("Invalid type: must be one of custom, express, or standard", param="type")
        email = params.get("email")
        if email is not None and (not isinstance(email, str) or "@" not in email):
            raise param_error(f"Invalid email address: {email}", param="email", code="email_invalid")
        capabilities = params.get("capabilities", {})
        if not isinstance(capabilities, dict) or any(
            not isinstance(v, dict) or v.get("requested") not in ("true", "false") for v in capabilities.values()
        ):
            raise param_error("Invalid capabilities", param="capabilities")
        requested = [name for name, v in capabilities.items() if v["requested"] == "true"]
        if account_type == "express" and not requested:
            raise param_error(
                "Express accounts must request at least one capability (e.g. transfers).", param="capabilities"
            )
        account_id = f"acct_{secrets.token_hex(8)}"
        self.accounts[account_id] = {
            "id": account_id,
            "object": "account",
            "type": account_type,
            "business_type": params.get("business_type"),
            "capabilities": {name: "inactive" for name in requested},
            "charges_enabled": False,
            "payouts_enabled": False,
            "details_submitted": False,
            "country": params.get("country", "US"),
            "created": int(time.time()),
            "default_currency": "usd",
            "email": email,
            "metadata": self._metadata(params),
            "requirements": {
                "currently_due": list(ACCOUNT_REQUIREMENTS),
                "eventually_due": list(ACCOUNT_REQUIREMENTS),
                "past_due": list(ACCOUNT_REQUIREMENTS),
                "disabled_reason": "requirements.past_due",
                "errors": [],
            },
        }
        return copy.deepcopy(self.accounts[account_id])

    def account_retrieve(self, params: dict, id: str) -> dict:
        self._check_params(params, "retrieve")
        return copy.deepcopy(self._account(id))

    def account_link_create(self, params: dict) -> dict:
        self._check_params(params, "create_account_link")
        account_id = params.get("account")
        if not account_id:
            raise param_error("Missing required param: account.", param="account", code="parameter_missing")
        for name in ("refresh_url", "return_url"):
            url = params.get(name)
            if not isinstance(url, str) or not re.match(r"https?://[^/]+", url):
                raise param_error(f"Not a valid URL: {name}", param=name, code="url_invalid")
        link_type = params.get("type")
        if link_type not in ("account_onboarding", "account_update"):
            raise param_error(f"Invalid type: {link_type}", param="type")
        account = self._account(account_id, param="account")
        if link_type == "account_update" and account["type"] == "express":
            raise state_error(
                "You cannot create `account_update` type Account Links for Express accounts.", code="parameter_invalid"
            )
        created = int(time.time())
        link = {
            "object": "account_link",
            "created": created,
            "expires_at": created + 300,
            "url": f"https://connect.stripe.com/setup/e/{account_id}/{secrets.token_urlsafe(12)}",
        }
        self.account_links.append(
            {**link, "account": account_id, **{k: params[k] for k in ("refresh_url", "return_url", "type")}}
        )
        return link

    def transfer_create(self, params: dict) -> dict:
        self._check_params(params, "create_transfer")
        amount = _positive_int(params, "amount", required=True)
        currency = params.get("currency")
        if not isinstance(currency, str) or not re.fullmatch(r"[A-Za-z]{3}", currency):
            raise param_error(f"Invalid currency: {currency}", param="currency")
        destination_id = params.get("destination")
        if not destination_id:
            raise param_error("Missing required param: destination.", param="destination", code="parameter_missing")
        metadata = self._metadata(params)
        destination = self._account(destination_id, param="destination")
        if destination["capabilities"].get("transfers") != "active":
            raise state_error(
                "Your destination account needs to have at least one of the following capabilities enabled: "
                "transfers, crypto_transfers, legacy_payments",
                code="insufficient_capabilities_for_transfer",
                param="destination",
            )
        currency = currency.lower()
        if self.platform_balance is not None:
            available = self.platform_balance.get(currency, 0)
            if amount > available:
                raise state_error(
                    "You have insufficient available funds in your Stripe account.", code="balance_insufficient"
                )
            self.platform_balance[currency] = available - amount
        transfer_id = _new_id("tr")
        self.transfers[transfer_id] = {
            "id": transfer_id,
            "object": "transfer",
            "amount": amount,
            "amount_reversed": 0,
            "created": int(time.time()),
            "currency": currency,
            "description": params.get("description"),
            "destination": destination_id,
            "destination_payment": _new_id("py"),
            "livemode": False,
            "metadata": metadata,
            "reversed": False,
            "source_transaction": params.get("source_transaction"),
            "transfer_group": params.get("transfer_group"),
        }
        return copy.deepcopy(self.transfers[transfer_id])

    def transfer_retrieve(self, params: dict, id: str) -> dict:
        self._check_params(params, "retrieve")
        if id not in self.transfers:
            raise ApiFailure(404, f"No such transfer: '{id}'", code="resource_missing", param="id", stored=False)
        return copy.deepcopy(self.transfers[id])

    def transfer_reversal_create(self, params: dict, id: str) -> dict:
        """Take money back from a transfer: all that is left by default, never more than that."""
        self._check_params(params, "create_transfer_reversal")
        if id not in self.transfers:
            raise ApiFailure(404, f"No such transfer: '{id}'", code="resource_missing", param="id")
        transfer = self.transfers[id]
        left = transfer["amount"] - transfer["amount_reversed"]
        if left == 0:
            raise state_error(f"Transfer {id} has already been fully reversed.", code="transfer_already_reversed")
        amount = _positive_int(params, "amount", required=False) or left
        if amount > left:
            raise param_error(
                f"Amount ({amount}) is greater than unreversed amount on transfer ({left})", param="amount"
            )
        reversal_id = _new_id("trr")
        reversal = {
            "id": reversal_id,
            "object": "transfer_reversal",
            "amount": amount,
            "balance_transaction": _new_id("txn"),
            "created": int(time.time()),
            "currency": transfer["currency"],
            "destination_payment_refund": _new_id("pyr"),
            "metadata": self._metadata(params),
            "source_refund": None,
            "transfer": id,
        }
        transfer["amount_reversed"] += amount
        transfer["reversed"] = transfer["amount_reversed"] == transfer["amount"]
        listing = {"object": "list", "data": [], "has_more": False, "url": f"/v1/transfers/{id}/reversals"}
        transfer.setdefault("reversals", listing)["data"].append(reversal)
        if self.platform_balance is not None:
            self.platform_balance[transfer["currency"]] = self.platform_balance.get(transfer["currency"], 0) + amount
        return copy.deepcopy(reversal)


def _json(body: dict) -> bytes:
    return json.dumps(body, indent=2).encode()


def _api_error_body() -> dict:
    return {"error": {"type": "api_error", "message": "An unknown error occurred while processing your request."}}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the SDK's requests session expects
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    server: StripeServer

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def do_DELETE(self) -> None:
        self._answer("DELETE")

    def _answer(self, method: str) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        try:
            pairs = parse_qsl(url.query, keep_blank_values=True) + parse_qsl(raw, keep_blank_values=True)
            params = decode_form(pairs)
        except ApiFailure as failure:
            status, body, extra, delay = failure.status, _json(failure.body()), {}, 0.0
        else:
            status, body, extra, delay = self.server.stripe.handle(method, url.path, params, self.headers)
        if delay and self.server.stopping.wait(delay):
            return
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Request-Id", _new_id("req"))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout): the request was still processed

    def log_message(self, format, *args) -> None:
        pass


class StripeServer(ThreadingHTTPServer):
    """``ThreadingHTTPServer`` on 127.0.0.1 serving a ``FakeStripe``; ``url`` for ``STRIPE_API_BASE``."""

    daemon_threads = True

    def __init__(self, stripe: FakeStripe | None = None, port: int = 0):
        super().__init__(("127.0.0.1", port), _Handler)
        self.stripe = stripe or FakeStripe()
        self.stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def process_request(self, request, client_address) -> None:
        self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request) -> None:
        self._connections.discard(request)
        super().shutdown_request(request)

    def start(self) -> StripeServer:
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, name="stripe-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # wakes held-back answers
        self.shutdown()
        for connection in list(self._connections):  # idle keep-alive connections
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.server_close()
        if self._thread:
            self._thread.join(timeout=5)


@pytest.fixture(name="stripe_server")
def stripe_server_fixture():
    """A ``StripeServer`` on a free port for one test; ``.stripe`` is its ``FakeStripe``."""
    server = StripeServer().start()
    try:
        yield server
    finally:
        server.stop()
