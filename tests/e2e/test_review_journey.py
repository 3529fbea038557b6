"""Journey 3: after a completed stay, host and guest review each other; double-blind until both have."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from bookings.models import Booking, BookingStatus
from bookings.services.outbox import outbox_dispatch
from bookings.tasks import bookings_complete_finished_task
from reviews.models import Review

from .browser import Tab
from .world import GOOD_CARD, PASSWORD, day, paris_listing, person

HOST_COMMENT = "Gina left the flat spotless and was lovely to host."
GUEST_COMMENT = "Wonderful light, a quiet street and Hugo's tips for the market were spot on."


def write_review(tab: Tab, *, stars: dict[str, str], comment: str) -> None:
    """From "Reviews", open the one review to write, rate every group (default 5 stars), comment, submit."""
    page = tab.page
    tab.click(page.get_by_role("link", name=re.compile("^Write a review")))
    for group in page.locator("fieldset.rating-input").all():
        legend = group.locator("legend").inner_text().strip()
        group.get_by_label(stars.get(legend, "5 stars"), exact=True).check()
    page.get_by_label(re.compile("^Your public review")).fill(comment)
    tab.click(page.get_by_role("button", name="Submit review"))


def test_reviews_stay_hidden_until_both_sides_have_written_theirs(open_tab):
    host = person("Hugo", "hugo@example.com")
    guest = person("Gina", "gina@example.com")
    listing = paris_listing(host=host, title="Studio on the Rue Mouffetard", instant_book=True)

    # The stay, booked through the app.
    guest_tab = open_tab("guest")
    guest_page = guest_tab.page
    guest_tab.goto("/accounts/login/")
    guest_tab.log_in(guest.email, PASSWORD)
    guest_tab.goto(f"{listing.get_absolute_url()}?check_in={day(10)}&check_out={day(12)}")
    guest_tab.click(guest_page.get_by_role("link", name="Reserve"))
    guest_page.get_by_label("Card number").fill(GOOD_CARD)
    guest_tab.click(guest_page.get_by_role("button", name=re.compile("^Confirm and pay")))
    booking = Booking.objects.get(guest=guest)
    assert booking.status == BookingStatus.CONFIRMED

    # Time moves forward: the stay is over, and the completion job (beat) runs.
    Booking.objects.filter(pk=booking.pk).update(check_in=day(-3), check_out=day(-1))
    assert bookings_complete_finished_task() == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.COMPLETED
    outbox_dispatch()

    # The host reviews first: the review is kept private.
    host_tab = open_tab("host")
    host_page = host_tab.page
    host_tab.goto("/accounts/login/")
    host_tab.log_in(host.email, PASSWORD)
    host_tab.open_account_menu_item("Reviews")
    expect(host_page.locator(".review-todo")).to_contain_text(f"Your guest {guest.display_name}")
    write_review(host_tab, stars={"Overall": "4 stars"}, comment=HOST_COMMENT)
    assert f"will be published when {guest.display_name} has written theirs" in host_tab.flash()
    waiting = host_page.locator("section", has=host_page.get_by_role("heading", name="Waiting to be published"))
    expect(waiting).to_contain_text(f"Your review of {guest.display_name}")
    host_review = Review.objects.get(booking=booking, author=host)
    assert host_review.published_at is None

    # The guest can't read it yet: told it exists, not shown on their profile.
    guest_tab.open_account_menu_item("Reviews")
    expect(guest_page.locator(".review-todo")).to_contain_text(f"{host.display_name} has reviewed you.")
    guest_tab.click(guest_page.get_by_role("link", name="Reviews about you"))
    guest_tab.click(guest_page.get_by_role("link", name=re.compile(r"^From hosts \(0\)")))
    expect(guest_page.locator(".reviews-page")).to_contain_text("No reviews from hosts yet.")
    assert HOST_COMMENT not in guest_page.content()
    guest_tab.goto(listing.get_absolute_url())
    expect(guest_page.locator("#reviews-title")).to_have_text("No reviews yet")

    # The guest reviews: both are published at once.
    guest_tab.open_account_menu_item("Reviews")
    write_review(guest_tab, stars={"Value": "4 stars"}, comment=GUEST_COMMENT)
    assert "Both reviews are now published." in guest_tab.flash()
    host_review.refresh_from_db()
    guest_review = Review.objects.get(booking=booking, author=guest)
    assert host_review.published_at is not None and host_review.published_at == guest_review.published_at

    # Both appear: the host's on the guest's profile, the guest's on the listing page and the host's profile.
    guest_tab.click(guest_page.get_by_role("link", name="Reviews about you"))
    guest_tab.click(guest_page.get_by_role("link", name=re.compile(r"^From hosts \(1\)")))
    expect(guest_page.locator(".review-list")).to_contain_text(HOST_COMMENT)
    expect(guest_page.locator(".reviews-page__rating")).to_contain_text("from 1 review")

    host_tab.goto(listing.get_absolute_url())
    expect(host_page.locator("#reviews-title")).to_contain_text("5.00")
    expect(host_page.locator("#reviews-title")).to_contain_text("1 review")
    expect(host_page.locator("#reviews .review-list")).to_contain_text(GUEST_COMMENT)
    host_tab.goto(f"/reviews/users/{host.pk}/?about=host")
    expect(host_page.locator(".review-list")).to_contain_text(GUEST_COMMENT)
    # The reviewed host may answer publicly, once.
    host_page.get_by_label(f"Respond publicly to {guest.display_name}").fill("Thank you, come back any time!")
    host_tab.click(host_page.get_by_role("button", name="Post response"))
    assert "Your response is published." in host_tab.flash()
    expect(host_page.locator(".review__response")).to_contain_text("Thank you, come back any time!")
