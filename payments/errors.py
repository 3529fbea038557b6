"""Payment errors: their codes (a client switches on them) and default messages.

``DeclineCode`` is what a guest's app is told when a card is refused. The gateway
reports many more reasons (Stripe's ``decline_code``s, our local gateway's); the
ones a guest can act on are named here and every other one becomes
``card_declined`` (``decline_code``), so a new reason at Stripe never reaches
clients as an unknown code.
"""

from enum import StrEnum

from airbnb.errors import ApplicationError


class PaymentErrorCode(StrEnum):
    PAYMENTS_UNAVAILABLE = "payments_unavailable"
    NOT_A_HOST = "not_a_host"
    PAYOUTS_UNAVAILABLE = "payouts_unavailable"
    PAYOUT_GATEWAY_ERROR = "payout_gateway_error"
    PAYLOAD_INVALID = "payload_invalid"
    SIGNATURE_MISSING = "signature_missing"
    SIGNATURE_INVALID = "signature_invalid"
    WEBHOOKS_NOT_CONFIGURED = "webhooks_not_configured"


class DeclineCode(StrEnum):
    CARD_DECLINED = "card_declined"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    EXPIRED_CARD = "expired_card"
    INCORRECT_CVC = "incorrect_cvc"
    INCORRECT_NUMBER = "incorrect_number"
    LOST_CARD = "lost_card"
    STOLEN_CARD = "stolen_card"
    CARD_NOT_SUPPORTED = "card_not_supported"
    CURRENCY_NOT_SUPPORTED = "currency_not_supported"
    CARD_VELOCITY_EXCEEDED = "card_velocity_exceeded"
    INVALID_PAYMENT_METHOD = "invalid_payment_method"
    AUTHORIZATION_FAILED = "authorization_failed"
    AMOUNT_INVALID = "amount_invalid"


def decline_code(reason: str | None) -> DeclineCode:
    """The code a client is shown for a gateway's decline reason; unknown reasons are ``card_declined``."""
    try:
        return DeclineCode(reason or "")
    except ValueError:
        return DeclineCode.CARD_DECLINED


class NotAHost(ApplicationError):
    code = PaymentErrorCode.NOT_A_HOST
    message = "Payouts are for hosts: publish a listing first."


class PayoutsUnavailable(ApplicationError):
    code = PaymentErrorCode.PAYOUTS_UNAVAILABLE
    message = "Payout setup is temporarily unavailable; please try again in a minute."


class PayoutGatewayError(ApplicationError):
    code = PaymentErrorCode.PAYOUT_GATEWAY_ERROR
    message = "The payment provider refused the request."


class WebhookEventInvalid(ApplicationError):
    code = PaymentErrorCode.PAYLOAD_INVALID
    message = "This is not a Stripe event."
