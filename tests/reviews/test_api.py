"""The reviews API: every endpoint, its permissions, and its errors."""

import pytest

from reviews.models import Review, ReviewReport
from tests.accounts.factories import UserFactory
from tests.conftest import bearer_client
from tests.listings.factories import ListingFactory
from tests.reviews.helpers import GUEST_CATEGORIES_5, stay, stay_categories

pytestmark = pytest.mark.django_db


def submit(client, booking, **overrides):
    body = {
        "booking": booking.pk,
        "overall": 5,
        "categories": stay_categories(),
        "comment": "Spotless and quiet.",
        "private_note": "The kettle is broken.",
    }
    body.update(overrides)
    return client.post("/api/v1/reviews/", body, format="json")


@pytest.fixture
def booking(guest, listing):
    return stay(guest=guest, listing=listing)


@pytest.fixture
def guest_api(guest):
    return bearer_client(guest)


@pytest.fixture
def host_api(host):
    return bearer_client(host)


def test_submit_then_double_blind_then_publish(booking, guest_api, host_api, api_client):
    response = submit(guest_api, booking)
    assert response.status_code == 201, response.json()
    review = response.json()
    assert review["status"] == "awaiting_publication" and review["private_note"] == "The kettle is broken."

    # Nobody else sees it yet: not the host, not the public, not in the listing's list.
    assert host_api.get(f"/api/v1/reviews/{review['id']}/").status_code == 404
    assert api_client.get(f"/api/v1/reviews/{review['id']}/").status_code == 404
    assert api_client.get(f"/api/v1/reviews/?listing={booking.listing_id}").json()["count"] == 0

    pending = host_api.get("/api/v1/reviews/pending/").json()["results"]
    assert pending[0]["booking"] == booking.pk and pending[0]["role"] == "host" and pending[0]["other_party_reviewed"]

    response = host_api.post(
        "/api/v1/reviews/",
        {"booking": booking.pk, "overall": 4, "categories": GUEST_CATEGORIES_5, "comment": "Tidy guest."},
        format="json",
    )
    assert response.status_code == 201 and response.json()["status"] == "published"

    listed = api_client.get(f"/api/v1/reviews/?listing={booking.listing_id}").json()
    assert listed["count"] == 1 and listed["results"][0]["comment"] == "Spotless and quiet."
    assert listed["results"][0]["private_note"] is None  # never public
    assert host_api.get(f"/api/v1/reviews/{review['id']}/").json()["private_note"] == "The kettle is broken."
    about_guest = api_client.get(f"/api/v1/reviews/?user={booking.guest_id}&about=guest").json()
    assert about_guest["count"] == 1 and about_guest["results"][0]["overall"] == 4

    rating = api_client.get(f"/api/v1/reviews/listings/{booking.listing_id}/rating/").json()
    assert rating["rating_avg"] == "5.00" and rating["review_count"] == 1
    assert rating["categories"]["cleanliness"] == "5.00"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"overall": 6}, "overall"),
        ({"overall": 0}, "overall"),
        ({"categories": {"cleanliness": 5}}, "categories"),
        ({"comment": ""}, "comment"),
        ({"comment": "x" * 5001}, "comment"),
    ],
)
def test_bad_input_is_a_400_with_the_field(booking, guest_api, overrides, field):
    response = submit(guest_api, booking, **overrides)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and field in error["fields"]
    assert not Review.objects.exists()


def test_double_submission_is_a_409(booking, guest_api):
    assert submit(guest_api, booking).status_code == 201
    response = submit(guest_api, booking, overall=1)
    assert response.status_code == 409 and response.json()["error"]["code"] == "review_already_submitted"
    assert Review.objects.get().overall == 5


def test_outside_the_window_is_a_409(guest, listing, guest_api):
    old = stay(guest=guest, listing=listing, checked_out_days_ago=15)
    response = submit(guest_api, old)
    assert response.status_code == 409 and response.json()["error"]["code"] == "review_window_closed"
    not_done = stay(guest=guest, listing=listing, complete=False)
    response = submit(guest_api, not_done)
    assert response.status_code == 409 and response.json()["error"]["code"] == "review_not_open"
    assert not Review.objects.exists()


def test_strangers_get_404_and_nothing_changes(booking, guest_api, other_api, api_client):
    assert submit(other_api, booking).status_code == 404
    assert submit(api_client, booking).status_code == 401
    assert not Review.objects.exists()
    review_id = submit(guest_api, booking).json()["id"]
    assert other_api.get(f"/api/v1/reviews/{review_id}/").status_code == 404
    assert other_api.post(f"/api/v1/reviews/{review_id}/response/", {"response": "hi"}).status_code == 404
    assert other_api.post(f"/api/v1/reviews/{review_id}/report/", {"reason": "fake"}).status_code == 404
    assert other_api.get("/api/v1/reviews/pending/").json()["results"] == []
    assert api_client.get("/api/v1/reviews/pending/").status_code == 401
    assert not ReviewReport.objects.exists() and Review.objects.get().response == ""


def test_respond_and_report(booking, guest_api, host_api, other_api):
    review_id = submit(guest_api, booking).json()["id"]
    host_api.post(
        "/api/v1/reviews/",
        {"booking": booking.pk, "overall": 5, "categories": GUEST_CATEGORIES_5, "comment": "Great."},
        format="json",
    )
    response = guest_api.post(f"/api/v1/reviews/{review_id}/response/", {"response": "Me again"})
    assert response.status_code == 403  # the author can't answer their own review
    response = host_api.post(f"/api/v1/reviews/{review_id}/response/", {"response": "Thank you!"})
    assert response.status_code == 200 and response.json()["response"] == "Thank you!"
    response = host_api.post(f"/api/v1/reviews/{review_id}/response/", {"response": "Again"})
    assert response.status_code == 409 and response.json()["error"]["code"] == "response_already_posted"

    response = other_api.post(f"/api/v1/reviews/{review_id}/report/", {"reason": "fake", "details": "Never stayed"})
    assert response.status_code == 201 and response.json()["status"] == "open"
    response = other_api.post(f"/api/v1/reviews/{review_id}/report/", {"reason": "fake"})
    assert response.status_code == 409
    response = other_api.post(f"/api/v1/reviews/{review_id}/report/", {"reason": "dislike"})
    assert response.status_code == 400
    assert ReviewReport.objects.count() == 1


def test_listing_filter_validation(api_client):
    assert api_client.get("/api/v1/reviews/").status_code == 400
    assert api_client.get("/api/v1/reviews/?listing=999999").status_code == 404
    assert api_client.get("/api/v1/reviews/?user=abc").status_code == 400
    draft = ListingFactory(status="draft")
    assert api_client.get(f"/api/v1/reviews/?listing={draft.pk}").status_code == 404
    assert api_client.get(f"/api/v1/reviews/listings/{draft.pk}/rating/").status_code == 404
    assert api_client.get(f"/api/v1/reviews/?user={UserFactory().pk}&about=guest").json()["count"] == 0
