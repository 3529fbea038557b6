"""Any body the API cannot parse is a 400 in the usual error format, on every operation that takes JSON.

Before ``airbnb.api.parsers.StrictJSONParser``, 1,000 nested ``[`` (a 2 KB body)
answered 500 (``RecursionError`` in the JSON scanner) on every JSON endpoint.
Here: the bodies that broke it and their relatives, sent to the endpoints named
in the report, then a hypothesis strategy of raw bodies sent to every operation
of the OpenAPI schema that accepts JSON, as the owner of real objects: none may
answer 5xx.
"""

from __future__ import annotations

import json
import re
import uuid

import pytest
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airbnb.api.parsers import MAX_DEPTH, json_depth_exceeds, json_strict_loads
from tests.listings.factories import ListingFactory

pytestmark = pytest.mark.django_db

NAMED_ENDPOINTS = ["/api/v1/bookings/", "/api/v1/listings/", "/api/v1/auth/token/", "/api/v1/wishlists/"]

UNPARSEABLE = {
    "1000 nested lists": b"[" * 1000 + b"]" * 1000,
    "1000 open lists": b"[" * 1000,
    "3000 nested objects": b'{"a":' * 3000 + b"1" + b"}" * 3000,
    "100,000 nested lists": b"[" * 100_000,
    "nested just past the limit": b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1),
    "invalid UTF-8": b'{"check_in": "\xff\xfe"}',
    "NaN": b'{"guests": NaN}',
    "Infinity": b'{"guests": Infinity}',
    "-Infinity": b'{"guests": -Infinity}',
    "duplicate keys": b'{"guests": 1, "guests": 9}',
    "duplicate keys deep inside": b'{"a": [{"b": 1, "b": 2}]}',
    "a 5,000-digit number": b'{"guests": ' + b"9" * 5000 + b"}",
    "truncated": b'{"listing": 1, "check_in": "2027-',
    "empty": b"",
    "whitespace": b" \n\t ",
    "a lone surrogate in UTF-8 bytes": b'{"a": "\xed\xa0\x80"}',
    "trailing garbage": b'{"a": 1} {"b": 2}',
}


@pytest.mark.parametrize("path", NAMED_ENDPOINTS)
@pytest.mark.parametrize("body", list(UNPARSEABLE.values()), ids=list(UNPARSEABLE))
def test_an_unparseable_body_is_a_400_parse_error(user_api, path, body):
    response = user_api.generic(
        "POST", path, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
    )
    # An empty body is "no data", which every endpoint answers as a validation error.
    assert response.status_code == 400, (response.status_code, response.content[:300])
    error = response.json()["error"]
    assert error["code"] in ("parse_error", "validation_error") and error["message"]
    if body.strip():
        assert error["code"] == "parse_error", error


def test_nesting_up_to_the_limit_parses_and_past_it_is_refused_without_recursion():
    at_limit = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert json_depth_exceeds(json_strict_loads(at_limit), MAX_DEPTH) is False
    with pytest.raises(ValueError, match=f"deeper than {MAX_DEPTH}"):
        json_strict_loads("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    # Wide is fine: depth, not size, is what is limited.
    assert len(json_strict_loads(json.dumps([[1]] * 10_000))) == 10_000
    with pytest.raises(ValueError, match="duplicate key 'b'"):
        json_strict_loads('{"a": {"b": 1, "b": 1}}')


def test_a_well_formed_body_still_reaches_the_service(user_api):
    listing = ListingFactory()
    response = user_api.post("/api/v1/wishlists/", {"name": "Summer", "listing": listing.pk}, format="json")
    assert response.status_code in (200, 201), response.content
    assert response.json()["name"] == "Summer"


# --- every JSON operation of the schema ---------------------------------------------------------


def _json_operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                operations.append((method.upper(), re.sub(r"\{[^}]+\}", "1", path)))
    return operations


def _nested(depth: int, opener: bytes, closer: bytes, closed: bool) -> bytes:
    return opener * depth + (b"1" + closer * depth if closed else b"")


raw_bodies = st.one_of(
    st.builds(_nested, st.integers(MAX_DEPTH + 1, 20_000), st.just(b"["), st.just(b"]"), st.booleans()),
    st.builds(_nested, st.integers(MAX_DEPTH + 1, 5_000), st.just(b'{"a":'), st.just(b"}"), st.booleans()),
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.sampled_from(list(UNPARSEABLE.values())),
    st.dictionaries(st.text(max_size=8), st.integers() | st.floats() | st.text(max_size=20), max_size=5).map(
        lambda data: json.dumps(data, allow_nan=True).encode()
    ),
)


def test_no_json_operation_answers_5xx_to_any_raw_body(user_api):
    operations = _json_operations()
    assert len(operations) >= 20, operations  # the schema is read, not an empty list

    @settings(
        max_examples=120,
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(operation=st.sampled_from(operations), body=raw_bodies)
    def check(operation, body):
        method, path = operation
        response = user_api.generic(
            method, path, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
        )
        assert response.status_code < 500, (method, path, body[:80], response.status_code, response.content[:300])
        if response.status_code >= 400 and response.get("Content-Type", "").startswith("application/json"):
            assert "error" in response.json()

    check()
