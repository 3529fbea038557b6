"""Authorization matrix: every URL that names an object, tried by a stranger and by a visitor.

A logged-in user who owns nothing (the *intruder*) gets 403 or 404 from every
page and API endpoint that shows or changes someone else's bookings, listings,
photos, calendars, prices, feeds, reviews, threads, notifications or wishlists,
and the database is byte-for-byte the same afterwards. A visitor who is not
logged in is sent to log in (pages) or gets 401 (API); endpoints that are public
by design answer 404 for private objects (drafts, unpublished reviews).

``test_every_url_with_an_object_parameter_is_in_the_matrix`` walks the URL
resolver: a new URL pattern taking an id or token fails the suite until it is
added to ``CASES`` (or to ``PUBLIC_BY_DESIGN`` with the reason).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from tests.conftest import bearer_client

from .conftest import World, db_fingerprint, fingerprint_diff, logged_in

pytestmark = pytest.mark.django_db


def _date(offset: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=offset)).isoformat()


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 40, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


@dataclass(frozen=True)
class Case:
    """One request in the matrix.

    ``params`` maps URL parameters to ``World.ids()`` keys (or literal strings
    starting with "="). ``owner`` ("host"/"guest") is who gets a 200 on a GET,
    proving the URL points at a real object. ``anon`` is what a visitor gets:
    "login" (redirect / 401) or "404" (a public-by-design endpoint hiding a private object).
    """

    route: str
    method: str
    params: dict[str, str]
    data: dict[str, Any] | None = None
    owner: str | None = None
    anon: str = "login"
    upload: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def api(self) -> bool:
        return self.route.startswith("api/")

    def url(self, world: World) -> str:
        ids = world.ids()
        path = self.route
        for name, key in self.params.items():
            value = key[1:] if key.startswith("=") else ids[key]
            path = re.sub(rf"<(?:\w+:)?{name}>", str(value), path)
        assert "<" not in path, path
        return "/" + path

    def label(self) -> str:
        return f"{self.method} {self.route}"


L = {"pk": "listing"}
D = {"pk": "draft"}
B = {"pk": "booking"}
R = {"pk": "request"}
W = {"pk": "wishlist"}
T = {"pk": "thread"}
FEED = {"listing_id": "listing", "feed_id": "feed"}
RANGE = {"first_night": _date(90), "last_night": _date(92), "action": "block"}
API_RANGE = {"start": _date(90), "end": _date(92)}

CASES: list[Case] = [
    # --- bookings: checkout, trips, reservations ----------------------------------------
    Case("rooms/<int:pk>/book/", "GET", D),
    Case(
        "rooms/<int:pk>/book/",
        "POST",
        D,
        {"check_in": _date(70), "check_out": _date(72), "guests": "1", "card_number": "4242424242424242"},
    ),
    Case("trips/<int:pk>/", "GET", B, owner="guest"),
    Case("trips/<int:pk>/cancel/", "GET", B, owner="guest"),
    Case("trips/<int:pk>/cancel/", "POST", B, {"reason": "Changed plans"}),
    Case("hosting/reservations/<int:pk>/", "GET", B, owner="host"),
    Case("hosting/reservations/<int:pk>/accept/", "POST", R),
    Case("hosting/reservations/<int:pk>/decline/", "POST", R, {"reason": "No"}),
    Case("hosting/reservations/<int:pk>/cancel/", "GET", B, owner="host"),
    Case("hosting/reservations/<int:pk>/cancel/", "POST", B, {"reason": "Flood"}),
    # --- listings: public pages hide drafts; the editor is the host's -----------------------
    Case("rooms/<int:pk>/", "GET", D, anon="404"),
    Case("rooms/<int:pk>/<slug:slug>/", "GET", {"pk": "draft", "slug": "=draft-slug"}, anon="404"),
    Case("hosting/listings/<int:pk>/edit/<slug:step>/", "GET", {"pk": "listing", "step": "=basics"}, owner="host"),
    Case(
        "hosting/listings/<int:pk>/edit/<slug:step>/",
        "POST",
        {"pk": "listing", "step": "=basics"},
        {"title": "Hacked", "property_type": "apartment", "room_type": "entire", "description": "x"},
    ),
    Case("hosting/listings/<int:pk>/photos/", "GET", L, owner="host"),
    Case("hosting/listings/<int:pk>/photos/", "POST", L, upload=True),
    Case(
        "hosting/listings/<int:pk>/photos/<int:photo_id>/<slug:action>/",
        "POST",
        {"pk": "listing", "photo_id": "photo", "action": "=delete"},
    ),  # fmt: skip
    Case(
        "hosting/listings/<int:pk>/photos/<int:photo_id>/<slug:action>/",
        "POST",
        {"pk": "listing", "photo_id": "photo", "action": "=caption"},
        {"p0-caption": "Hacked"},
    ),  # fmt: skip
    Case("hosting/listings/<int:pk>/review/", "GET", D, owner="host"),
    Case("hosting/listings/<int:pk>/publish/", "POST", D),
    Case("hosting/listings/<int:pk>/unlist/", "POST", L),
    Case("hosting/listings/<int:pk>/delete/", "GET", D, owner="host"),
    Case("hosting/listings/<int:pk>/delete/", "POST", L),
    # --- host tools: calendar, pricing, iCal feeds ---------------------------------------
    Case("hosting/calendar/<int:listing_id>/", "GET", {"listing_id": "listing"}, owner="host"),
    Case("hosting/calendar/<int:listing_id>/", "POST", {"listing_id": "listing"}, RANGE),
    Case("hosting/manage/<int:listing_id>/pricing/", "GET", {"listing_id": "listing"}, owner="host"),
    Case(
        "hosting/manage/<int:listing_id>/pricing/",
        "POST",
        {"listing_id": "listing"},
        {"base_price": "1", "weekly_discount_pct": "90", "monthly_discount_pct": "90"},
    ),
    Case("hosting/manage/<int:listing_id>/pricing/smart/", "POST", {"listing_id": "listing"}, {"enabled": "on"}),
    Case("hosting/manage/<int:listing_id>/sync/", "GET", {"listing_id": "listing"}, owner="host"),
    Case(
        "hosting/manage/<int:listing_id>/sync/",
        "POST",
        {"listing_id": "listing"},
        {"name": "Evil", "url": "https://evil.example.com/cal.ics"},
    ),
    Case("hosting/manage/<int:listing_id>/sync/rotate/", "POST", {"listing_id": "listing"}),
    Case("hosting/manage/<int:listing_id>/sync/<int:feed_id>/remove/", "POST", FEED),
    Case("hosting/manage/<int:listing_id>/sync/<int:feed_id>/sync/", "POST", FEED),
    # --- wishlists -------------------------------------------------------------------------
    Case("wishlists/<int:pk>/", "GET", W, owner="guest"),
    Case("wishlists/<int:pk>/edit/", "POST", W, {"name": "Hacked"}),
    Case("wishlists/<int:pk>/delete/", "POST", W),
    Case("wishlists/<int:pk>/share/", "POST", W, {"share": "off"}),
    Case("wishlists/<int:pk>/remove/<int:listing_id>/", "POST", {"pk": "wishlist", "listing_id": "listing"}),
    Case("wishlists/save/<int:listing_id>/", "GET", {"listing_id": "draft"}),
    Case("wishlists/save/<int:listing_id>/", "POST", {"listing_id": "draft"}, {"wishlist": "new", "name": "Mine"}),
    Case("wishlists/toggle/<int:listing_id>/", "POST", {"listing_id": "draft"}, anon="404"),
    # --- reviews -----------------------------------------------------------------------
    Case("reviews/write/<int:booking_id>/", "GET", {"booking_id": "completed"}),
    Case(
        "reviews/write/<int:booking_id>/",
        "POST",
        {"booking_id": "completed"},
        {"overall": "1", "comment": "Terrible", "category_cleanliness": "1"},
    ),
    Case("reviews/<int:pk>/respond/", "POST", {"pk": "review"}, {"response": "Not true"}),
    Case("reviews/<int:pk>/report/", "GET", {"pk": "review"}),
    Case("reviews/<int:pk>/report/", "POST", {"pk": "review"}, {"reason": "spam", "details": "x"}),
    # --- messaging ------------------------------------------------------------------------
    Case("inbox/<int:pk>/", "GET", T, owner="guest"),
    Case("inbox/<int:pk>/", "POST", T, {"body": "Hello from a stranger"}),
    Case("inbox/<int:pk>/poll/", "GET", T, owner="guest", extra={"after": "0"}),
    Case("inbox/booking/<int:booking_id>/", "GET", {"booking_id": "booking"}),  # owners: tests/messaging
    Case("inbox/contact/<int:listing_id>/", "GET", {"listing_id": "draft"}),
    Case("inbox/contact/<int:listing_id>/", "POST", {"listing_id": "draft"}, {"body": "Hi"}),
    Case("notifications/<int:pk>/", "GET", {"pk": "notification"}),
    # --- API: listings and photos ------------------------------------------------------------
    Case("api/v1/listings/<int:pk>/", "GET", D, anon="404"),
    Case("api/v1/listings/<int:pk>/", "PATCH", L, {"title": "Hacked"}),
    Case("api/v1/listings/<int:pk>/", "PUT", L, {"title": "Hacked"}),
    Case("api/v1/listings/<int:pk>/", "DELETE", L),
    Case("api/v1/listings/<int:pk>/publish/", "POST", D),
    Case("api/v1/listings/<int:pk>/unlist/", "POST", L),
    Case("api/v1/listings/<int:pk>/photos/", "GET", D, anon="404"),
    Case("api/v1/listings/<int:pk>/photos/", "POST", L, upload=True),
    Case("api/v1/listings/<int:pk>/photos/reorder/", "POST", L, {"order": []}),
    Case(
        "api/v1/listings/<int:pk>/photos/<int:photo_id>/",
        "PATCH",
        {"pk": "listing", "photo_id": "photo"},
        {"caption": "Hacked"},
    ),  # fmt: skip
    Case("api/v1/listings/<int:pk>/photos/<int:photo_id>/", "DELETE", {"pk": "listing", "photo_id": "photo"}),
    # --- API: wishlists -------------------------------------------------------------------------
    Case("api/v1/wishlists/<int:pk>/", "GET", W, owner="guest"),
    Case("api/v1/wishlists/<int:pk>/", "PATCH", W, {"name": "Hacked"}),
    Case("api/v1/wishlists/<int:pk>/", "DELETE", W),
    Case("api/v1/wishlists/<int:pk>/items/", "POST", W, {"listing_id": "{request_listing}"}),
    Case("api/v1/wishlists/<int:pk>/items/<int:listing_id>/", "DELETE", {"pk": "wishlist", "listing_id": "listing"}),
    Case("api/v1/wishlists/<int:pk>/share/", "POST", W),
    Case("api/v1/wishlists/<int:pk>/share/", "DELETE", W),
    # --- API: bookings and the host calendar ------------------------------------------------------
    Case("api/v1/bookings/<int:pk>/", "GET", B, owner="guest"),
    Case("api/v1/bookings/<int:pk>/cancellation/", "GET", B, owner="guest"),
    Case("api/v1/bookings/<int:pk>/cancel/", "POST", B, {"reason": "x"}),
    Case("api/v1/bookings/<int:pk>/accept/", "POST", R),
    Case("api/v1/bookings/<int:pk>/decline/", "POST", R, {"reason": "x"}),
    Case(
        "api/v1/listings/<int:pk>/quote/", "GET", D, anon="404", extra={"check_in": _date(70), "check_out": _date(72)}
    ),  # fmt: skip
    Case("api/v1/listings/<int:pk>/calendar/", "GET", D, anon="404"),
    Case("api/v1/listings/<int:pk>/calendar/block/", "POST", L, API_RANGE),
    Case("api/v1/listings/<int:pk>/calendar/unblock/", "POST", L, API_RANGE),
    Case("api/v1/listings/<int:pk>/calendar/nights/", "POST", L, {**API_RANGE, "price": "1.00"}),
    # --- API: reviews ------------------------------------------------------------------------------
    Case("api/v1/reviews/<int:pk>/", "GET", {"pk": "review"}, anon="404"),
    Case("api/v1/reviews/<int:pk>/response/", "POST", {"pk": "review"}, {"response": "No"}),
    Case("api/v1/reviews/<int:pk>/report/", "POST", {"pk": "review"}, {"reason": "spam"}),
    Case("api/v1/reviews/listings/<int:pk>/rating/", "GET", D, anon="404"),
    # --- API: messaging -------------------------------------------------------------------------
    Case("api/v1/threads/<int:pk>/", "GET", T, owner="guest"),
    Case("api/v1/threads/<int:pk>/messages/", "GET", T, owner="guest"),
    Case("api/v1/threads/<int:pk>/messages/", "POST", T, {"body": "Hello from a stranger"}),
    Case("api/v1/threads/<int:pk>/read/", "POST", T),
    # --- API: host tools -----------------------------------------------------------------------
    Case(
        "api/v1/host/listings/<int:pk>/calendar/", "GET", L, owner="host", extra={"start": _date(1), "end": _date(20)}
    ),  # fmt: skip
    Case("api/v1/host/listings/<int:pk>/calendar/", "POST", L, {**API_RANGE, "action": "block"}),
    Case(
        "api/v1/host/listings/<int:pk>/price-suggestions/",
        "GET",
        L,
        owner="host",
        extra={"start": _date(1), "end": _date(20)},
    ),  # fmt: skip
    Case("api/v1/host/listings/<int:pk>/price-suggestions/accept/", "POST", L, {"dates": [_date(90)]}),
    Case("api/v1/host/listings/<int:pk>/pricing/", "GET", L, owner="host"),
    Case("api/v1/host/listings/<int:pk>/pricing/", "PATCH", L, {"weekly_discount_pct": 90}),
]

# URL patterns with parameters that anyone may read, and why. Their private
# objects (drafts, unpublished reviews) are covered by CASES or their own test.
PUBLIC_BY_DESIGN = {
    "accounts/users/<int:pk>/": "public profile (name, about, published listings)",
    "reviews/users/<int:pk>/": "public reviews of a person",
    "s/<str:place>/": "search in a named place: a place name, not an object",
    "media/<path:path>": "uploaded listing photos are public (random, unguessable names)",
    # Capability URLs: the unguessable token *is* the permission (tested below).
    "hosting/ical/<str:token>.ics": "iCal export, authorised by its secret token",
    "wishlists/shared/<str:token>/": "a wishlist its owner chose to share, authorised by the token",
    "api/v1/wishlists/shared/<str:token>/": "the same shared wishlist through the API",
}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def parameterised_routes() -> dict[str, URLPattern]:
    return {
        route: pattern
        for route, pattern in _walk(get_resolver().url_patterns)
        if "<" in route and not route.startswith("admin/")
    }


def test_every_url_with_an_object_parameter_is_in_the_matrix():
    routes = parameterised_routes()
    covered = {case.route for case in CASES} | set(PUBLIC_BY_DESIGN)
    missing = sorted(set(routes) - covered)
    assert not missing, f"URL patterns taking an id/token with no authorization case: {missing}"
    stale = sorted(covered - set(routes))
    assert not stale, f"Matrix entries for URL patterns that no longer exist: {stale}"


def test_every_method_of_every_api_view_with_an_id_is_in_the_matrix():
    """A DRF view gaining a PATCH or DELETE must gain its row in the matrix too."""
    tried = {(case.route, case.method) for case in CASES}
    missing = []
    for route, pattern in parameterised_routes().items():
        view_class = getattr(pattern.callback, "view_class", None)
        if view_class is None or route in PUBLIC_BY_DESIGN or not route.startswith("api/"):
            continue
        for method in ("get", "post", "put", "patch", "delete"):
            if hasattr(view_class, method) and (route, method.upper()) not in tried:
                missing.append(f"{method.upper()} {route}")
    assert not missing, f"API methods with no authorization case: {missing}"


def _send(client, case: Case, world: World):
    url = case.url(world)
    data = case.data
    if data and "listing_id" in data and isinstance(data["listing_id"], str):
        data = {**data, "listing_id": world.request_listing.pk}
    if case.extra:
        url += "?" + "&".join(f"{key}={value}" for key, value in case.extra.items())
    if case.upload:
        upload = SimpleUploadedFile("evil.jpg", _jpeg(), content_type="image/jpeg")
        key = "photos"
        return client.post(url, {key: upload}, format="multipart") if case.api else client.post(url, {key: upload})
    method = case.method.lower()
    if case.api:
        return getattr(client, method)(url, data, format="json") if data is not None else getattr(client, method)(url)
    return getattr(client, method)(url, data or {})


def _attempt_all(world: World, client_for, expect) -> list[str]:
    """Send every case; return the ones with a wrong status or any database change."""
    failures = []
    for case in CASES:
        client = client_for(case)
        if client is None:
            continue
        before = db_fingerprint()
        response = _send(client, case, world)
        problem = expect(case, response)
        changed = fingerprint_diff(before, db_fingerprint())
        if problem or changed:
            failures.append(f"{case.label()}: {problem or ''} changed={changed}")
    return failures


def _assert_no_failures(failures: list[str]) -> None:
    assert not failures, "\n" + "\n".join(failures)


def test_an_intruder_gets_403_or_404_and_changes_nothing(world):
    web, api = logged_in(world.intruder), bearer_client(world.intruder)

    def expect(case, response):
        if response.status_code not in (403, 404):
            return f"status {response.status_code}"
        return None

    _assert_no_failures(_attempt_all(world, lambda case: api if case.api else web, expect))


def test_an_intruder_with_a_session_on_the_api_gets_403_or_404_too(world):
    """The API also accepts the web session (SessionAuthentication): same answers."""
    session_api = APIClient()
    session_api.force_login(world.intruder)

    def expect(case, response):
        return None if response.status_code in (403, 404) else f"status {response.status_code}"

    _assert_no_failures(_attempt_all(world, lambda case: session_api if case.api else None, expect))


def test_a_visitor_is_sent_to_log_in_or_gets_401_and_changes_nothing(world):
    web, api = Client(), APIClient()

    def expect(case, response):
        status = response.status_code
        if case.anon == "404":
            return None if status == 404 else f"status {status}, wanted 404"
        if case.api:
            return None if status == 401 else f"status {status}, wanted 401"
        if status != 302 or not response["Location"].startswith("/accounts/login/?next="):
            return f"status {status} {response.get('Location', '')}, wanted a redirect to log in"
        return None

    _assert_no_failures(_attempt_all(world, lambda case: api if case.api else web, expect))


def test_the_owner_reaches_every_page_the_matrix_denies_to_others(world):
    """The matrix URLs point at real objects: their owner gets a 200 where a stranger gets 404."""
    clients = {
        ("host", False): logged_in(world.host),
        ("guest", False): logged_in(world.guest),
        ("host", True): bearer_client(world.host),
        ("guest", True): bearer_client(world.guest),
    }
    failures = []
    for case in CASES:
        if case.owner is None:
            continue
        response = _send(clients[(case.owner, case.api)], case, world)
        if response.status_code != 200:
            failures.append(f"{case.label()}: owner got {response.status_code}")
    _assert_no_failures(failures)
    assert sum(1 for case in CASES if case.owner) >= 20


# --- Lists: a stranger's own pages never show other people's objects --------------------------

PRIVATE_LISTS = [
    "/trips/",
    "/hosting/reservations/",
    "/hosting/listings/",
    "/hosting/",
    "/hosting/calendar/",
    "/hosting/manage/",
    "/hosting/earnings/",
    "/hosting/analytics/",
    "/hosting/analytics.csv",
    "/wishlists/",
    "/reviews/",
    "/inbox/",
    "/notifications/",
    "/notifications/settings/",
    "/accounts/profile/",
    "/accounts/password/",
    "/hosting/listings/new/",
    "/api/v1/bookings/",
    "/api/v1/threads/",
    "/api/v1/notifications/",
    "/api/v1/notifications/preferences/",
    "/api/v1/wishlists/",
    "/api/v1/reviews/pending/",
    "/api/v1/me/",
    "/api/v1/host/analytics/",
]


def test_private_list_pages_send_visitors_to_log_in(world):
    web, api = Client(), APIClient()
    failures = []
    for url in PRIVATE_LISTS:
        if url.startswith("/api/"):
            response = api.get(url)
            if response.status_code != 401:
                failures.append(f"{url}: {response.status_code}")
        else:
            response = web.get(url)
            if response.status_code != 302 or not response["Location"].startswith("/accounts/login/"):
                failures.append(f"{url}: {response.status_code}")
    _assert_no_failures(failures)


def test_an_intruders_own_lists_show_none_of_the_others_data(world):
    secrets = [
        world.draft.title,
        world.listing.title,
        world.wishlist.name,
        "Is the barge heated?",
        world.notification.title,
        "Quiet and clean.",
        world.guest.last_name,
        world.host.last_name,
    ]
    web, api = logged_in(world.intruder), bearer_client(world.intruder)
    failures = []
    for url in PRIVATE_LISTS:
        client = api if url.startswith("/api/") else web
        response = client.get(url)
        if response.status_code not in (200, 400):
            failures.append(f"{url}: {response.status_code}")
            continue
        body = response.content.decode()
        leaked = [secret for secret in secrets if secret in body]
        if leaked:
            failures.append(f"{url}: shows {leaked}")
    _assert_no_failures(failures)


# --- Capability URLs: the token is the permission -----------------------------------------


def test_ical_feed_needs_its_exact_token(world, client):
    assert client.get(f"/hosting/ical/{world.ical_token}.ics").status_code == 200
    for token in ("x" * 32, world.ical_token[:-1] + ("A" if world.ical_token[-1] != "A" else "B"), "' OR 1=1 --"):
        assert client.get(f"/hosting/ical/{token}.ics").status_code == 404


def test_a_shared_wishlist_needs_its_exact_token_and_stops_when_sharing_stops(world, client):
    assert client.get(f"/wishlists/shared/{world.share_token}/").status_code == 200
    assert APIClient().get(f"/api/v1/wishlists/shared/{world.share_token}/").status_code == 200
    assert client.get("/wishlists/shared/not-the-token/").status_code == 404
    assert APIClient().get("/api/v1/wishlists/shared/not-the-token/").status_code == 404
    world.wishlist.share_token = None
    world.wishlist.save(update_fields=["share_token"])
    assert client.get(f"/wishlists/shared/{world.share_token}/").status_code == 404
    assert APIClient().get(f"/api/v1/wishlists/shared/{world.share_token}/").status_code == 404


def test_public_profiles_do_not_show_draft_listings(world, client):
    body = client.get(f"/accounts/users/{world.host.pk}/").content.decode()
    assert world.listing.title in body
    assert world.draft.title not in body
