"""Payment errors: their codes (a client switches on them) and default messages.

``DeclineCode`` is what a guest's app is told when a card is refused. The gateway
reports many more reasons (Stripe's ``decline_code``s, our local gateway's); the
ones a guest can act on are named here and every other one becomes
``card_declined`` (``decline_code``), so a new reason at Stripe never reaches
clients as an unknown code.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

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


# What a guest reads for each code, in their language. The gateway's own text (English, and
# Stripe's wording) stays in the payment's record for support; lost and stolen cards read as
# a plain decline, as banks ask.
DECLINE_MESSAGES: dict[DeclineCode, str] = {
    DeclineCode.CARD_DECLINED: _("Your card was declined."),
    DeclineCode.INSUFFICIENT_FUNDS: _("Your card has insufficient funds."),
    DeclineCode.EXPIRED_CARD: _("Your card has expired."),
    DeclineCode.INCORRECT_CVC: _("Your card's security code is incorrect."),
    DeclineCode.INCORRECT_NUMBER: _("Your card number is incorrect."),
    DeclineCode.LOST_CARD: _("Your card was declined."),
    DeclineCode.STOLEN_CARD: _("Your card was declined."),
    DeclineCode.CARD_NOT_SUPPORTED: _("Your card does not support this kind of payment."),
    DeclineCode.CURRENCY_NOT_SUPPORTED: _("Your card does not support this currency."),
    DeclineCode.CARD_VELOCITY_EXCEEDED: _("Your card has reached its spending limit for now."),
    DeclineCode.INVALID_PAYMENT_METHOD: _("This payment method is not recognised."),
    DeclineCode.AUTHORIZATION_FAILED: _("The payment could not be authorised."),
    DeclineCode.AMOUNT_INVALID: _("The amount to pay is not valid."),
}


def decline_message(code: DeclineCode) -> str:
    """The guest's message for a decline code, in the active language."""
    return str(DECLINE_MESSAGES.get(code, DECLINE_MESSAGES[DeclineCode.CARD_DECLINED]))


class NotAHost(ApplicationError):
    code = PaymentErrorCode.NOT_A_HOST
    message = _("Payouts are for hosts: publish a listing first.")


class PayoutsUnavailable(ApplicationError):
    code = PaymentErrorCode.PAYOUTS_UNAVAILABLE
    message = _("Payout setup is temporarily unavailable; please try again in a minute.")


class PayoutGatewayError(ApplicationError):
    code = PaymentErrorCode.PAYOUT_GATEWAY_ERROR
    message = _("The payment provider refused the request.")


class WebhookEventInvalid(ApplicationError):
    code = PaymentErrorCode.PAYLOAD_INVALID
    message = _("This is not a Stripe event.")
