"""Dashboard forms: they validate input and hand clean values to one service."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pricing.models import ListingPricing
from pricing.services.host import EDITABLE_FIELDS

from .analytics import MAX_PERIOD_DAYS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class RangeActionForm(forms.Form):
    """A range of nights (first and last night, both included) and what to do with them."""

    ACTIONS = [
        ("block", _("Block these nights")),
        ("unblock", _("Unblock these nights")),
        ("set_price", _("Set a nightly price")),
        ("clear_price", _("Remove my nightly price (back to automatic)")),
        ("set_min_nights", _("Set a minimum stay")),
        ("clear_min_nights", _("Remove the minimum stay override")),
        ("accept_suggestions", _("Accept Smart Pricing's suggestions")),
    ]

    first_night = forms.DateField(label=_("First night"), widget=DateInput())
    last_night = forms.DateField(label=_("Last night"), widget=DateInput(), help_text=_("Included."))
    action = forms.ChoiceField(label=_("Change"), choices=ACTIONS, widget=forms.RadioSelect, initial="block")
    price = forms.DecimalField(
        label=_("Nightly price"), required=False, max_digits=10, decimal_places=2, min_value=Decimal("10")
    )
    min_nights = forms.IntegerField(label=_("Minimum nights"), required=False, min_value=1, max_value=365)

    def __init__(self, *args, today=None, **kwargs):
        # The listing's today (its time zone): past nights are the listing's past.
        self.today = today
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        first, last = data.get("first_night"), data.get("last_night")
        if first and last and last < first:
            self.add_error("last_night", gettext("The last night must be on or after the first night."))
        if first and first < (self.today or timezone.localdate()):
            self.add_error("first_night", gettext("Past nights cannot be changed."))
        action = data.get("action")
        if action == "set_price" and data.get("price") is None:
            self.add_error("price", gettext("Enter the nightly price."))
        if action == "set_min_nights" and data.get("min_nights") is None:
            self.add_error("min_nights", gettext("Enter the minimum number of nights."))
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "action": data["action"],
            "start": data["first_night"],
            "end": data["last_night"] + dt.timedelta(days=1),
            "price": data.get("price") if data["action"] == "set_price" else None,
            "min_nights": data.get("min_nights") if data["action"] == "set_min_nights" else None,
        }


class PricingSettingsForm(forms.ModelForm):
    class Meta:
        model = ListingPricing
        fields = list(EDITABLE_FIELDS)
        labels = {
            "guests_included": _("Guests included in the price"),
            "extra_guest_fee": _("Extra-guest fee (per guest and night)"),
            "min_price": _("Minimum nightly price"),
            "max_price": _("Maximum nightly price"),
            "weekend_premium_pct": _("Friday and Saturday premium (%)"),
            "high_season_pct": _("High season (%)"),
            "shoulder_season_pct": _("Shoulder season (%)"),
            "low_season_pct": _("Low season (%)"),
        }
        help_texts = {
            "weekend_premium_pct": _("Leave empty for the platform default (+20%)."),
            "high_season_pct": _("Leave empty for the platform default (+35%)."),
            "shoulder_season_pct": _("Leave empty for the platform default (+10%)."),
            "low_season_pct": _("Leave empty for the platform default (-15%). Use 0 to ignore this season."),
        }

    def clean(self):
        data = super().clean()
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error("max_price", gettext("The maximum price must be at least the minimum price."))
        return data


class CalendarImportForm(forms.Form):
    name = forms.CharField(label=_("Calendar name"), max_length=80, help_text='Where it comes from, e.g. "Vrbo".')
    url = forms.CharField(
        label=_("iCal address"),
        max_length=2000,
        help_text=_("The export link of your calendar on the other platform (https:// or webcal://)."),
    )


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput(), help_text=_("Included."))
    listing = forms.TypedChoiceField(label=_("Listing"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, listings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["listing"].choices = [("", gettext("All listings"))] + [
            (str(item.pk), item.title) for item in listings
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", gettext("The end of the period must be on or after its start."))
            elif (end - start).days + 1 > MAX_PERIOD_DAYS:
                self.add_error("end", gettext("Choose a period of at most two years."))
        return data

    @staticmethod
    def default_initial(today: dt.date) -> dict:
        """The last twelve months up to the end of this month."""
        first = today.replace(day=1)
        start = (first - dt.timedelta(days=335)).replace(day=1)
        next_month = (first + dt.timedelta(days=32)).replace(day=1)
        return {"start": start, "end": next_month - dt.timedelta(days=1)}
