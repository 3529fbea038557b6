"""Search parameters: one validated, typed ``SearchParams`` from a query string, for the page and the API.

``SearchForm`` is the single place a query string is read: the page re-renders
it with inline errors, the API answers 400 with the same field messages. Lists
may be repeated (``amenities=wifi&amenities=pool``) or comma-separated
(``amenities=wifi,pool``); unknown values are errors, never silently dropped, so
a typo in a shared link does not quietly widen a search.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from availability.selectors import BOOKING_WINDOW_DAYS  # nothing is bookable beyond it
from listings.models import MAX_STAY_NIGHTS, CancellationPolicy, PropertyType, RoomType
from listings.selectors import amenity_categories

from .gazetteer import Place, bbox_around, currency_near, place_resolve
from .text import text_query_build, text_query_effective

MAX_GUESTS = 16
MAX_FLEX_DAYS = 7
MAX_FLEX_MONTHS = 3
MAX_LIST_VALUES = 40
SORTS = {
    "recommended": pgettext_lazy("sort", "Recommended"),
    "price_asc": pgettext_lazy("sort", "Price: low to high"),
    "price_desc": pgettext_lazy("sort", "Price: high to low"),
    "rating": pgettext_lazy("sort", "Top rated"),
    "newest": pgettext_lazy("sort", "Newest"),
}
FLEX_KINDS = {"weekend": _("A weekend"), "week": _("A week")}
UNKNOWN_PLACE = "unknown_place"  # the error code of a place name the gazetteer does not know (q)


def earliest_allowed_date() -> dt.date:
    """Today somewhere on Earth: the server runs in UTC, travellers as far west as UTC-12."""
    return (timezone.now() - dt.timedelta(hours=12)).date()


@dataclass(frozen=True)
class Area:
    """Where to look: one or two boxes (two when a map box crosses the antimeridian), maybe a circle."""

    boxes: tuple[tuple[float, float, float, float], ...]
    circle: tuple[float, float, float] | None = None  # (lat, lng, metres)

    @property
    def centre(self) -> tuple[float, float]:
        if self.circle:
            return self.circle[0], self.circle[1]
        west, south, east, north = self.boxes[0]
        if len(self.boxes) == 2:
            east = self.boxes[1][2] + 360
        lng = (west + east) / 2
        return (south + north) / 2, lng - 360 if lng > 180 else lng


WORLD = Area(boxes=((-180.0, -90.0, 180.0, 90.0),))


@dataclass(frozen=True)
class SearchParams:
    """A validated search. ``stays`` is empty without dates, one stay for exact dates, several when flexible."""

    area: Area = WORLD
    place: Place | None = None
    place_query: str = ""  # ``q`` as typed: what a corrected place was corrected from
    stays: tuple[tuple[dt.date, dt.date], ...] = ()
    flexible: bool = False
    guests: int = 1
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    price_type: str = "nightly"
    currency: str = "USD"
    property_types: tuple[str, ...] = ()
    room_types: tuple[str, ...] = ()
    cancellation_policies: tuple[str, ...] = ()
    min_bedrooms: int = 0
    min_beds: int = 0
    min_bathrooms: Decimal = Decimal("0")
    amenities: tuple[str, ...] = ()
    instant_book: bool = False
    superhost: bool = False
    text: str = ""
    text_query: str = ""  # the tsquery built from ``text`` (synonyms expanded)
    sort: str = "recommended"
    page: int = 1
    explain: bool = False

    @property
    def has_dates(self) -> bool:
        return bool(self.stays)


# --- fields --------------------------------------------------------------------------------


class ListField(forms.Field):
    """Repeated or comma-separated values, each one of ``choices`` (None: any slug-like value)."""

    def __init__(self, *, choices=None, **kwargs):
        kwargs.setdefault("required", False)
        self.choices = choices
        super().__init__(**kwargs)

    def to_python(self, value) -> tuple[str, ...]:
        raw = value if isinstance(value, (list, tuple)) else ([value] if value else [])
        items: list[str] = []
        for chunk in raw:
            items.extend(part.strip() for part in str(chunk).split(",") if part.strip())
        if len(items) > MAX_LIST_VALUES:
            raise ValidationError(gettext("Give at most %(limit)s values.") % {"limit": MAX_LIST_VALUES})
        if self.choices is not None:
            unknown = [item for item in items if item not in self.choices]
            if unknown:
                allowed = ", ".join(sorted(self.choices))
                raise ValidationError(
                    gettext("Unknown value %(value)s; choose from: %(allowed)s.")
                    % {"value": repr(unknown[0][:40]), "allowed": allowed}
                )
        return tuple(dict.fromkeys(items))


class ListWidget(forms.Widget):
    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)


class FlagField(forms.Field):
    """``1``/``true``/``yes``/``on`` is on; absent, empty or ``0``/``false`` is off; anything else is an error."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value) -> bool:
        if value in (None, ""):
            return False
        text = str(value).strip().lower()
        if text in {"1", "true", "yes", "on"}:
            return True
        if text in {"0", "false", "no", "off"}:
            return False
        raise ValidationError(gettext("Use 1 or 0."))


# A message with a value filled in when it is shown, in the language of that moment (class-level error messages).
_lazy_format = lazy(lambda message: message(), str)


def _amenity_codes() -> dict[str, str]:
    """Catalogue code -> category (``listings.selectors.amenity_categories``: read once a minute)."""
    return amenity_categories()


# --- the form ------------------------------------------------------------------------------


class SearchForm(forms.Form):
    """Every search parameter, validated together (see docs/search.md for the list)."""

    q = forms.CharField(label=pgettext_lazy("search: the place", "Where"), max_length=100, required=False, strip=True)
    bbox = forms.CharField(label=_("Map area"), required=False, max_length=200)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    radius_km = forms.FloatField(label=_("Radius (km)"), required=False, min_value=0.1)
    checkin = forms.DateField(
        label=_("Check-in"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    checkout = forms.DateField(
        label=_("Check-out"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    flex_days = forms.IntegerField(label=_("Flexible by (days)"), required=False, min_value=0, max_value=MAX_FLEX_DAYS)
    flex = forms.ChoiceField(
        label=_("Flexible stay"), required=False, choices=[("", _("Exact dates")), *FLEX_KINDS.items()]
    )
    months = ListField(label=_("Months"), widget=ListWidget)
    guests = forms.IntegerField(
        label=_("Guests"),
        required=False,
        min_value=1,
        max_value=MAX_GUESTS,
        error_messages={
            "invalid": _lazy_format(
                lambda: gettext("Enter the number of guests, from 1 to %(max)s.") % {"max": MAX_GUESTS}
            ),
            "min_value": _("At least 1 guest."),
            "max_value": _("At most %(limit_value)s guests."),
        },
    )
    price_min = forms.DecimalField(
        label=_("Minimum price"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    price_max = forms.DecimalField(
        label=_("Maximum price"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    price_type = forms.ChoiceField(
        label=_("Price"), required=False, choices=[("nightly", _("Per night")), ("total", _("Total for the stay"))]
    )
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3)
    property_type = ListField(label=_("Property type"), choices=set(PropertyType.values), widget=ListWidget)
    room_type = ListField(label=_("Type of place"), choices=set(RoomType.values), widget=ListWidget)
    cancellation = ListField(label=_("Cancellation policy"), choices=set(CancellationPolicy.values), widget=ListWidget)
    bedrooms = forms.IntegerField(label=_("Bedrooms"), required=False, min_value=0, max_value=50)
    beds = forms.IntegerField(label=_("Beds"), required=False, min_value=0, max_value=100)
    bathrooms = forms.DecimalField(
        label=_("Bathrooms"), required=False, min_value=0, max_value=50, max_digits=3, decimal_places=1
    )
    amenities = ListField(label=_("Amenities"), widget=ListWidget)
    accessibility = ListField(label=_("Accessibility features"), widget=ListWidget)
    instant_book = FlagField(label=_("Instant Book"))
    superhost = FlagField(label=_("Superhost"))
    exact_place = FlagField(label=_("Search for this exact place name"))
    text = forms.CharField(label=_("Keywords"), required=False, max_length=200, strip=True)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=list(SORTS.items()))
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1)
    explain = FlagField(label=_("Explain ranking"))

    def __init__(self, *args, place_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.place_required = place_required
        self.place: Place | None = None

    # --- single fields ---

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data.get("q", "").split())

    def clean_checkin(self) -> dt.date | None:
        checkin = self.cleaned_data.get("checkin")
        if checkin and checkin < earliest_allowed_date():
            raise ValidationError(gettext("Check-in can't be in the past."))
        return checkin

    def clean_checkout(self) -> dt.date | None:
        checkout = self.cleaned_data.get("checkout")
        if checkout and checkout < earliest_allowed_date():
            raise ValidationError(gettext("Check-out can't be in the past."))
        if checkout and checkout > earliest_allowed_date() + dt.timedelta(days=BOOKING_WINDOW_DAYS + 1):
            raise ValidationError(gettext("Stays can be booked up to two years ahead."))
        return checkout

    def clean_guests(self) -> int:
        return self.cleaned_data.get("guests") or 1

    def clean_currency(self) -> str:
        currency = (self.cleaned_data.get("currency") or "").upper()
        if currency and currency not in settings.SEARCH_CURRENCY_PER_USD:
            raise ValidationError(
                gettext("Unknown currency; use one of %(currencies)s.")
                % {"currencies": ", ".join(sorted(settings.SEARCH_CURRENCY_PER_USD))}
            )
        return currency

    def clean_sort(self) -> str:
        return self.cleaned_data.get("sort") or "recommended"

    def clean_price_type(self) -> str:
        return self.cleaned_data.get("price_type") or "nightly"

    def clean_page(self) -> int:
        page = self.cleaned_data.get("page") or 1
        if page > settings.SEARCH_MAX_PAGES:
            raise ValidationError(
                gettext("Only the first %(pages)s pages are shown; narrow the search.")
                % {"pages": settings.SEARCH_MAX_PAGES}
            )
        return page

    def clean_bbox(self) -> tuple[float, float, float, float] | None:
        raw = self.cleaned_data.get("bbox")
        if not raw:
            return None
        parts = raw.split(",")
        message = gettext("Give the map area as west,south,east,north in degrees.")
        if len(parts) != 4:
            raise ValidationError(message)
        try:
            west, south, east, north = (float(part) for part in parts)
        except ValueError:
            raise ValidationError(message) from None
        if not all(math.isfinite(v) for v in (west, south, east, north)):
            raise ValidationError(message)
        if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90):
            raise ValidationError(gettext("Longitudes must be within -180..180 and latitudes within -90..90."))
        if south >= north:
            raise ValidationError(gettext("The south edge must be below the north edge."))
        width = east - west if east > west else east + 360 - west
        if west == east:
            raise ValidationError(gettext("The map area has no width."))
        max_lng, max_lat = settings.SEARCH_MAX_BBOX_SPAN
        if width > max_lng or north - south > max_lat:
            raise ValidationError(
                gettext("The map area is too large: zoom in to at most %(width)s° by %(height)s°.")
                % {"width": f"{max_lng:g}", "height": f"{max_lat:g}"}
            )
        return (west, south, east, north)

    def _list(self, name: str, choices: set[str], message: str) -> tuple[str, ...]:
        values = self.cleaned_data.get(name) or ()
        unknown = [value for value in values if value not in choices]
        if unknown:
            self.add_error(name, message % {"value": repr(unknown[0][:40])})
            return ()
        return values

    # --- across fields ---

    def clean(self):
        cleaned = super().clean()
        self._clean_dates(cleaned)
        self._clean_location(cleaned)
        self._clean_price(cleaned)
        catalogue = _amenity_codes() if (cleaned.get("amenities") or cleaned.get("accessibility")) else {}
        amenities = self._list("amenities", set(catalogue), gettext("Unknown amenity %(value)s."))
        accessible = {code for code, category in catalogue.items() if category == "accessibility"}
        accessibility = self._list("accessibility", accessible, gettext("Unknown accessibility feature %(value)s."))
        cleaned["amenity_codes"] = tuple(dict.fromkeys((*amenities, *accessibility)))
        if cleaned.get("text"):
            cleaned["text_query"] = text_query_effective(text_query_build(cleaned["text"]))
        return cleaned

    def _clean_dates(self, cleaned) -> None:
        checkin, checkout = cleaned.get("checkin"), cleaned.get("checkout")
        flex, flex_days = cleaned.get("flex"), cleaned.get("flex_days") or 0
        if "checkin" in self.errors or "checkout" in self.errors:
            return
        stays: list[tuple[dt.date, dt.date]] = []
        if checkin and checkout and checkout <= checkin:
            self.add_error("checkout", gettext("Check-out must be after check-in."))
        elif checkin and not checkout:
            self.add_error("checkout", gettext("Add a check-out date, or clear check-in."))
        elif checkout and not checkin:
            self.add_error("checkin", gettext("Add a check-in date, or clear check-out."))
        elif checkin and checkout and (checkout - checkin).days > MAX_STAY_NIGHTS:
            self.add_error(
                "checkout", gettext("Search stays of at most %(nights)s nights.") % {"nights": MAX_STAY_NIGHTS}
            )
        elif checkin and checkout:
            if flex:
                self.add_error("flex", gettext("Choose either exact dates or a flexible stay, not both."))
                return
            nights = checkout - checkin
            earliest = earliest_allowed_date()
            stays.append((checkin, checkout))
            for offset in range(1, flex_days + 1):
                for shift in (-offset, offset):
                    start = checkin + dt.timedelta(days=shift)
                    if start >= earliest:
                        stays.append((start, start + nights))
        elif flex_days:
            self.add_error("flex_days", gettext("Flexible days need check-in and check-out dates."))
        elif flex:
            stays = self._flexible_stays(flex, cleaned.get("months") or ())
        elif cleaned.get("months"):
            self.add_error("months", gettext("Months go with a flexible stay (a weekend or a week)."))
        cleaned["stays"] = tuple(stays)
        cleaned["flexible"] = len(stays) > 1 or bool(flex)

    def _flexible_stays(self, flex: str, months: tuple[str, ...]) -> list[tuple[dt.date, dt.date]]:
        today = earliest_allowed_date()
        if not months:
            first = today.replace(day=1)
            following = (first + dt.timedelta(days=32)).replace(day=1)
            months = (first.strftime("%Y-%m"), following.strftime("%Y-%m"))
        if len(months) > MAX_FLEX_MONTHS:
            self.add_error("months", gettext("Choose at most %(months)s months.") % {"months": MAX_FLEX_MONTHS})
            return []
        stays: list[tuple[dt.date, dt.date]] = []
        horizon = today + dt.timedelta(days=BOOKING_WINDOW_DAYS)
        for month in sorted(months):
            try:
                year, number = (int(part) for part in month.split("-"))
                first = dt.date(year, number, 1)
            except (ValueError, TypeError):
                self.add_error("months", gettext("Give months as YYYY-MM, for example 2026-12."))
                return []
            if first > horizon or dt.date(year, number, calendar.monthrange(year, number)[1]) < today:
                self.add_error("months", gettext("%(month)s is outside the bookable window.") % {"month": month})
                return []
            day = first
            while day.month == number:
                if day >= today and (flex == "week" or day.isoweekday() == 5):
                    nights = 7 if flex == "week" else 2
                    if day + dt.timedelta(days=nights) <= horizon:
                        stays.append((day, day + dt.timedelta(days=nights)))
                day += dt.timedelta(days=1)
        if not stays:
            self.add_error("months", gettext("There is no such stay left in these months."))
        return stays

    def _clean_location(self, cleaned) -> None:
        q, bbox = cleaned.get("q"), cleaned.get("bbox")
        lat, lng, radius = cleaned.get("lat"), cleaned.get("lng"), cleaned.get("radius_km")
        if "bbox" in self.errors:
            return
        point_given = [value is not None for value in (lat, lng, radius)]
        if any(point_given) and not all(point_given):
            self.add_error("radius_km", gettext("A point search needs lat, lng and radius_km together."))
            return
        if all(point_given) and radius > settings.SEARCH_MAX_RADIUS_KM:
            self.add_error(
                "radius_km",
                gettext("Search within at most %(radius)s km.") % {"radius": settings.SEARCH_MAX_RADIUS_KM},
            )
            return
        if bbox and all(point_given):
            self.add_error("bbox", gettext("Give either a map area or a point and radius, not both."))
            return
        area = None
        if bbox:
            west, south, east, north = bbox
            boxes = (
                ((west, south, east, north),)
                if west < east
                else ((west, south, 180.0, north), (-180.0, south, east, north))
            )
            area = Area(boxes=boxes)
        elif all(point_given):
            area = Area(boxes=(bbox_around(lat, lng, radius),), circle=(lat, lng, radius * 1000))
        if q:
            self.place = place_resolve(q, exact=bool(cleaned.get("exact_place")))
            if self.place is None:
                message = gettext("We couldn't find a place called “%(name)s”.") % {"name": q[:100]}
                self.add_error("q", ValidationError(message, code=UNKNOWN_PLACE))
                return
            if area is None:
                area = Area(boxes=(self.place.bbox,))
        elif self.place_required and area is None:
            self.add_error("q", gettext("Enter a city to search, for example Paris."))
        cleaned["area"] = area or WORLD

    def _clean_price(self, cleaned) -> None:
        low, high = cleaned.get("price_min"), cleaned.get("price_max")
        if low is not None and high is not None and high < low:
            self.add_error("price_max", gettext("The maximum price must be at least the minimum price."))
        if cleaned.get("price_type") == "total" and not cleaned.get("stays") and (low is not None or high is not None):
            if "checkin" not in self.errors and "checkout" not in self.errors:
                self.add_error("price_type", gettext("A total price needs dates."))

    # --- result ---

    def params(self, *, explain_allowed: bool = False) -> SearchParams:
        """The validated search (call after ``is_valid()``)."""
        data = self.cleaned_data
        area: Area = data["area"]
        currency = data.get("currency") or (self.place.currency if self.place else currency_near(*area.centre))
        if area is WORLD and not data.get("currency"):
            currency = settings.SEARCH_DEFAULT_CURRENCY
        return SearchParams(
            area=area,
            place=self.place,
            place_query=data.get("q", ""),
            stays=data.get("stays", ()),
            flexible=data.get("flexible", False),
            guests=data["guests"],
            price_min=data.get("price_min"),
            price_max=data.get("price_max"),
            price_type=data["price_type"],
            currency=currency,
            property_types=data.get("property_type") or (),
            room_types=data.get("room_type") or (),
            cancellation_policies=data.get("cancellation") or (),
            min_bedrooms=data.get("bedrooms") or 0,
            min_beds=data.get("beds") or 0,
            min_bathrooms=data.get("bathrooms") or Decimal("0"),
            amenities=data.get("amenity_codes", ()),
            instant_book=data.get("instant_book", False),
            superhost=data.get("superhost", False),
            text=data.get("text", ""),
            text_query=data.get("text_query", ""),
            sort=data["sort"],
            page=data["page"],
            explain=bool(data.get("explain")) and explain_allowed,
        )


class _SharedFields(dict):
    """``SearchForm.base_fields``, whose deep copy is a shallow one.

    ``BaseForm.__init__`` deep-copies every field for every form, so a form may change its own
    fields. ``SearchForm`` never does (nothing assigns to its fields or their widgets after the
    class is built), and the copy of 30 fields was a tenth of a search's Python time: the forms
    share them. ``tests/search/test_params.py`` checks the fields stay unchanged by use.
    """

    def __deepcopy__(self, memo):
        return dict(self)


SearchForm.base_fields = _SharedFields(SearchForm.base_fields)
