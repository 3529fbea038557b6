"""Template helpers for listing cards and pages: the wishlist heart, host statistics in words.

``{% load listings_extras %}``.
"""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import pgettext

from .. import localtime
from ..selectors import wishlist_saved_listing_ids

register = template.Library()


def _saved_ids(request) -> set[int]:
    """The user's saved listing ids, read once per request however many hearts the page shows."""
    cached = getattr(request, "_wishlist_saved_ids", None)
    if cached is None:
        cached = wishlist_saved_listing_ids(user=getattr(request, "user", None))
        request._wishlist_saved_ids = cached
    return cached


@register.inclusion_tag("listings/_heart.html", takes_context=True)
def wishlist_heart(context, listing, variant: str = "card"):
    """The save-to-wishlist heart for ``listing``: a POST form (CSRF) that works without JavaScript.

    Visitors get a link to log in instead. Renders nothing without a request in
    the context (e.g. a card rendered into an email).
    """
    request = context.get("request")
    if request is None:
        return {"show": False}
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "show": True,
        "signed_in": signed_in,
        "saved": signed_in and listing.pk in _saved_ids(request),
        "listing": listing,
        "variant": variant,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def response_time(minutes) -> str:
    """A host's typical reply time in words: "within an hour", "within a few hours", ..."""
    if minutes is None or minutes == "":
        return ""
    minutes = int(minutes)
    if minutes <= 60:
        return pgettext("usually responds ...", "within an hour")
    if minutes <= 6 * 60:
        return pgettext("usually responds ...", "within a few hours")
    if minutes <= 24 * 60:
        return pgettext("usually responds ...", "within a day")
    return pgettext("usually responds ...", "in a few days or more")


@register.filter
def percent(rate) -> str:
    """0.953 -> "95%" (rates are stored as fractions)."""
    if rate is None or rate == "":
        return ""
    return f"{(Decimal(str(rate)) * 100).quantize(Decimal('1'))}%"


@register.filter
def zone_label(name) -> str:
    """ "Asia/Tokyo" -> "Tokyo time": said next to every time of a stay (times are the listing's)."""
    return localtime.zone_label(str(name or ""))
