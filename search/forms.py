from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

MAX_GUESTS = 16


def earliest_allowed_date() -> date:
    """Today somewhere on Earth: the server runs in UTC, travellers as far west as UTC-12."""
    return (timezone.now() - timedelta(hours=12)).date()


class SearchForm(forms.Form):
    """The GET parameters of the search page. Dates are validated and kept, not yet used to filter."""

    q = forms.CharField(
        label="Where",
        max_length=100,
        error_messages={"required": "Enter a city to search, for example Paris."},
    )
    checkin = forms.DateField(
        label="Check-in", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    checkout = forms.DateField(
        label="Check-out", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    guests = forms.IntegerField(
        label="Guests",
        required=False,
        min_value=1,
        max_value=MAX_GUESTS,
        error_messages={
            "invalid": f"Enter the number of guests, from 1 to {MAX_GUESTS}.",
            "min_value": "At least 1 guest.",
            "max_value": f"At most {MAX_GUESTS} guests.",
        },
    )

    def clean_guests(self) -> int:
        return self.cleaned_data.get("guests") or 1

    def clean_checkin(self) -> date | None:
        checkin = self.cleaned_data.get("checkin")
        if checkin and checkin < earliest_allowed_date():
            raise ValidationError("Check-in can't be in the past.")
        return checkin

    def clean_checkout(self) -> date | None:
        checkout = self.cleaned_data.get("checkout")
        if checkout and checkout < earliest_allowed_date():
            raise ValidationError("Check-out can't be in the past.")
        return checkout

    def clean(self):
        cleaned = super().clean()
        checkin, checkout = cleaned.get("checkin"), cleaned.get("checkout")
        if checkin and checkout and checkout <= checkin:
            self.add_error("checkout", "Check-out must be after check-in.")
        elif checkin and not checkout and "checkout" not in self.errors:
            self.add_error("checkout", "Add a check-out date, or clear check-in.")
        elif checkout and not checkin and "checkin" not in self.errors:
            self.add_error("checkin", "Add a check-in date, or clear check-out.")
        return cleaned
