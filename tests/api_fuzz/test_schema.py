"""The OpenAPI schema itself: valid, warning-free, and describing what the API really answers.

The fuzzer (test_fuzz.py) checks responses against this schema; these tests pin
the generator rules it relies on (airbnb/api/schema.py) so a regression shows up
as a named failure rather than as thousands of fuzz failures.
"""

from __future__ import annotations

import io

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient


@pytest.fixture(scope="module")
def spec() -> dict:
    out = io.StringIO()
    # --validate checks it against the OpenAPI 3 meta-schema; --fail-on-warn turns any
    # drf-spectacular warning (an unresolvable serializer, a guessed type) into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    return yaml.safe_load(out.getvalue())


def _responses(spec: dict, path: str, method: str) -> dict:
    return spec["paths"][path][method]["responses"]


def _schema_ref(response: dict) -> str:
    return response["content"]["application/json"]["schema"]["$ref"]


def test_every_error_response_has_the_error_body(spec):
    error = spec["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    detail = spec["components"]["schemas"]["ErrorDetail"]
    assert set(detail["properties"]) == {"code", "message", "fields", "retry_after"}
    assert detail["required"] == ["code", "message"]
    errors = [
        (path, method, code, response)
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
        for code, response in operation["responses"].items()
        if code >= "400"
    ]
    assert len(errors) > 200
    for path, method, code, response in errors:
        assert _schema_ref(response) == "#/components/schemas/Error", (path, method, code)


def test_generic_errors_follow_what_the_view_does(spec):
    # Authenticated write with a path id and a body: all of them.
    assert set(_responses(spec, "/api/v1/bookings/{id}/cancel/", "post")) == {
        "200",
        "400",
        "401",
        "403",
        "404",
        "409",
        "429",
    }
    # Public read without input: no 400, no 403, no 404 (but a bad token is still 401).
    assert set(_responses(spec, "/api/v1/amenities/", "get")) == {"200", "401", "429"}
    # Auth endpoints authenticate nobody: no 401/403, only bad input and throttling.
    assert set(_responses(spec, "/api/v1/auth/token/", "post")) == {"200", "400", "429"}
    # A paged list answers 404 for a page past the end.
    assert "404" in _responses(spec, "/api/v1/threads/", "get")


def test_paged_lists_are_described_as_pages(spec):
    for path, component in [
        ("/api/v1/bookings/", "PaginatedBookingList"),
        ("/api/v1/threads/", "PaginatedThreadList"),
        ("/api/v1/notifications/", "PaginatedNotificationList"),
        ("/api/v1/reviews/", "PaginatedReviewList"),
        ("/api/v1/threads/{id}/messages/", "PaginatedMessageList"),
    ]:
        assert _schema_ref(_responses(spec, path, "get")["200"]) == f"#/components/schemas/{component}", path
    page = spec["components"]["schemas"]["PaginatedBookingList"]
    assert {"count", "next", "previous", "results"} <= set(page["properties"])
    parameters = {p["name"] for p in spec["paths"]["/api/v1/bookings/"]["get"]["parameters"]}
    assert {"page", "page_size", "role", "status"} <= parameters
    cursor = {p["name"] for p in spec["paths"]["/api/v1/threads/{id}/messages/"]["get"]["parameters"]}
    assert "cursor" in cursor


def test_listing_reads_are_the_public_or_the_host_shape(spec):
    detail = _responses(spec, "/api/v1/listings/{id}/", "get")["200"]["content"]["application/json"]["schema"]
    assert detail == {
        "anyOf": [{"$ref": "#/components/schemas/ListingPublic"}, {"$ref": "#/components/schemas/ListingOwner"}]
    }
    page = _responses(spec, "/api/v1/listings/", "get")["200"]["content"]["application/json"]["schema"]
    assert page["required"] == ["count", "results"]
    assert page["properties"]["results"]["items"] == detail


def test_times_are_described_as_drf_writes_them(spec):
    check_in = spec["components"]["schemas"]["ListingOwner"]["properties"]["check_in_time"]
    assert "format" not in check_in  # JSON Schema's "time" needs an offset DRF does not write
    assert check_in["pattern"] == r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"


def test_object_bodies_that_are_not_lists_are_described_as_objects(spec):
    host_calendar = _responses(spec, "/api/v1/host/listings/{id}/calendar/", "get")["200"]
    assert _schema_ref(host_calendar) == "#/components/schemas/HostCalendar"
    suggestions = _responses(spec, "/api/v1/host/listings/{id}/price-suggestions/", "get")["200"]
    assert _schema_ref(suggestions) == "#/components/schemas/PriceSuggestions"
    pending = _responses(spec, "/api/v1/reviews/pending/", "get")["200"]
    assert _schema_ref(pending) == "#/components/schemas/ReviewsToWrite"
    reason = spec["components"]["schemas"]["Quote"]["properties"]["reason"]
    assert reason["allOf"] == [{"$ref": "#/components/schemas/QuoteUnavailableReason"}] and reason["nullable"]


def _bare_objects(spec: dict, schema: dict, seen: frozenset = frozenset()) -> list[str]:
    """Where ``schema`` says only "an object" (no properties, any keys): nothing a client can rely on."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return [] if name in seen else _bare_objects(spec, spec["components"]["schemas"][name], seen | {name})
    found = []
    if (
        schema.get("type") == "object"
        and not schema.get("properties")
        and schema.get("additionalProperties") in (None, {}, True)
    ):
        found.append("(object)")
    for name, sub in (schema.get("properties") or {}).items():
        found += [f"{name}.{where}" for where in _bare_objects(spec, sub, seen)]
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            found += [f"{key}.{where}" for where in _bare_objects(spec, schema[key], seen)]
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            found += _bare_objects(spec, sub, seen)
    return found


def test_every_success_body_is_described_field_by_field(spec):
    bare = [
        (method, path, code, where)
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
        for code, response in operation["responses"].items()
        if code < "300"
        for media in (response.get("content") or {}).values()
        for where in _bare_objects(spec, media["schema"])
    ]
    assert bare == []
    search = spec["components"]["schemas"]["SearchResult"]
    assert set(search["required"]) == {
        "count",
        "count_is_estimate",
        "page",
        "pages",
        "currency",
        "place",
        "corrected_from",
        "results",
        "facets",
    }
    assert spec["components"]["schemas"]["SearchFacets"]["properties"]["price_histogram"]["nullable"]
    night = spec["components"]["schemas"]["CalendarNight"]
    assert set(night["required"]) == {"date", "available", "min_nights"}  # the rest only for the host
    entry = spec["components"]["schemas"]["WishlistEntry"]["properties"]["listing"]
    assert entry["anyOf"] == [
        {"$ref": "#/components/schemas/ListingPublic"},
        {"$ref": "#/components/schemas/WishlistListingGone"},
    ]
    shared = spec["components"]["schemas"]["SharedWishlist"]
    assert "owner" in shared["properties"] and "share_url" not in shared["properties"]


@pytest.mark.django_db
def test_the_served_schema_is_the_generated_one(spec):
    served = APIClient().get("/api/schema/?format=json")
    assert served.status_code == 200
    assert served.json()["paths"].keys() == spec["paths"].keys()


@pytest.mark.django_db(transaction=True)
def test_shapes_the_fuzz_world_does_not_show_match_the_served_schema(live_server, user):
    """A saved listing that was unlisted (the short shape), a priced one, a host's calendar with a booking.

    The fuzzer checks every response against the schema, but its world has none of these.
    """
    import requests
    import schemathesis
    from knox.models import AuthToken

    from bookings.models import BookingStatus
    from listings.services import listing as listing_services
    from listings.services import wishlists as wishlist_services
    from tests.accounts.factories import UserFactory
    from tests.bookings.helpers import book, days
    from tests.listings.factories import ListingFactory, ListingPhotoFactory

    host = UserFactory()
    kept = ListingFactory(host=host, instant_book=True, max_guests=4, min_nights=1)
    gone = ListingFactory(host=host, instant_book=True)
    ListingPhotoFactory(listing=kept, position=0)
    stay = book(guest=user, listing=kept, start=10, nights=2)
    assert stay.status == BookingStatus.CONFIRMED
    wishlist = wishlist_services.wishlist_create(owner=user, name="June")
    wishlist_services.wishlist_add(wishlist=wishlist, actor=user, listing=kept)
    wishlist_services.wishlist_add(wishlist=wishlist, actor=user, listing=gone)
    wishlist_services.wishlist_update(wishlist=wishlist, actor=user, check_in=days(30), check_out=days(33), guests=2)
    listing_services.listing_unlist(listing=gone, actor=host)
    wishlist = wishlist_services.wishlist_share(wishlist=wishlist, actor=user)

    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")

    def get(path: str, template: str, owner, **params) -> dict:
        _, token = AuthToken.objects.create(owner)
        response = requests.get(
            f"{live_server.url}{path}", params=params, headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        assert response.status_code == 200, response.text
        schema[template]["GET"].validate_response(response)
        return response.json()

    detail = get(f"/api/v1/wishlists/{wishlist.pk}/", "/api/v1/wishlists/{id}/", user)
    by_id = {item["listing"]["id"]: item for item in detail["items"]}
    assert by_id[gone.pk]["listing"] == {"id": gone.pk, "title": gone.title}
    assert by_id[gone.pk]["quote"] is None and by_id[gone.pk]["total"] is None
    assert by_id[kept.pk]["quote"]["total"] == by_id[kept.pk]["total"]
    shared = get(f"/api/v1/wishlists/shared/{wishlist.share_token}/", "/api/v1/wishlists/shared/{token}/", host)
    assert shared["owner"] == user.display_name and "share_url" not in shared

    window = {"start": days(9).isoformat(), "end": days(14).isoformat()}
    calendar = get(f"/api/v1/listings/{kept.pk}/calendar/", "/api/v1/listings/{id}/calendar/", host, **window)
    booked = [night for night in calendar["nights"] if "booking" in night]
    assert [night["booking"]["reference"] for night in booked] == [stay.reference, stay.reference]
    public = get(f"/api/v1/listings/{kept.pk}/calendar/", "/api/v1/listings/{id}/calendar/", user, **window)
    assert public["nights"] and all(set(night) == {"date", "available", "min_nights"} for night in public["nights"])
