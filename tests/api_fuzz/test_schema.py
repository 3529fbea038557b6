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


@pytest.mark.django_db
def test_the_served_schema_is_the_generated_one(spec):
    served = APIClient().get("/api/schema/?format=json")
    assert served.status_code == 200
    assert served.json()["paths"].keys() == spec["paths"].keys()
