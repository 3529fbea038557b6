"""Forms of the host pages ("List your place" steps, photos) and the wishlist pages.

Forms check what one step can check, with friendly messages; the services
check everything again (the whole listing, capacity against bookings) and their
``ValidationError``s are shown on the same form by ``form_add_service_errors``.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

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


def currency_choices() -> list[tuple[str, str]]:
    """The currencies as "EUR – Euro", the name in the active language."""
    return [(code, f"{code} – {gettext(name)}") for code, name in CURRENCIES]


def listing_language_choices() -> list[tuple[str, str]]:
    """The shipped languages (``Listing.language``), named in the active language."""
    return [(code, gettext(name)) for code, name in settings.LANGUAGES]


def listing_language_default() -> str:
    """A new listing's language: the one the host reads the site in (their texts most likely are too)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


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
        label=_("Title"),
        help_text=_("Short and specific, e.g. “Sunny loft by the canal”. At most 120 characters."),
        error_messages={"required": _("Give your place a title.")},
    )
    property_type = forms.ChoiceField(
        choices=[("", _("Choose a type")), *PropertyType.choices],
        label=_("Property type"),
        error_messages={"required": _("Choose the type of property.")},
    )
    room_type = forms.ChoiceField(
        choices=RoomType.choices,
        label=_("What guests get"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what guests get.")},
    )
    description = forms.CharField(
        max_length=10000,
        required=False,
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What makes it special, the space, the neighbourhood."),
    )
    language = forms.ChoiceField(
        choices=listing_language_choices,
        label=_("Language of your texts"),
        help_text=_(
            "The language you write the title, description and house rules in. Guests read them as written; "
            "the page tells them which language it is."
        ),
        required=False,
    )

    def clean_language(self) -> str:
        # Not sent (an older form, an API-like client): the language the host reads the site in.
        return self.cleaned_data.get("language") or listing_language_default()


class LocationForm(forms.Form):
    address = forms.CharField(
        max_length=255,
        label=_("Street address"),
        help_text=_("Shown only to guests with a confirmed booking."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
        error_messages={"required": _("Enter the street address.")},
    )
    neighbourhood = forms.CharField(max_length=120, required=False, label=_("Neighbourhood"))
    city = forms.CharField(
        max_length=120, label=_("City or town"), error_messages={"required": _("Enter the city or town.")}
    )
    region = forms.CharField(max_length=120, required=False, label=_("Region or state"))
    country_code = forms.ChoiceField(label=_("Country"), error_messages={"required": _("Choose the country.")})
    latitude = forms.DecimalField(
        label=_("Latitude"),
        min_value=Decimal("-90"),
        max_value=Decimal("90"),
        max_digits=9,
        decimal_places=6,
        help_text=_("Decimal degrees between -90 and 90, e.g. 48.856600."),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        error_messages={
            "required": _("Enter the latitude."),
            "invalid": _("Enter the latitude as a number, e.g. 48.8566."),
            "min_value": _("Latitude must be between -90 and 90."),
            "max_value": _("Latitude must be between -90 and 90."),
        },
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        min_value=Decimal("-180"),
        max_value=Decimal("180"),
        max_digits=9,
        decimal_places=6,
        help_text=_(
            "Decimal degrees between -180 and 180, e.g. 2.352200. Guests see an area of about 1 km "
            "around it until they book."
        ),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        error_messages={
            "required": _("Enter the longitude."),
            "invalid": _("Enter the longitude as a number, e.g. 2.3522."),
            "min_value": _("Longitude must be between -180 and 180."),
            "max_value": _("Longitude must be between -180 and 180."),
        },
    )

    time_zone = forms.ChoiceField(
        required=False,
        label=_("Time zone"),
        help_text=_(
            "Check-in times, cancellation deadlines and your calendar's days follow it. "
            "Leave it on automatic and it follows the map point."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country_code"].choices = [("", gettext("Choose a country")), *country_choices()]
        self.fields["time_zone"].choices = [("", gettext("Automatic (from the map point)")), *zone_choices()]

    def clean(self):
        cleaned = super().clean()
        lat, lng = cleaned.get("latitude"), cleaned.get("longitude")
        if lat == 0 and lng == 0:
            self.add_error("latitude", "0, 0 is in the Atlantic Ocean: check the coordinates.")
        return cleaned


class CapacityForm(forms.Form):
    max_guests = forms.IntegerField(
        label=_("Guests"),
        min_value=1,
        max_value=50,
        widget=_number(min=1, max=50),
        error_messages={"min_value": _("At least 1 guest."), "max_value": _("At most 50 guests.")},
    )
    bedrooms = forms.IntegerField(
        label=_("Bedrooms"), min_value=0, max_value=50, widget=_number(min=0, max=50), help_text=_("0 for a studio.")
    )
    beds = forms.IntegerField(
        label=_("Beds"),
        min_value=1,
        max_value=100,
        widget=_number(min=1, max=100),
        error_messages={"min_value": _("At least 1 bed.")},
    )
    bathrooms = forms.DecimalField(
        label=_("Bathrooms"),
        min_value=Decimal("0"),
        max_value=Decimal("50"),
        max_digits=3,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"min": 0, "max": 50, "step": "0.5", "inputmode": "decimal"}),
        help_text=_("Half bathrooms (toilet and sink) count as 0.5."),
    )

    def clean_bathrooms(self):
        value = self.cleaned_data["bathrooms"]
        if value % Decimal("0.5"):
            raise ValidationError(gettext("Use whole or half numbers, e.g. 1 or 1.5."))
        return value


class AmenitiesForm(forms.Form):
    """Checkboxes for the whole catalogue; the template groups them by category with their icons."""

    amenities = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple, label=_("Amenities"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.catalogue = list(Amenity.objects.all())
        self.fields["amenities"].choices = [(a.code, a.display_name) for a in self.catalogue]


class PolicyRadioSelect(forms.RadioSelect):
    option_template_name = "listings/widgets/policy_option.html"

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        option["policy_text"] = POLICY_TEXT.get(value, "")
        return option


class PricingForm(forms.Form):
    currency = forms.ChoiceField(choices=currency_choices, label=_("Currency"))
    base_price = forms.DecimalField(
        label=_("Price per night"),
        min_value=PRICE_MIN,
        max_value=PRICE_MAX,
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"min": PRICE_MIN, "max": PRICE_MAX, "step": "0.01", "inputmode": "decimal"}),
        error_messages={
            "required": _("Set a price per night."),
            "min_value": _("The price per night must be at least %(limit_value)s."),
            "max_value": _("The price per night can be at most %(limit_value)s."),
        },
    )
    cleaning_fee = forms.DecimalField(
        label=_("Cleaning fee"),
        min_value=Decimal("0"),
        max_value=CLEANING_FEE_MAX,
        max_digits=10,
        decimal_places=2,
        help_text=_("Charged once per stay."),
        widget=forms.NumberInput(attrs={"min": 0, "step": "0.01", "inputmode": "decimal"}),
        error_messages={"min_value": _("The cleaning fee can't be negative.")},
    )
    weekly_discount_pct = forms.IntegerField(
        label=_("Weekly discount (%)"), min_value=0, max_value=90, widget=_number(min=0, max=90),
        help_text=_("For stays of 7 nights or more."),
    )  # fmt: skip
    monthly_discount_pct = forms.IntegerField(
        label=_("Monthly discount (%)"), min_value=0, max_value=90, widget=_number(min=0, max=90),
        help_text=_("For stays of 28 nights or more."),
    )  # fmt: skip
    min_nights = forms.IntegerField(
        label=_("Minimum nights"), min_value=1, max_value=365, widget=_number(min=1, max=365)
    )
    max_nights = forms.IntegerField(
        label=_("Maximum nights"),
        min_value=1,
        max_value=MAX_STAY_NIGHTS,
        widget=_number(min=1, max=MAX_STAY_NIGHTS),
    )
    check_in_time = forms.TimeField(label=_("Check-in from"), widget=TimeInput())
    check_out_time = forms.TimeField(label=_("Check-out by"), widget=TimeInput())
    house_rules = forms.CharField(
        max_length=5000,
        required=False,
        label=_("House rules"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One rule per line, e.g. “No parties”."),
    )
    instant_book = forms.BooleanField(
        required=False,
        label=_("Instant Book: guests can book without waiting for my approval"),
    )
    cancellation_policy = forms.ChoiceField(
        choices=CancellationPolicy.choices, widget=PolicyRadioSelect, label=_("Cancellation policy")
    )

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_nights"), cleaned.get("max_nights")
        if low and high and low > high:
            self.add_error(
                "max_nights",
                ngettext(
                    "The maximum stay must be at least the minimum stay (%(count)s night).",
                    "The maximum stay must be at least the minimum stay (%(count)s nights).",
                    low,
                )
                % {"count": low},
            )
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


def _photos_help() -> str:
    return gettext(
        "%(formats)s; up to %(megabytes)s MB each and %(count)s photos per listing. You can choose several at once."
    ) % {"formats": ACCEPTED_FORMATS_LABEL, "megabytes": PHOTO_MAX_BYTES // 2**20, "count": MAX_PHOTOS}


class PhotoUploadForm(forms.Form):
    photos = MultipleImageField(
        label=_("Add photos"),
        help_text=lazy(_photos_help, str)(),
        error_messages={"required": _("Choose at least one photo to upload.")},
    )


class PhotoCaptionForm(forms.Form):
    caption = forms.CharField(max_length=200, required=False, label=_("Caption"))


class PhotoOrderForm(forms.Form):
    order = forms.CharField(widget=forms.HiddenInput)

    def clean_order(self) -> list[int]:
        try:
            return [int(part) for part in self.cleaned_data["order"].split(",") if part.strip()]
        except ValueError:
            raise ValidationError(gettext("Invalid photo order.")) from None


class UnlistForm(forms.Form):
    cancel_upcoming = forms.BooleanField(
        required=False, label=_("Also decline open booking requests (not possible while confirmed stays are coming up)")
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
    name = forms.CharField(max_length=50, label=_("Name"), error_messages={"required": _("Give the list a name.")})
    check_in = forms.DateField(required=False, label=_("Check-in"), widget=DateInput())
    check_out = forms.DateField(required=False, label=_("Check-out"), widget=DateInput())
    guests = forms.IntegerField(
        required=False, min_value=1, max_value=50, label=_("Guests"), widget=_number(min=1, max=50)
    )

    def __init__(self, *args, prefix_ids: str = "wl", **kwargs):
        kwargs.setdefault("auto_id", f"{prefix_ids}_%s")
        super().__init__(*args, **kwargs)
        self.fields["check_in"].help_text = gettext("Optional: with dates, the list shows each place's total price.")

    def clean(self):
        cleaned = super().clean()
        check_in, check_out = cleaned.get("check_in"), cleaned.get("check_out")
        if (
            (check_in is None) != (check_out is None)
            and not self.errors.get("check_in")
            and not self.errors.get("check_out")
        ):
            self.add_error("check_out" if check_in else "check_in", gettext("Give both dates, or neither."))
        if check_in and check_out and check_out <= check_in:
            self.add_error("check_out", gettext("Check-out must be after check-in."))
        return cleaned

    @classmethod
    def for_wishlist(cls, wishlist: Wishlist, **kwargs) -> WishlistForm:
        initial = {"name": wishlist.name, "check_in": wishlist.check_in, "check_out": wishlist.check_out,
                   "guests": wishlist.guests}  # fmt: skip
        return cls(initial=initial, **kwargs)


class WishlistChooseForm(forms.Form):
    """Where to save a listing: an existing list, or a new one by name."""

    wishlist = forms.TypedChoiceField(coerce=int, required=False, label=_("Save to"), widget=forms.RadioSelect)
    new_name = forms.CharField(max_length=50, required=False, label=_("Or create a new list"))

    def __init__(self, *args, wishlists=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wishlist"].choices = [(w.pk, w.name) for w in wishlists]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("wishlist") and not (cleaned.get("new_name") or "").strip():
            raise ValidationError(gettext("Choose a list or name a new one."))
        return cleaned
