"""Review pages and the listing-page partial: forms, permissions (404 for outsiders), no N+1."""

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from reviews.models import Review, ReviewReport
from reviews.selectors import listing_reviews_summary
from reviews.services.moderation import review_hide
from reviews.services.submission import review_submit
from tests.accounts.factories import UserFactory
from tests.reviews.helpers import GUEST_CATEGORIES_5, stay, stay_categories

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def guest_form(**overrides) -> dict:
    data = {"overall": "5", "comment": "Bright, calm and spotless.", "private_note": ""}
    data.update({f"category_{code}": "5" for code in stay_categories()})
    data.update(overrides)
    return data


def publish_pair(booking, *, overall=5, comment="Great place"):
    review = review_submit(
        booking_id=booking.pk, author=booking.guest, overall=overall, categories=stay_categories(), comment=comment
    )
    review_submit(
        booking_id=booking.pk, author=booking.listing.host, overall=5, categories=GUEST_CATEGORIES_5, comment="Ideal"
    )
    review.refresh_from_db()
    return review


@pytest.fixture
def booking(guest, listing):
    return stay(guest=guest, listing=listing)


def test_reviews_to_write_page(booking, guest, host):
    response = logged_in(guest).get(reverse("reviews:to_write"))
    html = response.content.decode()
    assert response.status_code == 200 and reverse("reviews:write", args=[booking.pk]) in html
    assert f"Your stay at {booking.listing.title}" in html
    html = logged_in(host).get(reverse("reviews:to_write")).content.decode()
    assert f"Your guest {guest.display_name}" in html
    response = Client().get(reverse("reviews:to_write"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_guest_writes_a_review_through_the_form(booking, guest):
    client = logged_in(guest)
    url = reverse("reviews:write", args=[booking.pk])
    page = client.get(url).content.decode()
    assert page.count("<fieldset") == 7 and "<legend" in page and "private note" in page
    assert "csrfmiddlewaretoken" in page
    response = client.post(url, guest_form(private_note="Thanks for the wine"))
    assert response.status_code == 302 and response["Location"] == reverse("reviews:to_write")
    review = Review.objects.get()
    assert review.categories == stay_categories() and review.private_note == "Thanks for the wine"
    assert review.published_at is None

    # A second submission: refused, nothing changes.
    response = client.post(url, guest_form(overall="1"))
    assert response.status_code == 409 and "already reviewed" in response.content.decode()
    assert Review.objects.get().overall == 5


def test_host_form_has_guest_categories(booking, host):
    page = logged_in(host).get(reverse("reviews:write", args=[booking.pk])).content.decode()
    assert page.count("<fieldset") == 4 and "Respect for house rules" in page and "private note" not in page
    data = {"overall": "4", "comment": "Lovely guest.", **{f"category_{c}": "4" for c in GUEST_CATEGORIES_5}}
    assert logged_in(host).post(reverse("reviews:write", args=[booking.pk]), data).status_code == 302
    assert Review.objects.get().direction == Review.Direction.HOST_TO_GUEST


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"overall": ""}, "Choose an overall rating"),
        ({"overall": "7"}, "Select a valid choice"),
        ({"category_value": ""}, "Rate value from 1 to 5 stars."),
        ({"comment": "  "}, "Write a few words"),
        ({"comment": "x" * 5001}, "at most 5000 characters"),
    ],
)
def test_bad_form_input_shows_errors_and_saves_nothing(booking, guest, overrides, message):
    response = logged_in(guest).post(reverse("reviews:write", args=[booking.pk]), guest_form(**overrides))
    assert response.status_code == 200 and message in response.content.decode()
    assert not Review.objects.exists()


def test_write_page_states(guest, listing):
    old = stay(guest=guest, listing=listing, checked_out_days_ago=20)
    html = logged_in(guest).get(reverse("reviews:write", args=[old.pk])).content.decode()
    assert "The review period is over." in html and f'action="{reverse("reviews:write", args=[old.pk])}"' not in html
    assert logged_in(guest).post(reverse("reviews:write", args=[old.pk]), guest_form()).status_code == 409
    upcoming = stay(guest=guest, listing=listing, complete=False)
    html = logged_in(guest).get(reverse("reviews:write", args=[upcoming.pk])).content.decode()
    assert "after check-out" in html
    assert not Review.objects.exists()


def test_outsiders_get_404_on_review_pages_and_nothing_changes(booking):
    client = logged_in(UserFactory())
    assert client.get(reverse("reviews:write", args=[booking.pk])).status_code == 404
    assert client.post(reverse("reviews:write", args=[booking.pk]), guest_form()).status_code == 404
    private = review_submit(
        booking_id=booking.pk, author=booking.guest, overall=5, categories=stay_categories(), comment="Secret"
    )
    assert client.get(reverse("reviews:report", args=[private.pk])).status_code == 404
    assert client.post(reverse("reviews:respond", args=[private.pk]), {"response": "x"}).status_code == 404
    assert "Secret" not in Client().get(reverse("reviews:profile", args=[booking.listing.host_id])).content.decode()
    assert Review.objects.count() == 1 and not ReviewReport.objects.exists()


def test_respond_from_the_profile_page(booking, host):
    review = publish_pair(booking)
    client = logged_in(host)
    profile_url = reverse("reviews:profile", args=[host.pk])
    page = client.get(profile_url).content.decode()
    assert f'id="response-{review.pk}"' in page and "Great place" in page
    stranger_page = logged_in(UserFactory()).get(profile_url).content.decode()
    assert f'id="response-{review.pk}"' not in stranger_page and "Report this review" in stranger_page

    response = logged_in(UserFactory()).post(reverse("reviews:respond", args=[review.pk]), {"response": "Hijack"})
    assert response.status_code == 403
    response = client.post(
        reverse("reviews:respond", args=[review.pk]), {"response": "Thank you!", "next": profile_url}
    )
    assert response.status_code == 302 and response["Location"] == profile_url
    review.refresh_from_db()
    assert review.response == "Thank you!"
    assert "Response from" in client.get(profile_url).content.decode()


def test_report_page(booking):
    review = publish_pair(booking, overall=2, comment="Dirty")
    reporter = UserFactory()
    client = logged_in(reporter)
    url = reverse("reviews:report", args=[review.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "nope"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    response = client.post(url, {"reason": "fake", "details": "They never came"})
    assert response.status_code == 302
    assert ReviewReport.objects.get().reporter == reporter
    client.post(url, {"reason": "fake"})  # twice: a message, still one report
    assert ReviewReport.objects.count() == 1


def test_profile_page_tabs_and_hidden_reviews(booking, guest, host):
    review = publish_pair(booking, comment="Wonderful host")
    html = Client().get(reverse("reviews:profile", args=[host.pk])).content.decode()
    assert "Wonderful host" in html and "From guests (1)" in html
    html = Client().get(reverse("reviews:profile", args=[guest.pk]) + "?about=guest").content.decode()
    assert "Ideal" in html and "Respect for house rules" in html
    review_hide(review_ids=[review.pk])
    assert "Wonderful host" not in Client().get(reverse("reviews:profile", args=[host.pk])).content.decode()
    assert Client().get(reverse("reviews:profile", args=[999999])).status_code == 404


def test_listing_partial_bars_pagination_escaping_and_queries(listing, django_assert_max_num_queries):
    for n in range(8):
        publish_pair(stay(guest=UserFactory(), listing=listing), overall=4 + n % 2, comment=f"Review {n} <b>bold</b>")
    listing.refresh_from_db()
    request = RequestFactory().get(listing.get_absolute_url(), {"check_in": "2030-01-01", "reviews_page": "2"})
    request.user = UserFactory()
    with django_assert_max_num_queries(4):
        summary = listing_reviews_summary(listing=listing, page=request.GET.get("reviews_page"))
        html = render_to_string("reviews/_listing_reviews.html", {"summary": summary}, request=request)
    assert 'id="reviews"' in html and "4.50" in html and "8 reviews" in html
    assert html.count('class="rating-bar"') == 6 and "Cleanliness" in html
    assert "Review 1 &lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold</b>" not in html
    assert html.count('class="review"') == 2  # page 2 of 6 + 2
    assert "check_in=2030-01-01&amp;reviews_page=1#reviews" in html  # other parameters kept


def test_listing_partial_without_reviews(listing):
    request = RequestFactory().get("/")
    request.user = UserFactory()
    summary = listing_reviews_summary(listing=listing, page=None)
    html = render_to_string("reviews/_listing_reviews.html", {"summary": summary}, request=request)
    assert "No reviews yet" in html and "rating-bar" not in html
