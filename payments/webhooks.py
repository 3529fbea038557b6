"""Stripe's webhook endpoint: ``POST /api/v1/payments/stripe/webhook/``.

A plain Django view rather than a DRF one: the signature is computed over the raw
body, Stripe authenticates by that signature (no session, no token, no CSRF), and
Stripe must never be throttled. Being outside DRF it is also outside the OpenAPI
schema, which documents the API our clients call. The work happens in
``payments.services.webhooks``.
"""

from __future__ import annotations

import logging

import stripe
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt

from airbnb.api.errors import HTTP_STATUS_BY_CODE, error_body
from airbnb.errors import CommonErrorCode

from .errors import PaymentErrorCode
from .services.webhooks import WebhookEventInvalid, stripe_event_handle

logger = logging.getLogger(__name__)


def _error(code, message: str) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=HTTP_STATUS_BY_CODE[code])


@csrf_exempt
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    """Verify the ``Stripe-Signature`` (300 s tolerance) and apply the event once.

    200 ``{"status": "processed" | "duplicate" | "ignored"}``; 400 for a missing or
    bad signature or a payload that is not an event (Stripe retries nothing we
    could not read); 503 while no webhook secret is configured (Stripe retries).
    """
    if request.method != "POST":
        response = _error(CommonErrorCode.METHOD_NOT_ALLOWED, gettext("Use POST."))
        response["Allow"] = "POST"
        return response
    # The platform's endpoint and the Connect endpoint (events of the hosts' connected
    # accounts, e.g. account.updated) may post here, each signed with its own secret.
    secrets = [s for s in (settings.STRIPE_WEBHOOK_SECRET, settings.STRIPE_CONNECT_WEBHOOK_SECRET) if s]
    if not secrets:
        logger.error("a Stripe webhook arrived but STRIPE_WEBHOOK_SECRET is not set")
        return _error(
            PaymentErrorCode.WEBHOOKS_NOT_CONFIGURED, gettext("Stripe webhooks are not configured on this server.")
        )
    signature = request.headers.get("Stripe-Signature")
    if not signature:
        return _error(PaymentErrorCode.SIGNATURE_MISSING, gettext("The Stripe-Signature header is missing."))
    event = None
    for secret in secrets:
        try:
            event = stripe.Webhook.construct_event(request.body, signature, secret)
            break
        except stripe.SignatureVerificationError:
            continue
        except (ValueError, AttributeError):
            # ValueError: not UTF-8 or not JSON; AttributeError: JSON that is not an object.
            return _error(PaymentErrorCode.PAYLOAD_INVALID, gettext("The payload is not a Stripe event."))
    if event is None:
        return _error(
            PaymentErrorCode.SIGNATURE_INVALID,
            gettext("The Stripe-Signature does not match this payload, or is too old."),
        )
    try:
        result = stripe_event_handle(event=event.to_dict())
    except WebhookEventInvalid as exc:
        return _error(exc.code, exc.message)
    return JsonResponse({"status": result})
