"""CSRF: every state-changing request made with a browser session needs the token.

Every page URL (walked from the resolver) refuses a POST without a CSRF token
with 403, for a logged-in host and guest who could otherwise make the change, and
the database is unchanged. API views are csrf-exempt for Bearer tokens, but with
the web session cookie (``SessionAuthentication``) they demand the token as well.
The only view that skips CSRF by design is Stripe's webhook (signed instead).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import get_resolver
from rest_framework.authentication import SessionAuthentication
from rest_framework.views import APIView

from .conftest import db_fingerprint, fingerprint_diff
from .test_authorization import CASES, PUBLIC_BY_DESIGN, _walk

pytestmark = pytest.mark.django_db

# Views that accept a POST without a CSRF token, and why.
CSRF_EXEMPT = {
    "api/v1/payments/stripe/webhook/": "Stripe signs the raw body (Stripe-Signature); it has no session or cookie",
}

PUBLIC_URLS = {
    "accounts/users/<int:pk>/": lambda w: f"/accounts/users/{w.host.pk}/",
    "reviews/users/<int:pk>/": lambda w: f"/reviews/users/{w.host.pk}/",
    "s/<str:place>/": lambda w: "/s/Paris/",
    "media/<path:path>": lambda w: f"/media/{w.photo.image.name}",
    "hosting/ical/<str:token>.ics": lambda w: f"/hosting/ical/{w.ical_token}.ics",
    "wishlists/shared/<str:token>/": lambda w: f"/wishlists/shared/{w.share_token}/",
    "api/v1/wishlists/shared/<str:token>/": lambda w: f"/api/v1/wishlists/shared/{w.share_token}/",
}


def _routes():
    return list(_walk(get_resolver().url_patterns))


def _is_api_view(pattern) -> bool:
    view_class = getattr(pattern.callback, "view_class", None)
    return view_class is not None and issubclass(view_class, APIView)


def _url(route: str, world) -> str:
    if "<" not in route:
        return "/" + route
    if route in PUBLIC_URLS:
        return PUBLIC_URLS[route](world)
    case = next(case for case in CASES if case.route == route)
    return case.url(world)


def test_only_the_stripe_webhook_skips_csrf():
    exempt = sorted(
        route
        for route, pattern in _routes()
        if getattr(pattern.callback, "csrf_exempt", False) and not _is_api_view(pattern)
        and not route.startswith("admin/")
    )  # fmt: skip
    assert exempt == sorted(CSRF_EXEMPT)
    assert set(PUBLIC_URLS) == set(PUBLIC_BY_DESIGN)


def _session(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_every_page_refuses_a_post_without_csrf_token_and_changes_nothing(world):
    clients = [_session(world.host), _session(world.guest), Client(enforce_csrf_checks=True)]
    failures, tried = [], 0
    for route, pattern in _routes():
        if route.startswith(("admin/", "api/")) or _is_api_view(pattern) or route in CSRF_EXEMPT:
            continue
        url = _url(route, world)
        for client in clients:
            before = db_fingerprint()
            response = client.post(url, {"title": "Hacked", "name": "Hacked", "body": "Hacked", "reason": "x"})
            tried += 1
            changed = fingerprint_diff(before, db_fingerprint())
            if response.status_code != 403 or changed:
                failures.append(f"POST {url}: {response.status_code} changed={changed}")
    assert not failures, "\n" + "\n".join(failures)
    assert tried > 150


def test_every_api_write_with_a_session_cookie_needs_the_csrf_token(world):
    """With the session cookie (not a Bearer token), DRF's SessionAuthentication enforces CSRF."""
    clients = [_session(world.host), _session(world.guest)]
    failures, tried = [], 0
    for route, pattern in _routes():
        if not _is_api_view(pattern) or not route.startswith("api/v1/"):
            continue
        view_class = pattern.callback.view_class
        if not any(issubclass(auth, SessionAuthentication) for auth in view_class.authentication_classes):
            continue  # register/token/logout read no session cookie: there is no session to ride
        url = _url(route, world)
        for method in ("post", "put", "patch", "delete"):
            if not hasattr(view_class, method):
                continue
            for client in clients:
                before = db_fingerprint()
                response = getattr(client, method)(url, '{"name": "Hacked"}', content_type="application/json")
                tried += 1
                changed = fingerprint_diff(before, db_fingerprint())
                if response.status_code != 403 or changed:
                    failures.append(f"{method.upper()} {url}: {response.status_code} changed={changed}")
                elif "CSRF" not in response.json()["error"]["message"]:
                    failures.append(f"{method.upper()} {url}: 403 but not for CSRF: {response.content[:200]}")
    assert not failures, "\n" + "\n".join(failures)
    assert tried > 50
    assert "api/v1/bookings/<int:pk>/cancel/" in {route for route, _ in _routes()}


def test_the_same_form_with_its_token_goes_through(world):
    """Positive control: the 403s above are about the token, not the request."""
    client = _session(world.guest)
    page = client.get(f"/wishlists/{world.wishlist.pk}/")
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else client.cookies["csrftoken"].value
    response = client.post(f"/wishlists/{world.wishlist.pk}/edit/", {"name": "Renamed", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    world.wishlist.refresh_from_db()
    assert world.wishlist.name == "Renamed"


def test_the_auth_api_without_a_session_needs_no_csrf_token(world):
    """Token endpoints read no cookie, so a forged cross-site request gains nothing: no CSRF there."""
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/auth/token/",
        {"email": world.guest.email, "password": "correct-horse-battery-staple"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert "token" in response.json()
