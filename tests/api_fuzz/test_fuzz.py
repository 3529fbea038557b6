"""Property-based fuzzing of the whole API, driven by the OpenAPI schema at /api/schema/.

schemathesis generates valid and invalid requests for every operation of the
schema the live server serves, sends them with the Bearer token of a user who
owns data (tests/api_fuzz/conftest.py), and checks every response:

* no 5xx (``not_a_server_error``): bad input is a 4xx in the project's error format;
* the status code is one the schema declares for the operation;
* the body matches the schema declared for that status (errors included) and
  the Content-Type is the declared one.

Half of the cases get real ids (path, and body references) and bookable dates, and
the operations whose success needs a body no schema describes (a decodable photo,
the listing's photo ids, a chargeable card, the reviewer's rating categories, the
user's password) get one; the other half stays as generated (0, huge numbers, ids of
nothing, dates in year 1). Every operation must answer 2xx at least once.
Generation is deterministic (fixed seed, derandomized): the same requests every run.
"""

from __future__ import annotations

import io
import os
import uuid

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from PIL import Image
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup, as_reported_failure
from schemathesis.pytest.lazy import get_all_tests
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from listings.images import PHOTO_MIN_SIDE
from listings.models import ListingPhoto
from reviews.models import ReviewReport
from tests.accounts.factories import DEFAULT_PASSWORD
from tests.reviews.helpers import stay_categories

from .conftest import FuzzWorld, days_from_today

# Examples per operation in the fuzzing phase (the coverage phase adds its boundary
# cases). About 70 operations, ~5000 requests: 1.5 minutes on two cores.
# FUZZ_MAX_EXAMPLES=200 for a deeper run by hand.
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", 40))

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# Which object of the fuzz world each path operates on. The destructive operations
# (delete, unlist, cancel, accept, decline) get objects of their own so that the
# operations fuzzed after them still find theirs.
_PATH_IDS: dict[tuple[str, str], dict[str, str]] = {
    ("*", "/api/v1/bookings/{id}/"): {"id": "trip"},
    ("*", "/api/v1/bookings/{id}/cancellation/"): {"id": "trip"},
    ("*", "/api/v1/bookings/{id}/cancel/"): {"id": "trip_to_cancel"},
    ("*", "/api/v1/bookings/{id}/accept/"): {"id": "request_to_accept"},
    ("*", "/api/v1/bookings/{id}/decline/"): {"id": "request_to_decline"},
    ("DELETE", "/api/v1/listings/{id}/"): {"id": "spare_listing"},
    ("*", "/api/v1/listings/{id}/unlist/"): {"id": "listing_to_unlist"},
    ("*", "/api/v1/listings/{id}/photos/{photo_id}/"): {"id": "listing", "photo_id": "photo"},
    ("*", "/api/v1/reviews/{id}/"): {"id": "review"},
    ("*", "/api/v1/reviews/{id}/report/"): {"id": "review"},
    ("*", "/api/v1/reviews/{id}/response/"): {"id": "review"},
    ("*", "/api/v1/reviews/listings/{id}/rating/"): {"id": "listing"},
    ("*", "/api/v1/threads/{id}/"): {"id": "thread"},
    ("*", "/api/v1/threads/{id}/messages/"): {"id": "thread"},
    ("*", "/api/v1/threads/{id}/read/"): {"id": "thread"},
    ("DELETE", "/api/v1/wishlists/{id}/"): {"id": "spare_wishlist"},
    ("*", "/api/v1/wishlists/{id}/share/"): {"id": "wishlist_to_share"},
    ("*", "/api/v1/wishlists/{id}/items/{listing_id}/"): {"id": "wishlist", "listing_id": "other_listing"},
}


def real_path_ids(world: FuzzWorld, method: str, path: str) -> dict:
    """Real ids for the path parameters of one operation (empty when it has none)."""
    names = _PATH_IDS.get((method.upper(), path)) or _PATH_IDS.get(("*", path))
    if names is None:
        if path.startswith(("/api/v1/listings/{id}", "/api/v1/host/listings/{id}")):
            names = {"id": "listing"}
        elif path.startswith("/api/v1/wishlists/{id}"):
            names = {"id": "wishlist"}
        elif path == "/api/v1/wishlists/shared/{token}/":
            return {"token": world.share_token}
        else:
            return {}
    return {param: world.ids[key] for param, key in names.items()}


def _destructive(method: str, path: str) -> bool:
    return method.upper() == "DELETE" or path.endswith(("/unlist/", "/cancel/", "/accept/", "/decline/"))


def _small_jpeg() -> bytes:
    """A real photo the upload accepts: a JPEG at the minimum size, made once."""
    out = io.BytesIO()
    Image.new("RGB", (PHOTO_MIN_SIDE, PHOTO_MIN_SIDE), (200, 120, 40)).save(out, "JPEG", quality=70)
    return out.getvalue()


JPEG = _small_jpeg()


def _valid_body(world: FuzzWorld, case) -> None:
    """Bodies that pass validation for the operations a random body never gets through.

    Their success needs values no schema can describe (a decodable image, the listing's
    current photo ids, a card the gateway charges, the rating categories of the reviewer's
    side), so the realistic half of their cases carries them.
    """
    method, path = case.operation.method.upper(), case.operation.path
    body = case.body if isinstance(case.body, dict) else None
    if (method, path) == ("POST", "/api/v1/auth/token/") and body is not None:
        body.update(email=world.email, password=DEFAULT_PASSWORD)
    elif (method, path) == ("POST", "/api/v1/auth/register/") and body is not None:
        # Random strings rarely pass the password validators and never give a new address twice.
        body.update(email=f"fuzz-{uuid.uuid4().hex[:12]}@example.com", password="a-long-fuzz-password-7")
    elif (method, path) == ("POST", "/api/v1/listings/{id}/photos/"):
        case.body = {"photos": [JPEG]}
    elif (method, path) == ("POST", "/api/v1/listings/{id}/photos/reorder/"):
        ids = list(
            ListingPhoto.objects.filter(listing_id=world.ids["listing"])
            .order_by("-position")
            .values_list("pk", flat=True)
        )
        case.body = {"order": ids}
    elif (method, path) == ("POST", "/api/v1/reviews/") and body is not None:
        body.update(overall=5, categories=stay_categories(), booking=world.ids["past_trip"])
    elif (method, path) == ("POST", "/api/v1/reviews/{id}/report/") and body is not None:
        body["reason"] = ReviewReport.Reason.OTHER
    elif (method, path) == ("POST", "/api/v1/bookings/") and body is not None:
        body.update(guests=1, payment_method="4242424242424242", expected_total=None)
        # A fresh key: generated keys repeat ("0", "00"...), and a key first used by an invalid body
        # answers every later, different body with 422 (key reuse, tested in tests/bookings).
        case.headers = {**(case.headers or {}), "Idempotency-Key": str(uuid.uuid4())}
    elif (method, path) == ("POST", "/api/v1/host/listings/{id}/calendar/") and body is not None:
        body.update(price=None if body.get("action") != "set_price" else "150.00")
        body.update(min_nights=None if body.get("action") != "set_min_nights" else 2)
    elif path.startswith("/api/v1/listings/{id}/calendar/") and body is not None:
        if "price" in body:
            body["price"] = "150.00"
        if "min_nights" in body:
            body["min_nights"] = 2


def _realistic(world: FuzzWorld, case) -> None:
    """Real ids in the path, and dates and ids in the query and body that can succeed."""
    real = real_path_ids(world, case.operation.method, case.operation.path)
    if real:
        case.path_parameters = {**(case.path_parameters or {}), **real}
    for container in (case.query, case.body):
        if not isinstance(container, dict):
            continue
        for first, last in (("start", "end"), ("check_in", "check_out"), ("checkin", "checkout")):
            if first in container or last in container:
                container[first], container[last] = days_from_today(20), days_from_today(23)
    if isinstance(case.body, dict):
        if "listing" in case.body:
            case.body["listing"] = world.ids["other_listing"]
        if "listing_ids" in case.body:
            case.body["listing_ids"] = [world.ids["other_listing"], world.ids["listing"]]
        if "booking" in case.body and case.operation.path == "/api/v1/reviews/":
            case.body["booking"] = world.ids["past_trip"]
    _valid_body(world, case)


def _with_real_ids(world: FuzzWorld):
    """Half of the generated cases get real ids and dates (the other half stays as generated)."""

    def flatmap_case(context, case):
        def choose(realistic: bool):
            if realistic:
                _realistic(world, case)
            return case

        return st.booleans().map(choose)

    return flatmap_case


# Operations allowed to never answer 2xx under fuzzing, each with the reason it can't.
# None: with the real ids, dates and bodies above, every operation reaches its service's
# success path at least once, so the checks above also cover every success response.
NEVER_SUCCEED: set[str] = set()

SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


# The operations are dealt round-robin (in the schema's order, which is fixed) into shards, each its
# own test, so that pytest-xdist runs them on every core instead of one test of several minutes
# holding up the run.
SHARDS = 6


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("shard", range(SHARDS))
def test_api_operations_survive_fuzzing(api_schema, fuzz_world, subtests, shard):
    """Every operation of the shard, each reported as a subtest (all run even when one fails)."""
    api_schema.hook(_with_real_ids(fuzz_world))

    def check_case(case):
        if _destructive(case.operation.method, case.operation.path):
            # A generated id may be the id of an object the world needs later (the shared
            # wishlist, the listing with photos): destructive operations act only on their own.
            case.path_parameters = {
                **(case.path_parameters or {}),
                **real_path_ids(fuzz_world, case.operation.method, case.operation.path),
            }
        if case.operation.path.startswith("/api/v1/auth/logout"):
            # Log-out revokes the token it is sent (log-out-all: every token of the user),
            # so it gets one of its own and the rest of the run keeps authenticating.
            headers = fuzz_world.throwaway_bearer()
        else:
            headers = fuzz_world.bearer()
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        statuses.setdefault(case.operation.label, set()).add(response.status_code)

    statuses: dict[str, set[int]] = {}
    # schemathesis.pytest.from_fixture(...).parametrize() would do this loop, but its
    # reporting trips over pytest 9 ('Function' object has no attribute '_nodeid');
    # get_all_tests is the generator it runs on, and subtests report each operation.
    schema = api_schema.clone(test_function=check_case)
    operations = 0
    in_shard: set[str] = set()
    for result in get_all_tests(schema=schema, test_func=check_case, settings=SETTINGS, given_kwargs={}):
        operation, test = result.ok()
        operations += 1
        if (operations - 1) % SHARDS != shard:
            continue
        in_shard.add(operation.label)
        with subtests.test(msg=operation.label):
            try:
                test()
            except FailureGroup as exc:
                raise as_reported_failure(exc) from None
    assert operations >= 60, f"only {operations} operations in /api/schema/"
    assert len(in_shard) >= operations // SHARDS, sorted(in_shard)
    # The checks above pass vacuously if every request stops at 401 or 404 (a broken
    # token, stale ids): the fuzz must have reached the services behind most operations.
    succeeded = {label for label, codes in statuses.items() if any(200 <= code < 300 for code in codes)}
    never = {label: sorted(codes) for label, codes in statuses.items() if label not in succeeded}
    assert set(never) <= NEVER_SUCCEED, never
    assert {
        "GET /api/v1/me/",
        "GET /api/v1/bookings/{id}/",
        "POST /api/v1/bookings/{id}/accept/",
        "POST /api/v1/bookings/{id}/cancel/",
        "PATCH /api/v1/listings/{id}/",
        "GET /api/v1/host/listings/{id}/calendar/",
        "POST /api/v1/threads/{id}/messages/",
        "POST /api/v1/reviews/{id}/response/",
        "GET /api/v1/wishlists/shared/{token}/",
        # Their success needs bodies a schema can't describe (_valid_body).
        "POST /api/v1/auth/token/",
        "POST /api/v1/auth/register/",
        "POST /api/v1/listings/{id}/photos/",
        "POST /api/v1/listings/{id}/photos/reorder/",
        "POST /api/v1/reviews/",
        "POST /api/v1/reviews/{id}/report/",
        "POST /api/v1/bookings/",
        "POST /api/v1/host/listings/{id}/calendar/",
        "POST /api/v1/listings/{id}/calendar/block/",
        "POST /api/v1/listings/{id}/calendar/unblock/",
        "POST /api/v1/listings/{id}/calendar/nights/",
    } & in_shard <= succeeded
