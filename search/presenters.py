"""How a search result is shown: one JSON shape for the API and the page's script, facets for the sidebar."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

from listings.models import Amenity, PropertyType, RoomType

from .selectors import SearchCard, SearchResult


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _room_type_labels() -> dict[str, str]:
    """Room type labels in the active language (read once per page, not once per card)."""
    return {value: str(label) for value, label in RoomType.choices}


def card_as_dict(
    card: SearchCard, *, explain: bool = False, room_type_labels: dict | None = None, line_labels: dict | None = None
) -> dict:
    """A result as the API returns it: the listing, the matched stay and its price (``price_quote``'s lines).

    ``room_type_labels`` / ``line_labels``: the page's labels so far, shared by its cards (20 cards
    have a handful of distinct labels; each is translated once, not once per card).
    """
    listing = card.listing
    if line_labels is None:
        line_labels = {}
    data = {
        "id": listing.pk,
        "url": listing.get_absolute_url(),
        "title": listing.title,
        "property_type": listing.property_type,
        "room_type": listing.room_type,
        "room_type_label": (room_type_labels or _room_type_labels()).get(listing.room_type, listing.room_type),
        "neighbourhood": listing.neighbourhood,
        "city": listing.city,
        "country_code": listing.country_code,
        "location": {"lat": card.lat, "lng": card.lng, "approximate": True},
        "max_guests": listing.max_guests,
        "bedrooms": listing.bedrooms,
        "beds": listing.beds,
        "bathrooms": str(listing.bathrooms),
        "rating_avg": _money(listing.rating_avg),
        "rating_count": listing.rating_count,
        "instant_book": listing.instant_book,
        "is_superhost": listing.host.is_superhost,
        "photos": [
            {
                "url": photo.original_url,
                "width": photo.width,
                "height": photo.height,
                "caption": photo.caption,
                # The resized variants (WebP), so cards need not load the original.
                "srcset": photo.srcset,
            }
            for photo in card.photos
        ],
        "price": {
            "currency": listing.currency,
            "nightly": _money(card.quote.nightly_average if card.quote else listing.base_price),
            "total": _money(card.quote.total if card.quote else None),
            "nights": card.nights,
            "check_in": card.check_in.isoformat() if card.check_in else None,
            "check_out": card.check_out.isoformat() if card.check_out else None,
            "lines": [
                {"code": line.code, "label": _line_label(line, line_labels), "amount": str(line.amount)}
                for line in card.quote.lines
            ]
            if card.quote
            else [],
            "search_value": str(card.price_value),
        },
    }
    if explain:
        data["ranking"] = {"score": round(card.score, 4), "components": card.explain or {}}
    return data


def _line_label(line, labels: dict) -> str:
    try:
        key = (line.code, tuple(sorted(line.params.items())))
        hash(key)
    except TypeError:  # a parameter that is not a plain value: no sharing
        return line.label
    label = labels.get(key)
    if label is None:
        label = labels[key] = line.label
    return label


def result_as_dict(result: SearchResult) -> dict:
    """``{count, results, facets}`` and the paging and place context around them."""
    params = result.params
    room_type_labels, line_labels = _room_type_labels(), {}
    return {
        "count": result.count,
        "count_is_estimate": result.count_is_estimate,
        "page": params.page,
        "pages": result.pages,
        "currency": params.currency,
        "place": {
            "name": params.place.name,
            "label": params.place.label,
            "kind": params.place.kind,
            "country_code": params.place.country_code,
            "lat": params.place.lat,
            "lng": params.place.lng,
            "bbox": list(params.place.bbox),
        }
        if params.place
        else None,
        # The place was a guess for a name matching none ("Olso" -> Oslo): what was typed, else null.
        "corrected_from": params.place_query if params.place and params.place.corrected else None,
        "results": [
            card_as_dict(card, explain=params.explain, room_type_labels=room_type_labels, line_labels=line_labels)
            for card in result.cards
        ],
        "facets": result.facets,
    }


def facets_for_page(result: SearchResult, amenities: list[Amenity]) -> dict:
    """Facet counts in catalogue order with labels, for the sidebar (zero counts kept, so options stay put)."""
    facets = result.facets
    by_category: dict[str, list[dict]] = {}
    chosen = set(result.params.amenities)
    for amenity in amenities:
        by_category.setdefault(amenity.get_category_display(), []).append(
            {
                "code": amenity.code,
                "name": amenity.display_name,
                "count": facets["amenities"].get(amenity.code, 0),
                "checked": amenity.code in chosen,
                "accessibility": amenity.category == Amenity.Category.ACCESSIBILITY,
            }
        )
    histogram = facets.get("price_histogram") or {}
    counts = histogram.get("counts") or []
    peak = max(counts) if counts else 0
    return {
        "property_types": [
            {
                "value": value,
                "label": label,
                "count": facets["property_types"].get(value, 0),
                "checked": value in result.params.property_types,
            }
            for value, label in PropertyType.choices
        ],  # fmt: skip
        "room_types": [
            {
                "value": value,
                "label": label,
                "count": facets["room_types"].get(value, 0),
                "checked": value in result.params.room_types,
            }
            for value, label in RoomType.choices
        ],  # fmt: skip
        "amenities": by_category,
        "toggles": facets.get("toggles") or {},
        "histogram": {
            "min": histogram.get("min"),
            "max": histogram.get("max"),
            "bars": [{"count": n, "height": round(100 * n / peak) if peak else 0} for n in counts],
        },
    }


def map_config() -> dict:
    return {
        "tile_url": settings.SEARCH_MAP_TILE_URL,
        "attribution": settings.SEARCH_MAP_TILE_ATTRIBUTION,
        "leaflet_js": static("vendor/leaflet/leaflet.js"),
    }


def search_page_payload(result: SearchResult, *, request) -> dict:
    """What the page's script starts from (rendered with ``json_script``: data, not code)."""
    data = result_as_dict(result)
    data["api"] = reverse("search-api")
    return data
