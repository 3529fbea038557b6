"""Forms of the host pages ("List your place" steps, photos) and the wishlist pages.

Forms check what one step can check, with friendly messages; the services
check everything again (the whole listing, capacity against bookings) and their
``ValidationError``s are shown on the same form by ``form_add_service_errors``.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from .catalogue import CURRENCIES
from .images import ACCEPT_ATTRIBUTE, ACCEPTED_FORMATS_LABEL, PHOTO_MAX_BYTES
from .localtime import zone_choices
from .models import (
    CLEANING_FEE_MAX,
    LISTING_EDITABLE_FIELDS,
    MAX_STAY_NIGHTS,
    POLICY_TEXT,
    PRICE_MAX,
    PRICE_MIN,
    Amenity,
    CancellationPolicy,
    Listing,
    PropertyType,
    RoomType,
    Wishlist,
)
from .selectors import country_choices
from .services.photos import MAX_PHOTOS


def form_add_service_errors(form: forms.Form, exc: ValidationError, *, aliases: dict[str, str] | None = None) -> None:
    """Show a service's ``ValidationError`` on ``form``: each message next to its field when the form has it."""
    aliases = aliases or {}
    messages = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for field, field_messages in messages.items():
        name = aliases.get(field, field)
        for message in field_messages:
            form.add_error(name if name in form.fields else None, message)


def _number(attrs: dict | None = None, **extra) -> forms.NumberInput:
    return forms.NumberInput(attrs={"inputmode": "numeric", **(attrs or {}), **extra})


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


# --- "List your place" steps ---------------------------------------------------------------


class BasicsForm(forms.Form):
    title = forms.CharField(
        max_length=120,
        label="Title",
        help_text="Short and specific, e.g. “Sunny loft by the canal”. At most 120 characters.",
        error_messages={"required": "Give your place a title."},
    )
    property_type = forms.ChoiceField(
        choices=[("", "Choose a type"), *PropertyType.choices],
        label="Property type",
        error_messages={"required": "Choose the type of property."},
    )
    room_type = forms.ChoiceField(
        choices=RoomType.choices,
        label="What guests get",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what guests get."},
    )
    description = forms.CharField(
        max_length=10000,
        required=False,
        label="Description",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What makes it special, the space, the neighbourhood.",
    )


class LocationForm(forms.Form):
    address = forms.CharField(
        max_length=255,
        label="Street address",
        help_text="Shown only to guests with a confirmed booking.",
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
        error_messages={"required": "Enter the street address."},
    )
    neighbourhood = forms.CharField(max_length=120, required=False, label="Neighbourhood")
    city = forms.CharField(max_length=120, label="City or town", error_messages={"required": "Enter the city or town."})
    region = forms.CharField(max_length=120, required=False, label="Region or state")
    country_code = forms.ChoiceField(label="Country", error_messages={"required": "Choose the country."})
    latitude = forms.DecimalField(
        label="Latitude",
        min_value=Decimal("-90"),
        max_value=Decimal("90"),
        max_digits=9,
        decimal_places=6,
        help_text="Decimal degrees between -90 and 90, e.g. 48.856600.",
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        error_messages={
            "required": "Enter the latitude.",
            "invalid": "Enter the latitude as a number, e.g. 48.8566.",
            "min_value": "Latitude must be between -90 and 90.",
            "max_value": "Latitude must be between -90 and 90.",
        },
    )
    longitude = forms.DecimalField(
        label="Longitude",
        min_value=Decimal("-180"),
        max_value=Decimal("180"),
        max_digits=9,
        decimal_places=6,
        help_text="Decimal degrees between -180 and 180, e.g. 2.352200. Guests see an area of about 1 km "
        "around it until they book.",
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        error_messages={
            "required": "Enter the longitude.",
            "invalid": "Enter the longitude as a number, e.g. 2.3522.",
            "min_value": "Longitude must be between -180 and 180.",
            "max_value": "Longitude must be between -180 and 180.",
        },
    )

    time_zone = forms.ChoiceField(
        required=False,
        label="Time zone",
        help_text="Check-in times, cancellation deadlines and your calendar's days follow it. "
        "Leave it on automatic and it follows the map point.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country_code"].choices = [("", "Choose a country"), *country_choices()]
        self.fields["time_zone"].choices = [("", "Automatic (from the map point)"), *zone_choices()]

    def clean(self):
        cleaned = super().clean()
        lat, lng = cleaned.get("latitude"), cleaned.get("longitude")
        if lat == 0 and lng == 0:
            self.add_error("latitude", "0, 0 is in the Atlantic Ocean: check the coordinates.")
        return cleaned


class CapacityForm(forms.Form):
    max_guests = forms.IntegerField(
        label="Guests",
        min_value=1,
        max_value=50,
        widget=_number(min=1, max=50),
        error_messages={"min_value": "At least 1 guest.", "max_value": "At most 50 guests."},
    )
    bedrooms = forms.IntegerField(
        label="Bedrooms", min_value=0, max_value=50, widget=_number(min=0, max=50), help_text="0 for a studio."
    )
    beds = forms.IntegerField(
        label="Beds",
        min_value=1,
        max_value=100,
        widget=_number(min=1, max=100),
        error_messages={"min_value": "At least 1 bed."},
    )
    bathrooms = forms.DecimalField(
        label="Bathrooms",
        min_value=Decimal("0"),
        max_value=Decimal("50"),
        max_digits=3,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"min": 0, "max": 50, "step": "0.5", "inputmode": "decimal"}),
        help_text="Half bathrooms (toilet and sink) count as 0.5.",
    )

    def clean_bathrooms(self):
        value = self.cleaned_data["bathrooms"]
        if value % Decimal("0.5"):
            raise ValidationError("Use whole or half numbers, e.g. 1 or 1.5.")
        return value


class AmenitiesForm(forms.Form):
    """Checkboxes for the whole catalogue; the template groups them by category with their icons."""

    amenities = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple, label="Amenities")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.catalogue = list(Amenity.objects.all())
        self.fields["amenities"].choices = [(a.code, a.name) for a in self.catalogue]


class PolicyRadioSelect(forms.RadioSelect):
    option_template_name = "listings/widgets/policy_option.html"

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        option["policy_text"] = POLICY_TEXT.get(value, "")
        return option


class PricingForm(forms.Form):
    currency = forms.ChoiceField(choices=[(code, f"{code} – {name}") for code, name in CURRENCIES], label="Currency")
    base_price = forms.DecimalField(
        label="Price per night",
        min_value=PRICE_MIN,
        max_value=PRICE_MAX,
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"min": PRICE_MIN, "max": PRICE_MAX, "step": "0.01", "inputmode": "decimal"}),
        error_messages={
            "required": "Set a price per night.",
            "min_value": f"The price per night must be at least {PRICE_MIN}.",
            "max_value": f"The price per night can be at most {PRICE_MAX:,}.",
        },
    )
    cleaning_fee = forms.DecimalField(
        label="Cleaning fee",
        min_value=Decimal("0"),
        max_value=CLEANING_FEE_MAX,
        max_digits=10,
        decimal_places=2,
        help_text="Charged once per stay.",
        widget=forms.NumberInput(attrs={"min": 0, "step": "0.01", "inputmode": "decimal"}),
        error_messages={"min_value": "The cleaning fee can't be negative."},
    )
    weekly_discount_pct = forms.IntegerField(
        label="Weekly discount (%)", min_value=0, max_value=90, widget=_number(min=0, max=90),
        help_text="For stays of 7 nights or more.",
    )  # fmt: skip
    monthly_discount_pct = forms.IntegerField(
        label="Monthly discount (%)", min_value=0, max_value=90, widget=_number(min=0, max=90),
        help_text="For stays of 28 nights or more.",
    )  # fmt: skip
    min_nights = forms.IntegerField(label="Minimum nights", min_value=1, max_value=365, widget=_number(min=1, max=365))
    max_nights = forms.IntegerField(
        label="Maximum nights",
        min_value=1,
        max_value=MAX_STAY_NIGHTS,
        widget=_number(min=1, max=MAX_STAY_NIGHTS),
    )
    check_in_time = forms.TimeField(label="Check-in from", widget=TimeInput())
    check_out_time = forms.TimeField(label="Check-out by", widget=TimeInput())
    house_rules = forms.CharField(
        max_length=5000,
        required=False,
        label="House rules",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One rule per line, e.g. “No parties”.",
    )
    instant_book = forms.BooleanField(
        required=False,
        label="Instant Book: guests can book without waiting for my approval",
    )
    cancellation_policy = forms.ChoiceField(
        choices=CancellationPolicy.choices, widget=PolicyRadioSelect, label="Cancellation policy"
    )

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_nights"), cleaned.get("max_nights")
        if low and high and low > high:
            self.add_error("max_nights", f"The maximum stay must be at least the minimum stay ({low} nights).")
        return cleaned


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files from one input; each is checked by content in ``photo_add``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE, "data-photo-input": ""}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else single(data, initial)


class PhotoUploadForm(forms.Form):
    photos = MultipleImageField(
        label="Add photos",
        help_text=f"{ACCEPTED_FORMATS_LABEL}; up to {PHOTO_MAX_BYTES // 2**20} MB each and {MAX_PHOTOS} photos "
        "per listing. You can choose several at once.",
        error_messages={"required": "Choose at least one photo to upload."},
    )


class PhotoCaptionForm(forms.Form):
    caption = forms.CharField(max_length=200, required=False, label="Caption")


class PhotoOrderForm(forms.Form):
    order = forms.CharField(widget=forms.HiddenInput)

    def clean_order(self) -> list[int]:
        try:
            return [int(part) for part in self.cleaned_data["order"].split(",") if part.strip()]
        except ValueError:
            raise ValidationError("Invalid photo order.") from None


class UnlistForm(forms.Form):
    cancel_upcoming = forms.BooleanField(
        required=False, label="Also decline open booking requests (not possible while confirmed stays are coming up)"
    )


def listing_initial(listing: Listing) -> dict:
    """A listing's values as the step forms' ``initial`` (latitude/longitude from the point)."""
    initial = {field: getattr(listing, field) for field in _STEP_FIELDS}
    if listing.location is not None:
        initial["latitude"] = round(Decimal(str(listing.location.y)), 6)
        initial["longitude"] = round(Decimal(str(listing.location.x)), 6)
    return initial


_STEP_FIELDS = tuple(name for name in LISTING_EDITABLE_FIELDS if name != "location")  # as latitude/longitude


# --- wishlists ---------------------------------------------------------------------------------


class WishlistForm(forms.Form):
    name = forms.CharField(max_length=50, label="Name", error_messages={"required": "Give the list a name."})
    check_in = forms.DateField(required=False, label="Check-in", widget=DateInput())
    check_out = forms.DateField(required=False, label="Check-out", widget=DateInput())
    guests = forms.IntegerField(
        required=False, min_value=1, max_value=50, label="Guests", widget=_number(min=1, max=50)
    )

    def __init__(self, *args, prefix_ids: str = "wl", **kwargs):
        kwargs.setdefault("auto_id", f"{prefix_ids}_%s")
        super().__init__(*args, **kwargs)
        self.fields["check_in"].help_text = "Optional: with dates, the list shows each place's total price."

    def clean(self):
        cleaned = super().clean()
        check_in, check_out = cleaned.get("check_in"), cleaned.get("check_out")
        if (
            (check_in is None) != (check_out is None)
            and not self.errors.get("check_in")
            and not self.errors.get("check_out")
        ):
            self.add_error("check_out" if check_in else "check_in", "Give both dates, or neither.")
        if check_in and check_out and check_out <= check_in:
            self.add_error("check_out", "Check-out must be after check-in.")
        return cleaned

    @classmethod
    def for_wishlist(cls, wishlist: Wishlist, **kwargs) -> WishlistForm:
        initial = {"name": wishlist.name, "check_in": wishlist.check_in, "check_out": wishlist.check_out,
                   "guests": wishlist.guests}  # fmt: skip
        return cls(initial=initial, **kwargs)


class WishlistChooseForm(forms.Form):
    """Where to save a listing: an existing list, or a new one by name."""

    wishlist = forms.TypedChoiceField(coerce=int, required=False, label="Save to", widget=forms.RadioSelect)
    new_name = forms.CharField(max_length=50, required=False, label="Or create a new list")

    def __init__(self, *args, wishlists=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wishlist"].choices = [(w.pk, w.name) for w in wishlists]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("wishlist") and not (cleaned.get("new_name") or "").strip():
            raise ValidationError("Choose a list or name a new one.")
        return cleaned
