"""Forms of the booking pages: the dates box, checkout, and cancellation reasons."""

from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from airbnb.form_errors import form_field_for
from listings.models import MAX_STAY_NIGHTS
from payments.services.payments import payment_method_from_card

MAX_GUESTS = 50

TEST_CARDS = [
    ("4242 4242 4242 4242", _("payment succeeds")),
    ("4000 0000 0000 0002", _("card declined")),
    ("4000 0000 0000 9995", _("insufficient funds")),
]


def local_gateway_in_use() -> bool:
    """Whether payments go to the local gateway, which understands Stripe's test cards."""
    return getattr(settings, "PAYMENT_GATEWAY", "").endswith(".LocalGateway")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class StayForm(forms.Form):
    """Check-in, check-out and guests, as the listing page and checkout take them (GET)."""

    check_in = forms.DateField(
        label=_("Check-in"),
        widget=DateInput(attrs={"data-checkin": ""}),
        error_messages={
            "required": _("Add a check-in date."),
            "invalid": _("Enter a date like 2025-07-14."),
        },
    )
    check_out = forms.DateField(
        label=_("Check-out"),
        widget=DateInput(attrs={"data-checkout": ""}),
        error_messages={
            "required": _("Add a check-out date."),
            "invalid": _("Enter a date like 2025-07-18."),
        },
    )
    guests = forms.IntegerField(
        label=_("Guests"),
        min_value=1,
        max_value=MAX_GUESTS,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
        error_messages={
            "required": _("Enter the number of guests."),
            "invalid": _("Enter the number of guests as a whole number."),
            "min_value": _("At least 1 guest."),
            "max_value": _("At most %(limit_value)s guests."),
        },
    )

    def __init__(self, data=None, *args, listing=None, **kwargs):
        if data is not None and "guests" not in data:
            # Links with dates only (alternatives, shared URLs) mean one guest.
            data = data.copy()
            data["guests"] = "1"
        super().__init__(data, *args, **kwargs)
        if listing is not None:
            self.fields["guests"].widget.attrs["max"] = listing.max_guests

    def clean(self):
        cleaned = super().clean()
        check_in, check_out = cleaned.get("check_in"), cleaned.get("check_out")
        if check_in and check_out:
            if check_out <= check_in:
                self.add_error("check_out", gettext("Check-out must be after check-in."))
            elif (check_out - check_in).days > MAX_STAY_NIGHTS:
                self.add_error("check_out", gettext("Stays are at most %(count)s nights.") % {"count": MAX_STAY_NIGHTS})
        return cleaned

    def add_reason(self, reason: dict | None) -> bool:
        """Show a booking reason next to its field; returns whether it had one."""
        field = form_field_for(reason["code"], self) if reason else None
        if field is None:
            return False
        self.add_error(field, reason["message"])
        return True


class CardNumberInput(forms.TextInput):
    """A card number is never written back into a page, not even after an error."""

    def format_value(self, value):
        return None


class CheckoutForm(StayForm):
    """The stay (hidden, as quoted), a message, the card and this attempt's idempotency key.

    ``cleaned_data["card_number"]`` is the payment method id to charge: a ``pm_...``
    id as given, or the Stripe test PaymentMethod for a test card number. Other
    numbers are refused: card data never reaches this server in production.
    """

    message = forms.CharField(
        label=_("Message the host"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say hello and tell the host a little about your trip."),
    )
    card_number = forms.CharField(
        label=_("Card number"),
        max_length=255,
        widget=CardNumberInput(attrs={"autocomplete": "cc-number", "inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"required": _("Enter a card number.")},
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    # The total shown on this page: booking is refused if the price changed meanwhile.
    expected_total = forms.DecimalField(max_digits=10, decimal_places=2, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("check_in", "check_out", "guests"):
            self.fields[name].widget = forms.HiddenInput()
        if local_gateway_in_use():
            self.fields["card_number"].help_text = _("Test mode: use one of the test cards listed below.")

    def clean_card_number(self) -> str:
        value = self.cleaned_data["card_number"].strip()
        if value.startswith("pm_") and value.isprintable() and " " not in value:
            return value
        method = payment_method_from_card(value)
        if method is None:
            if local_gateway_in_use():
                raise ValidationError(gettext("Use one of the test card numbers listed below."))
            raise ValidationError(gettext("Enter a valid card number."))
        return method

    @staticmethod
    def new_key() -> str:
        return str(uuid.uuid4())


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the booking's history."),
    )
