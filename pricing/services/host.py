"""A host's pricing settings and per-night prices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from availability.services import calendar_set_nights
from listings.locks import listing_lock

from ..errors import PriceOutOfRange, PricingSettingsInvalid
from ..models import ListingPricing

FIELD_LABELS = {
    "guests_included": _("Guests included"),
    "extra_guest_fee": _("Extra-guest fee"),
    "min_price": _("Minimum price"),
    "max_price": _("Maximum price"),
    "weekend_premium_pct": _("Weekend premium"),
    "high_season_pct": _("High season"),
    "shoulder_season_pct": _("Shoulder season"),
    "low_season_pct": _("Low season"),
}

EDITABLE_FIELDS = (
    "guests_included",
    "extra_guest_fee",
    "min_price",
    "max_price",
    "weekend_premium_pct",
    "high_season_pct",
    "shoulder_season_pct",
    "low_season_pct",
)


def listing_pricing_get(*, listing) -> ListingPricing:
    """The listing's pricing settings; an unsaved row with the defaults when it has none."""
    return ListingPricing.objects.filter(listing=listing).first() or ListingPricing(listing=listing)


def listing_pricing_update(*, listing, **changes) -> ListingPricing:
    """Change a listing's pricing settings (any of ``EDITABLE_FIELDS``).

    Validates the whole row (field ranges, minimum <= maximum) and raises
    ``PricingSettingsInvalid`` with per-field messages. Smart Pricing is switched
    with ``smart_pricing_set``; with it on, new bounds are applied by a refresh
    scheduled after commit.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise PricingSettingsInvalid(
            message=gettext("Unknown pricing settings: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        listing_lock(listing_id=listing.pk, fields=("id",))
        row = ListingPricing.objects.select_for_update().filter(listing=listing).first()
        row = row or ListingPricing(listing=listing)
        for name, value in changes.items():
            setattr(row, name, value)
        try:
            row.full_clean(exclude=["listing"])
        except ValidationError as exc:
            raise PricingSettingsInvalid(
                message=_first_message(exc), fields={k: [str(m) for m in v] for k, v in exc.message_dict.items()}
            ) from None
        row.save()
        if row.smart_pricing:
            from ..tasks import suggestions_refresh_task

            transaction.on_commit(lambda: suggestions_refresh_task.delay(listing.pk))
    return row


def _first_message(exc: ValidationError) -> str:
    for field, messages in exc.message_dict.items():
        if field == "__all__":
            return messages[0]
        return gettext("%(field)s: %(message)s") % {"field": _field_label(field), "message": messages[0]}
    return gettext("These pricing settings are not valid.")


def _field_label(name: str) -> str:
    """A pricing setting's name as the host reads it, in the active language."""
    return str(FIELD_LABELS.get(name, name))


def _amount(value: Decimal) -> str:
    return number_format(Decimal(value), decimal_pos=2)


def price_within_bounds(*, listing, price: Decimal, row: ListingPricing | None = None) -> None:
    """Raise ``PriceOutOfRange`` when ``price`` is outside the host's own minimum/maximum."""
    row = row if row is not None else listing_pricing_get(listing=listing)
    if row.min_price is not None and price < row.min_price:
        raise PriceOutOfRange(
            message=gettext("%(price)s %(currency)s is below your minimum price of %(bound)s %(currency)s.")
            % {"price": _amount(price), "bound": _amount(row.min_price), "currency": listing.currency},
            min_price=str(row.min_price),
        )
    if row.max_price is not None and price > row.max_price:
        raise PriceOutOfRange(
            message=gettext("%(price)s %(currency)s is above your maximum price of %(bound)s %(currency)s.")
            % {"price": _amount(price), "bound": _amount(row.max_price), "currency": listing.currency},
            max_price=str(row.max_price),
        )


def host_nights_set(
    *,
    listing,
    start: dt.date,
    end: dt.date,
    price: Decimal | None = None,
    min_nights: int | None = None,
    clear_price: bool = False,
    clear_min_nights: bool = False,
) -> int:
    """Set the host's own price and/or minimum nights on ``[start, end)``.

    The price must respect the host's minimum and maximum (``PriceOutOfRange``);
    the calendar service validates the range and values (``CalendarRangeInvalid``).
    A price set here is the host's: Smart Pricing will not replace it.
    """
    if price is not None:
        price_within_bounds(listing=listing, price=price)
    return calendar_set_nights(
        listing=listing,
        start=start,
        end=end,
        price=price,
        min_nights=min_nights,
        clear_price=clear_price,
        clear_min_nights=clear_min_nights,
    )
