"""Host payouts: onboarding a payout account (web and API), releasing due payouts as transfers.

The first part runs on the local gateway (the default: ``acct_local_...`` accounts,
instant onboarding). The second runs the real ``StripeGateway`` against the local
Stripe server (tests/payments/stripe_server.py), so what is checked is the wire
traffic: the Connect calls, the transfer's minor units and idempotency keys, and
that a retried transfer is answered by the same transfer.
"""

import datetime as dt
import re
import threading
import time
import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from bookings.models import Booking, BookingStatus
from bookings.services import booking as svc
from payments import tasks
from payments.gateways.local import NAMESPACE
from payments.models import PayoutAccount, PayoutEntry
from payments.services import payouts
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import book, days
from tests.conftest import bearer_client
from tests.listings.factories import ListingFactory
from tests.payments.stripe_server import (
    API_KEY,
    stripe_server_fixture,  # noqa: F401 - provides the stripe_server fixture
)

pytestmark = pytest.mark.django_db
D = Decimal
P = PayoutEntry.Status
RETURN_URL = "http://testserver/hosting/earnings/payouts/return/"
REFRESH_URL = "http://testserver/hosting/earnings/payouts/refresh/"


@pytest.fixture
def guest():
    return UserFactory()


@pytest.fixture
def host():
    return UserFactory(email="hana.host@example.com")


@pytest.fixture
def listing(host):
    return ListingFactory(
        host=host, instant_book=True, base_price=D("100"), cleaning_fee=D("50"), cancellation_policy="moderate"
    )


@pytest.fixture
def host_client(client, host, listing):
    client.force_login(host)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def due_stay(*, guest, listing, start: int = 1, nights: int = 2) -> Booking:
    """A confirmed, captured booking whose payout is due (its release time has passed)."""
    booking = book(guest=guest, listing=listing, start=start, nights=nights)
    assert booking.status == BookingStatus.CONFIRMED
    PayoutEntry.objects.filter(booking=booking).update(release_at=timezone.now() - dt.timedelta(hours=1))
    return booking


def euros(amount: Decimal) -> str:
    """As templates/_money.html shows euros: whole amounts without decimals."""
    return f"€{amount:,.2f}".replace(".00", "")


def payout_of(booking: Booking) -> PayoutEntry:
    return PayoutEntry.objects.get(booking=booking)


def local_transfer_id(key: str) -> str:
    return f"tr_local_{uuid.uuid5(NAMESPACE, key).hex}"


def onboarded(host) -> PayoutAccount:
    """Onboarding as the earnings page does it, on the local gateway (instant)."""
    payouts.payout_account_onboard(host=host, refresh_url=REFRESH_URL, return_url=RETURN_URL)
    return payouts.payout_account_refresh(host=host)


# --- onboarding on the earnings page ------------------------------------------------------


def test_set_up_payouts_on_the_earnings_page_creates_the_account_and_comes_back_enabled(host_client, host):
    page = text(host_client.get("/hosting/earnings/"))
    assert 'data-payout-account="not_set_up"' in page and "Set up payouts" in page

    response = host_client.post("/hosting/earnings/payouts/setup/")
    # The local gateway's onboarding "link" is our own return page (instant, like Stripe's test mode).
    assert response.status_code == 302 and response["Location"] == RETURN_URL
    account = PayoutAccount.objects.get(host=host)
    assert account.gateway == "local" and re.fullmatch(r"acct_local_[0-9a-f]{32}", account.account_id)
    assert not account.ready and account.status == "needs_information"
    assert "external_account" in account.requirements_due

    back = host_client.get(response["Location"], follow=True)
    body = text(back)
    assert back.redirect_chain == [("/hosting/earnings/", 302)]
    assert "Payouts are enabled" in body
    assert 'data-payout-account="enabled"' in body and account.account_id in body
    account.refresh_from_db()
    assert account.ready and account.details_submitted and account.payouts_enabled
    assert account.requirements_due == []

    # Clicking again ("Update payout details") reuses the account: its key derives from the host.
    assert host_client.post("/hosting/earnings/payouts/setup/").status_code == 302
    assert PayoutAccount.objects.get(host=host).account_id == account.account_id
    assert PayoutAccount.objects.count() == 1


def test_each_host_gets_their_own_account(host, listing):
    other = ListingFactory().host
    first, second = onboarded(host), onboarded(other)
    assert first.account_id != second.account_id
    assert onboarded(host).account_id == first.account_id


def test_refresh_url_of_an_expired_link_sends_the_host_to_a_new_link(host_client, host):
    assert host_client.get("/hosting/earnings/payouts/refresh/")["Location"] == "/hosting/earnings/"  # no account
    host_client.post("/hosting/earnings/payouts/setup/")
    response = host_client.get("/hosting/earnings/payouts/refresh/")
    assert response.status_code == 302 and response["Location"] == RETURN_URL


def test_return_without_an_account_says_so(host_client):
    page = text(host_client.get("/hosting/earnings/payouts/return/", follow=True))
    assert "You haven&#x27;t set up payouts yet." in page
    assert not PayoutAccount.objects.exists()


def test_a_user_without_listings_cannot_set_up_payouts(client):
    client.force_login(UserFactory())
    page = text(client.get("/hosting/earnings/"))
    assert "Publish a listing to set up payouts." in page and "Set up payouts</button>" not in page
    assert client.post("/hosting/earnings/payouts/setup/").status_code == 403
    assert not PayoutAccount.objects.exists()


def test_payout_pages_need_a_login_and_setup_needs_post(client, host):
    ListingFactory(host=host)
    for url in ("/hosting/earnings/payouts/setup/", "/hosting/earnings/payouts/return/"):
        response = client.post(url) if url.endswith("setup/") else client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(host)
    assert client.get("/hosting/earnings/payouts/setup/").status_code == 405
    assert not PayoutAccount.objects.exists()


def test_gateway_outage_during_setup_is_a_message_not_an_error(settings, host_client):
    settings.PAYMENTS_LOCAL_FAULT = "error"
    response = host_client.post("/hosting/earnings/payouts/setup/", follow=True)
    assert response.redirect_chain == [("/hosting/earnings/", 302)]
    assert "Payout setup is temporarily unavailable" in text(response)
    assert not PayoutAccount.objects.exists()


# --- the API --------------------------------------------------------------------------------


def test_api_onboarding_returns_the_link_and_the_status_follows(host, listing):
    api = bearer_client(host)
    before = api.get("/api/v1/payouts/account/")
    assert before.status_code == 200
    assert before.json()["status"] == "not_set_up" and before.json()["can_set_up"] is True

    started = api.post("/api/v1/payouts/account/onboarding/")
    assert started.status_code == 200
    body = started.json()
    assert body["url"] == RETURN_URL
    assert body["account"]["status"] == "needs_information"
    assert body["account"]["account_id"] == PayoutAccount.objects.get(host=host).account_id

    # Reading the status re-reads an account that is not enabled yet from the gateway.
    after = api.get("/api/v1/payouts/account/").json()
    assert after["status"] == "enabled" and after["payouts_enabled"] and after["details_submitted"]
    assert PayoutAccount.objects.get(host=host).ready


def test_api_refuses_non_hosts_and_anonymous_users(api_client, user_api):
    assert api_client.get("/api/v1/payouts/account/").status_code == 401
    assert api_client.post("/api/v1/payouts/account/onboarding/").status_code == 401
    assert api_client.get("/api/v1/payouts/").status_code == 401
    refused = user_api.post("/api/v1/payouts/account/onboarding/")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_a_host"
    assert user_api.get("/api/v1/payouts/account/").json()["can_set_up"] is False
    assert not PayoutAccount.objects.exists()


def test_api_outage_during_onboarding_is_a_503(settings, host, listing):
    settings.PAYMENTS_LOCAL_FAULT = "error"
    response = bearer_client(host).post("/api/v1/payouts/account/onboarding/")
    assert response.status_code == 503 and response.json()["error"]["code"] == "payouts_unavailable"


def test_api_lists_own_payouts_with_their_states_and_filters(guest, host, listing):
    paid_stay = due_stay(guest=guest, listing=listing, start=1)
    later = book(guest=guest, listing=listing, start=20, nights=2)
    onboarded(host)
    tasks.payouts_release_due_task()
    api = bearer_client(host)
    rows = api.get("/api/v1/payouts/").json()["results"]
    assert [(row["booking"], row["status"]) for row in rows] == [(later.pk, "scheduled"), (paid_stay.pk, "paid")]
    paid = rows[1]
    assert paid["booking_reference"] == paid_stay.reference and paid["listing_title"] == listing.title
    assert D(paid["amount"]) == D(paid_stay.price_breakdown["host_payout"])
    assert paid["transfer_id"] == payout_of(paid_stay).transfer_id != ""
    only_paid = api.get("/api/v1/payouts/", {"status": "paid"}).json()
    assert [row["booking"] for row in only_paid["results"]] == [paid_stay.pk]
    bad = api.get("/api/v1/payouts/", {"status": "bogus"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "validation_error"


def test_another_host_sees_and_changes_nothing_of_yours(client, guest, host, listing):
    stay = due_stay(guest=guest, listing=listing)
    account = onboarded(host)
    tasks.payouts_release_due_task()
    other = ListingFactory(title="Somewhere else").host

    api = bearer_client(other)
    assert api.get("/api/v1/payouts/").json()["results"] == []
    theirs = api.get("/api/v1/payouts/account/").json()
    assert theirs["status"] == "not_set_up" and theirs["account_id"] is None
    started = api.post("/api/v1/payouts/account/onboarding/").json()
    assert started["account"]["account_id"] != account.account_id

    client.force_login(other)
    page = text(client.get("/hosting/earnings/"))
    assert stay.reference not in page and account.account_id not in page and listing.title not in page
    client.get("/hosting/earnings/payouts/return/")
    mine = PayoutAccount.objects.get(host=host)
    assert (mine.account_id, mine.ready, mine.updated_at) == (account.account_id, True, account.updated_at)
    assert payout_of(stay).status == P.PAID and PayoutAccount.objects.filter(host=other).count() == 1


def test_schema_documents_the_payout_endpoints(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert {"/api/v1/payouts/", "/api/v1/payouts/account/", "/api/v1/payouts/account/onboarding/"} <= set(
        schema["paths"]
    )
    onboarding = schema["paths"]["/api/v1/payouts/account/onboarding/"]["post"]
    assert {"200", "403", "502", "503"} <= set(onboarding["responses"])
    assert "PayoutAccount" in schema["components"]["schemas"]


# --- releasing payouts (local gateway) ----------------------------------------------------


def test_due_payout_is_transferred_and_paid_once(guest, host, listing):
    account = onboarded(host)
    booking = due_stay(guest=guest, listing=listing)
    assert tasks.payouts_release_due_task() == 1
    entry = payout_of(booking)
    assert entry.status == P.PAID and entry.attempts == 1
    assert entry.transfer_id == local_transfer_id(f"payout-{entry.pk}")
    assert entry.released_at is not None and entry.paid_at is not None
    assert entry.amount == D(booking.price_breakdown["host_payout"])
    assert account.account_id  # transferred to the host's account (wire details: Stripe tests below)
    assert tasks.payouts_release_due_task() == 0  # nothing left to do
    assert payout_of(booking).attempts == 1


def test_payout_not_yet_due_stays_scheduled(guest, host, listing):
    onboarded(host)
    booking = book(guest=guest, listing=listing, start=3, nights=2)
    assert tasks.payouts_release_due_task() == 0
    assert payout_of(booking).status == P.SCHEDULED


def test_released_without_an_account_then_paid_once_the_host_onboards(
    django_capture_on_commit_callbacks, host_client, guest, host, listing
):
    booking = due_stay(guest=guest, listing=listing)
    assert tasks.payouts_release_due_task() == 1
    entry = payout_of(booking)
    assert entry.status == P.RELEASED and entry.attempts == 0 and entry.transfer_id == ""
    page = text(host_client.get("/hosting/earnings/"))
    assert f'data-payout="{entry.pk}" data-status="released"' in page
    assert "waiting for your payout account" in page

    # The hourly run changes nothing while the host has no account.
    assert tasks.payouts_release_due_task() == 0
    assert payout_of(booking).status == P.RELEASED

    location = host_client.post("/hosting/earnings/payouts/setup/")["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        host_client.get(location)  # back from onboarding: the waiting payout goes out
    entry.refresh_from_db()
    assert entry.status == P.PAID and entry.transfer_id == local_transfer_id(f"payout-{entry.pk}")
    page = text(host_client.get("/hosting/earnings/"))
    assert f'data-payout="{entry.pk}" data-status="paid"' in page and entry.transfer_id in page


def test_transient_failure_is_retried_by_the_next_run_and_pays_once(settings, guest, host, listing):
    onboarded(host)
    booking = due_stay(guest=guest, listing=listing)
    settings.PAYMENTS_LOCAL_FAULT = "error"
    tasks.payouts_release_due_task()
    entry = payout_of(booking)
    assert (entry.status, entry.attempts, entry.transfer_id, entry.failure_code) == (P.RELEASED, 1, "", "")

    settings.PAYMENTS_LOCAL_FAULT = ""
    tasks.payouts_release_due_task()
    entry.refresh_from_db()
    assert (entry.status, entry.attempts) == (P.PAID, 2)
    assert entry.transfer_id == local_transfer_id(f"payout-{entry.pk}")  # the same key both times


def test_permanent_failure_is_recorded_and_shown_to_the_host(host_client, guest, host, listing):
    PayoutAccount.objects.create(
        host=host, gateway="local", account_id="acct_local_closed", details_submitted=True, payouts_enabled=True
    )
    booking = due_stay(guest=guest, listing=listing)
    tasks.payouts_release_due_task()
    entry = payout_of(booking)
    assert (entry.status, entry.failure_code, entry.transfer_id) == (P.FAILED, "resource_missing", "")
    assert "acct_local_closed" in entry.failure_message

    page = text(host_client.get("/hosting/earnings/"))
    assert f'data-payout="{entry.pk}" data-status="failed"' in page
    assert "Transfer failed</strong> (resource_missing): Your payout account can&#x27;t receive this transfer" in page
    row = bearer_client(host).get("/api/v1/payouts/").json()["results"][0]
    assert row["failure_code"] == "resource_missing" and "Update your payout details" in row["failure_explanation"]

    # A refused transfer is not retried blindly by the hourly run.
    assert tasks.payouts_release_due_task() == 0
    assert payout_of(booking).attempts == 1


def test_host_cancelled_booking_is_never_paid(guest, host, listing):
    onboarded(host)
    booking = book(guest=guest, listing=listing, start=1, nights=2)
    svc.booking_cancel_by_host(booking_id=booking.pk, host=host)
    PayoutEntry.objects.filter(booking=booking).update(release_at=timezone.now() - dt.timedelta(hours=1))
    assert tasks.payouts_release_due_task() == 0
    entry = payout_of(booking)
    assert entry.status == P.CANCELLED and entry.transfer_id == "" and entry.attempts == 0


def test_guest_cancelled_booking_pays_the_host_only_the_kept_share(guest, host, listing):
    onboarded(host)
    full = book(guest=guest, listing=listing, start=30, nights=2)  # moderate, a month ahead: full refund
    late = book(guest=guest, listing=listing, start=2, nights=4)  # two days ahead: the host keeps a share
    whole = D(late.price_breakdown["host_payout"])
    for booking in (full, late):
        svc.booking_cancel_by_guest(booking_id=booking.pk, guest=guest)
    PayoutEntry.objects.update(release_at=timezone.now() - dt.timedelta(hours=1))
    assert payout_of(full).status == P.CANCELLED
    share = payout_of(late).amount
    assert 0 < share < whole
    assert tasks.payouts_release_due_task() == 1
    entry = payout_of(late)
    assert entry.status == P.PAID and entry.amount == share and entry.transfer_id
    assert payout_of(full).transfer_id == ""


def test_a_released_payout_whose_booking_is_then_cancelled_pays_only_the_kept_share(
    django_capture_on_commit_callbacks, host_client, guest, host, listing
):
    booking = due_stay(guest=guest, listing=listing, start=1, nights=4)
    whole = D(booking.price_breakdown["host_payout"])
    kept = due_stay(guest=guest, listing=listing, start=10, nights=2)
    assert tasks.payouts_release_due_task() == 2  # released: the host has no account yet
    Booking.objects.filter(pk=booking.pk).update(check_in=days(-1))  # the guest leaves mid-stay
    svc.booking_cancel_by_guest(booking_id=booking.pk, guest=guest)
    share = payout_of(booking).amount
    assert 0 < share < whole  # the released, untransferred payout was cut to the host's share
    location = host_client.post("/hosting/earnings/payouts/setup/")["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        host_client.get(location)  # the account is enabled: waiting payouts go out
    entry = payout_of(booking)
    assert entry.status == P.PAID and entry.amount == share and entry.attempts == 1
    assert payout_of(kept).status == P.PAID


def paid_stay_cut_short(*, guest, host, listing) -> tuple[Booking, PayoutEntry]:
    """A four-night stay whose payout was transferred, the guest now on their second night."""
    onboarded(host)
    booking = due_stay(guest=guest, listing=listing, start=1, nights=4)
    assert tasks.payouts_release_due_task() == 1
    Booking.objects.filter(pk=booking.pk).update(check_in=days(-1), check_out=days(3))
    paid = payout_of(booking)
    assert paid.status == P.PAID
    return Booking.objects.get(pk=booking.pk), paid


def local_reversal_id(key: str) -> str:
    return f"trr_local_{uuid.uuid5(NAMESPACE, key).hex}"


def test_host_cancelling_after_the_payout_takes_it_back_in_full(
    django_capture_on_commit_callbacks, host_client, guest, host, listing
):
    booking, paid = paid_stay_cut_short(guest=guest, host=host, listing=listing)
    with django_capture_on_commit_callbacks(execute=True):
        svc.booking_cancel_by_host(booking_id=booking.pk, host=host)
    entry = payout_of(booking)
    assert (entry.status, entry.amount_reversed, entry.reversal_due) == (P.REVERSED, paid.amount, 0)
    assert entry.transfer_id == paid.transfer_id  # the ledger still shows the money that was sent...
    assert entry.reversal_id == local_reversal_id(f"payout-{entry.pk}-reversal-0.00")  # ...and taken back
    assert Booking.objects.get(pk=booking.pk).refund_amount == booking.total
    assert payouts_totals(host)["paid"] == 0
    page = text(host_client.get("/hosting/earnings/"))
    assert f'data-payout="{entry.pk}" data-status="reversed"' in page
    assert "then taken back in full after the cancellation" in page
    assert tasks.payouts_release_due_task() == 0  # nothing left to send


def test_guest_cancelling_after_the_payout_takes_back_only_what_the_host_no_longer_keeps(
    django_capture_on_commit_callbacks, host_client, guest, host, listing
):
    booking, paid = paid_stay_cut_short(guest=guest, host=host, listing=listing)
    preview = svc.booking_cancellation_preview(booking=booking, user=guest)
    kept = svc._host_share_kept(booking, preview)
    assert 0 < kept < paid.amount  # moderate policy, mid-stay: the nights not yet stayed go back
    with django_capture_on_commit_callbacks(execute=True):
        svc.booking_cancel_by_guest(booking_id=booking.pk, guest=guest)
    entry = payout_of(booking)
    assert (entry.status, entry.amount_reversed, entry.amount_kept) == (P.PAID, paid.amount - kept, kept)
    assert payouts_totals(host)["paid"] == kept
    response = bearer_client(host).get("/api/v1/payouts/")
    row = next(r for r in response.json()["results"] if r["id"] == entry.pk)
    assert (row["status"], row["amount_reversed"], row["reversal_due"]) == ("paid", str(paid.amount - kept), "0.00")
    page = text(host_client.get("/hosting/earnings/"))
    assert f"{euros(paid.amount - kept)} taken back after the guest cancelled, you keep {euros(kept)}" in page


def test_a_reversal_that_fails_for_now_is_sent_by_the_hourly_run_under_the_same_key(
    django_capture_on_commit_callbacks, settings, guest, host, listing
):
    booking, paid = paid_stay_cut_short(guest=guest, host=host, listing=listing)
    settings.PAYMENTS_LOCAL_FAULT = "error"
    with django_capture_on_commit_callbacks(execute=True):
        svc.booking_cancel_by_host(booking_id=booking.pk, host=host)
    entry = payout_of(booking)
    assert (entry.status, entry.reversal_due, entry.attempts) == (P.REVERSING, paid.amount, paid.attempts + 1)
    assert payouts_totals(host)["paid"] == paid.amount  # still with the host until it is taken back

    settings.PAYMENTS_LOCAL_FAULT = ""
    assert tasks.payouts_release_due_task() == 1
    entry.refresh_from_db()
    assert (entry.status, entry.amount_reversed, entry.attempts) == (P.REVERSED, paid.amount, paid.attempts + 2)
    assert entry.reversal_id == local_reversal_id(f"payout-{entry.pk}-reversal-0.00")
    assert tasks.payouts_release_due_task() == 0


def test_reversal_amounts_are_bounded_by_the_database(guest, host, listing):
    booking, paid = paid_stay_cut_short(guest=guest, host=host, listing=listing)
    with pytest.raises(IntegrityError, match="payout_reversal_within_amount"), transaction.atomic():
        PayoutEntry.objects.filter(pk=paid.pk).update(amount_reversed=paid.amount + 1)
    with pytest.raises(IntegrityError, match="payout_reversal_within_amount"), transaction.atomic():
        PayoutEntry.objects.filter(pk=paid.pk).update(reversal_due=D("1"))  # due only while reversing
    with pytest.raises(IntegrityError, match="payout_paid_has_transfer"), transaction.atomic():
        PayoutEntry.objects.filter(pk=paid.pk).update(status=P.REVERSED, transfer_id="")


def payouts_totals(host) -> dict:
    from hosttools.selectors import earnings_totals

    (totals,) = earnings_totals(host=host)
    return totals


def test_earnings_page_shows_each_payout_with_its_state(host_client, guest, host, listing):
    paid = due_stay(guest=guest, listing=listing, start=1)
    failed = due_stay(guest=guest, listing=listing, start=4)
    scheduled = book(guest=guest, listing=listing, start=40, nights=2)
    cancelled = book(guest=guest, listing=listing, start=50, nights=2)
    svc.booking_cancel_by_host(booking_id=cancelled.pk, host=host)
    onboarded(host)
    PayoutEntry.objects.filter(booking=failed).update(status=P.RELEASED, released_at=timezone.now())
    tasks.payouts_release_due_task()  # pays both due ones
    PayoutEntry.objects.filter(booking=failed).update(
        status=P.FAILED, transfer_id="", paid_at=None, failure_code="balance_insufficient"
    )

    page = text(host_client.get("/hosting/earnings/"))
    for booking, status in [(paid, "paid"), (failed, "failed"), (scheduled, "scheduled"), (cancelled, "cancelled")]:
        entry = payout_of(booking)
        assert f'data-payout="{entry.pk}" data-status="{status}"' in page, status
        assert booking.reference in page
    assert f"Paid {timezone.localdate():%-d %b %Y}" in page
    assert f"Scheduled for {timezone.localtime(payout_of(scheduled).release_at):%-d %b %Y}" in page
    assert "(balance_insufficient): The transfer was refused (balance_insufficient)." in page
    # Totals: paid out, upcoming, and awaiting transfer (due but not transferred).
    assert f'Paid out (EUR)</span><span class="stat__value">{euros(payout_of(paid).amount)}<' in page
    upcoming = payout_of(scheduled).amount
    assert f'Upcoming (EUR)</span><span class="stat__value">{euros(upcoming)}<' in page
    assert f'Awaiting transfer (EUR)</span><span class="stat__value">{euros(payout_of(failed).amount)}<' in page


# --- releasing payouts through Stripe (the real adapter, a local Stripe) ----------------------


@pytest.fixture
def on_stripe(settings, stripe_server):
    settings.PAYMENT_GATEWAY = "payments.gateways.stripe_gateway.StripeGateway"
    settings.STRIPE_SECRET_KEY = API_KEY
    settings.STRIPE_API_BASE = stripe_server.url
    settings.PAYMENTS_TIMEOUT_SECONDS = 2.0
    return stripe_server.stripe


def test_stripe_onboarding_flow_then_payout_transferred(
    django_capture_on_commit_callbacks, host_client, guest, host, listing, on_stripe
):
    fake = on_stripe
    response = host_client.post("/hosting/earnings/payouts/setup/")
    account = PayoutAccount.objects.get(host=host)
    assert account.gateway == "stripe" and account.account_id in fake.accounts
    (link,) = fake.account_links
    assert response.status_code == 302 and response["Location"] == link["url"]
    assert (link["account"], link["refresh_url"], link["return_url"], link["type"]) == (
        account.account_id,
        REFRESH_URL,
        RETURN_URL,
        "account_onboarding",
    )
    create = fake.requests_to("/v1/accounts")[0]
    assert create.idempotency_key == f"host-{host.pk}-payout-account"
    assert create.params == {
        "type": "express",
        "email": "hana.host@example.com",
        "capabilities": {"transfers": {"requested": "true"}},
        "metadata": {"host_id": str(host.pk)},
    }

    # The host leaves Stripe's pages before finishing: needs more information.
    page = text(host_client.get("/hosting/earnings/payouts/return/", follow=True))
    assert "needs more information" in page and 'data-payout-account="needs_information"' in page
    assert "external_account" in page and "Continue setup" in page

    booking = due_stay(guest=guest, listing=listing)
    tasks.payouts_release_due_task()
    assert payout_of(booking).status == P.RELEASED and fake.transfers == {}

    fake.complete_onboarding(account.account_id)
    with django_capture_on_commit_callbacks(execute=True):
        page = text(host_client.get("/hosting/earnings/payouts/return/", follow=True))
    assert "Payouts are enabled" in page
    entry = payout_of(booking)
    assert entry.status == P.PAID
    (transfer,) = fake.transfers.values()
    assert entry.transfer_id == transfer["id"]
    (request,) = fake.requests_to("/v1/transfers")
    assert request.idempotency_key == f"payout-{entry.pk}"
    assert request.params == {
        "amount": str(int(entry.amount * 100)),
        "currency": "eur",
        "destination": account.account_id,
        "transfer_group": booking.reference,
        "metadata": {
            "payout_id": str(entry.pk),
            "booking_id": str(booking.pk),
            "booking_reference": booking.reference,
            "host_id": str(host.pk),
        },
    }


def test_stripe_lost_transfer_answer_is_retried_with_the_same_key_and_pays_once(
    settings, guest, host, listing, on_stripe
):
    fake = on_stripe
    account = onboarded(host)
    fake.complete_onboarding(account.account_id)
    payouts.payout_account_refresh(host=host)
    booking = due_stay(guest=guest, listing=listing)
    settings.PAYMENTS_TIMEOUT_SECONDS = 0.3
    fake.hang_next(1, seconds=5, on="/v1/transfers")
    tasks.payouts_release_due_task()
    entry = payout_of(booking)
    assert (entry.status, entry.attempts) == (P.RELEASED, 1)
    assert len(fake.transfers) == 1  # Stripe made it; we never heard

    tasks.payouts_release_due_task()
    entry.refresh_from_db()
    first, retry = fake.requests_to("/v1/transfers")
    assert first.idempotency_key == retry.idempotency_key == f"payout-{entry.pk}"
    assert retry.replayed and len(fake.transfers) == 1
    assert (entry.status, entry.transfer_id, entry.attempts) == (P.PAID, next(iter(fake.transfers)), 2)


def stripe_paid_stay(fake, *, guest, host, listing) -> tuple[Booking, PayoutEntry]:
    """A four-night stay starting tomorrow whose payout went to the host's Stripe account."""
    account = onboarded(host)
    fake.complete_onboarding(account.account_id)
    payouts.payout_account_refresh(host=host)
    booking = due_stay(guest=guest, listing=listing, start=1, nights=4)
    tasks.payouts_release_due_task()
    paid = payout_of(booking)
    assert paid.status == P.PAID
    return booking, paid


def test_stripe_reversal_in_minor_units_is_taken_once_when_its_answer_is_lost(
    django_capture_on_commit_callbacks, settings, guest, host, listing, on_stripe
):
    fake = on_stripe
    booking, paid = stripe_paid_stay(fake, guest=guest, host=host, listing=listing)
    transfer = fake.transfers[paid.transfer_id]
    Booking.objects.filter(pk=booking.pk).update(check_in=days(-1), check_out=days(3))
    settings.PAYMENTS_TIMEOUT_SECONDS = 0.3
    fake.hang_next(1, seconds=3, on="/reversals")
    with django_capture_on_commit_callbacks(execute=True):
        svc.booking_cancel_by_host(booking_id=booking.pk, host=host)
    assert payout_of(booking).status == P.REVERSING
    assert transfer["amount_reversed"] == transfer["amount"]  # Stripe took it back; we never heard

    tasks.payouts_release_due_task()
    entry = payout_of(booking)
    first, retry = fake.requests_to(f"/v1/transfers/{paid.transfer_id}/reversals")
    assert first.idempotency_key == retry.idempotency_key == f"payout-{entry.pk}-reversal-0.00"
    assert retry.replayed and len(transfer["reversals"]["data"]) == 1
    assert first.params == {
        "amount": str(int(paid.amount * 100)),
        "metadata": {
            "payout_id": str(entry.pk),
            "booking_id": str(booking.pk),
            "booking_reference": booking.reference,
            "reason": "booking cancelled_by_host",
        },
    }
    assert (entry.status, entry.amount_reversed) == (P.REVERSED, paid.amount)
    assert entry.reversal_id == transfer["reversals"]["data"][0]["id"]


def test_stripe_refused_reversal_is_recorded_for_an_operator(
    django_capture_on_commit_callbacks, host_client, guest, host, listing, on_stripe
):
    fake = on_stripe
    booking, paid = stripe_paid_stay(fake, guest=guest, host=host, listing=listing)
    # Someone already reversed the whole transfer in Stripe's dashboard.
    fake.transfers[paid.transfer_id]["amount_reversed"] = fake.transfers[paid.transfer_id]["amount"]
    Booking.objects.filter(pk=booking.pk).update(check_in=days(-1), check_out=days(3))
    with django_capture_on_commit_callbacks(execute=True):
        svc.booking_cancel_by_host(booking_id=booking.pk, host=host)
    entry = payout_of(booking)
    assert (entry.status, entry.failure_code, entry.reversal_due) == (
        P.REVERSAL_FAILED,
        "transfer_already_reversed",
        paid.amount,
    )
    assert tasks.payouts_release_due_task() == 0  # not retried blindly
    page = text(host_client.get("/hosting/earnings/"))
    assert f'data-payout="{entry.pk}" data-status="reversal_failed"' in page
    assert f"{euros(paid.amount)} is still owed" in page


def test_stripe_500_in_front_of_the_api_then_retry_creates_one_transfer(guest, host, listing, on_stripe):
    fake = on_stripe
    account = onboarded(host)
    fake.complete_onboarding(account.account_id)
    payouts.payout_account_refresh(host=host)
    booking = due_stay(guest=guest, listing=listing)
    fake.fail_next(1, stored=False, on="/v1/transfers")
    tasks.payouts_release_due_task()
    assert payout_of(booking).status == P.RELEASED and fake.transfers == {}
    tasks.payouts_release_due_task()
    assert payout_of(booking).status == P.PAID and len(fake.transfers) == 1


def test_stripe_refused_transfer_fails_then_is_sent_again_under_a_new_key_after_the_host_fixes_it(
    django_capture_on_commit_callbacks, host_client, guest, host, listing, on_stripe
):
    fake = on_stripe
    host_client.post("/hosting/earnings/payouts/setup/")
    account = PayoutAccount.objects.get(host=host)
    fake.complete_onboarding(account.account_id)
    host_client.get("/hosting/earnings/payouts/return/")
    fake.restrict_account(account.account_id)  # Stripe wants a document; our copy still says enabled
    booking = due_stay(guest=guest, listing=listing)
    tasks.payouts_release_due_task()
    entry = payout_of(booking)
    assert (entry.status, entry.failure_code) == (P.FAILED, "insufficient_capabilities_for_transfer")
    assert fake.transfers == {}
    page = text(host_client.get("/hosting/earnings/"))
    assert "Transfer failed</strong> (insufficient_capabilities_for_transfer)" in page

    fake.complete_onboarding(account.account_id)
    with django_capture_on_commit_callbacks(execute=True):
        host_client.get("/hosting/earnings/payouts/return/")
    entry.refresh_from_db()
    assert entry.status == P.PAID and entry.failure_code == "" and len(fake.transfers) == 1
    keys = [r.idempotency_key for r in fake.requests_to("/v1/transfers")]
    # The refusal is stored under the first key (Stripe replays it for 24 h): the retry needs a new one.
    assert keys == [f"payout-{entry.pk}", f"payout-{entry.pk}-retry-1"]


def test_stripe_account_status_via_the_api_reads_stripe_until_enabled(host, listing, on_stripe):
    fake = on_stripe
    api = bearer_client(host)
    started = api.post("/api/v1/payouts/account/onboarding/").json()
    assert started["url"] == fake.account_links[0]["url"] and started["url"].startswith("https://connect.stripe.com/")
    status = api.get("/api/v1/payouts/account/").json()
    assert status["status"] == "needs_information" and "external_account" in status["requirements_due"]
    fake.complete_onboarding(started["account"]["account_id"])
    assert api.get("/api/v1/payouts/account/").json()["status"] == "enabled"
    reads = len(fake.requests_to(f"/v1/accounts/{started['account']['account_id']}", method="GET"))
    api.get("/api/v1/payouts/account/")  # enabled: answered from our copy
    assert len(fake.requests_to(f"/v1/accounts/{started['account']['account_id']}", method="GET")) == reads


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_one_transfer(settings, guest, host, listing, on_stripe):
    fake = on_stripe
    account = onboarded(host)
    fake.complete_onboarding(account.account_id)
    payouts.payout_account_refresh(host=host)
    booking = due_stay(guest=guest, listing=listing)
    fake.hang_next(1, seconds=0.5, on="/v1/transfers")  # slow, within the timeout: the runs overlap
    outcomes: list[dict] = []

    def run():
        try:
            outcomes.append(dict(payouts.payouts_release_due()))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(o.get("paid", 0) for o in outcomes) == [0, 1]
    assert len(fake.requests_to("/v1/transfers")) == 1 and len(fake.transfers) == 1
    assert payout_of(booking).status == P.PAID


def test_operators_see_payouts_and_accounts_in_the_admin_but_cannot_rewrite_them(admin_client, guest, host, listing):
    account = onboarded(host)
    booking = due_stay(guest=guest, listing=listing)
    entry = payout_of(booking)
    url = f"/admin/payments/payoutentry/{entry.pk}/change/"
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(f"/admin/payments/payoutaccount/{account.pk}/change/").status_code == 200
    admin_client.post(url, {"status": "paid", "transfer_id": "tr_forged", "amount": "1.00"})
    after = payout_of(booking)
    assert (after.status, after.transfer_id, after.amount) == (entry.status, "", entry.amount)
    assert admin_client.get("/admin/payments/payoutentry/add/").status_code == 403


# --- account.updated (Connect webhook) ---------------------------------------------------


def _account_event(account_id: str, *, enabled: bool, event_id: str | None = None) -> bytes:
    from tests.payments.test_webhooks import event

    return event(
        "account.updated",
        {
            "id": account_id,
            "object": "account",
            "charges_enabled": enabled,
            "payouts_enabled": enabled,
            "details_submitted": enabled,
            "requirements": {"currently_due": [] if enabled else ["external_account"], "disabled_reason": None},
        },
        event_id=event_id,
    )


def test_account_updated_webhook_enables_the_account_and_sends_waiting_payouts_once(
    settings, client, django_capture_on_commit_callbacks, guest, host, listing
):
    from tests.payments.test_webhooks import sign

    settings.STRIPE_WEBHOOK_SECRET = "whsec_platform"
    settings.STRIPE_CONNECT_WEBHOOK_SECRET = "whsec_connect"
    account = onboarded(host)
    PayoutAccount.objects.filter(pk=account.pk).update(payouts_enabled=False, details_submitted=False)
    booking = due_stay(guest=guest, listing=listing)
    assert tasks.payouts_release_due_task() == 1
    assert payout_of(booking).status == P.RELEASED  # waiting for the account

    payload = _account_event(account.account_id, enabled=True, event_id="evt_account_ready")
    url = "/api/v1/payments/stripe/webhook/"
    forged = client.post(url, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(payload))
    assert forged.status_code == 400  # signed with the test module's default secret: neither of ours
    assert payout_of(booking).status == P.RELEASED

    signature = sign(payload, secret="whsec_connect")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)
    assert response.json() == {"status": "processed"}
    account.refresh_from_db()
    assert account.payouts_enabled and account.details_submitted and account.requirements_due == []
    entry = payout_of(booking)
    assert entry.status == P.PAID and entry.attempts == 1

    with django_capture_on_commit_callbacks(execute=True):
        replay = client.post(url, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)
    assert replay.json() == {"status": "duplicate"}
    assert payout_of(booking).attempts == 1


def test_account_updated_for_an_unknown_account_changes_nothing(settings, client, host, listing):
    from tests.payments.test_webhooks import sign

    settings.STRIPE_WEBHOOK_SECRET = "whsec_platform"
    account = onboarded(host)
    payload = _account_event("acct_somebody_else", enabled=False)
    response = client.post(
        "/api/v1/payments/stripe/webhook/",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, secret="whsec_platform"),
    )
    assert response.json() == {"status": "processed"}
    account.refresh_from_db()
    assert account.payouts_enabled and account.details_submitted


def test_account_updated_with_odd_requirements_is_applied_not_a_500(settings, client, host, listing):
    from tests.payments.test_webhooks import event, sign

    settings.STRIPE_WEBHOOK_SECRET = "whsec_platform"
    account = onboarded(host)
    payload = event(
        "account.updated",
        {
            "id": account.account_id,
            "object": "account",
            "payouts_enabled": False,
            "details_submitted": True,
            "requirements": ["not", "an", "object"],
        },
    )
    response = client.post(
        "/api/v1/payments/stripe/webhook/",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, secret="whsec_platform"),
    )
    assert response.json() == {"status": "processed"}
    account.refresh_from_db()
    assert not account.payouts_enabled and account.requirements_due == []


def test_operator_sends_a_refused_reversal_again_under_a_new_key(
    django_capture_on_commit_callbacks, admin_client, guest, host, listing, on_stripe
):
    fake = on_stripe
    booking, paid = stripe_paid_stay(fake, guest=guest, host=host, listing=listing)
    Booking.objects.filter(pk=booking.pk).update(check_in=days(-1), check_out=days(3))
    fake.fail_next(1, status=400, on="/reversals")  # refused, and stored under the key as Stripe does
    with django_capture_on_commit_callbacks(execute=True):
        svc.booking_cancel_by_host(booking_id=booking.pk, host=host)
    entry = payout_of(booking)
    assert entry.status == P.REVERSAL_FAILED
    assert tasks.payouts_release_due_task() == 0  # the hourly run leaves it to the operator

    upcoming = payout_of(book(guest=guest, listing=listing, start=20, nights=2))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/payments/payoutentry/",
            {"action": "retry_reversals", "_selected_action": [entry.pk, upcoming.pk]},
            follow=True,
        )
    assert "1 reversal(s) queued again. 1 selected payout(s) were not refused reversals" in text(response)
    assert payout_of(upcoming.booking).status == P.SCHEDULED
    entry.refresh_from_db()
    assert (entry.status, entry.amount_reversed, entry.reversal_key) == (P.REVERSED, paid.amount, "")
    refused, sent = fake.requests_to(f"/v1/transfers/{paid.transfer_id}/reversals")
    assert refused.idempotency_key == f"payout-{entry.pk}-reversal-0.00"
    assert sent.idempotency_key == f"payout-{entry.pk}-reversal-0.00-retry-2" and not sent.replayed
    transfer = fake.transfers[paid.transfer_id]
    assert transfer["amount_reversed"] == transfer["amount"] and len(transfer["reversals"]["data"]) == 1


@pytest.mark.django_db(transaction=True)
def test_guest_cancelling_while_the_transfer_is_on_the_wire_takes_back_the_difference(
    guest, host, listing, monkeypatch
):
    """The cancellation waits for the in-flight transfer and then treats the payout as paid.

    Before, it overwrote the amount of the entry the transfer had just marked paid:
    the ledger said the host got their share while the whole payout had been sent.
    """
    from payments.gateways.local import LocalGateway

    onboarded(host)
    booking = due_stay(guest=guest, listing=listing, start=1, nights=4)
    Booking.objects.filter(pk=booking.pk).update(check_in=days(-1), check_out=days(3))
    booking = Booking.objects.get(pk=booking.pk)
    whole = payout_of(booking).amount
    kept = svc._host_share_kept(booking, svc.booking_cancellation_preview(booking=booking, user=guest))
    on_the_wire = threading.Event()
    transfer = LocalGateway.transfer

    def slow_transfer(self, **kwargs):
        on_the_wire.set()
        time.sleep(0.5)  # the guest cancels meanwhile
        return transfer(self, **kwargs)

    monkeypatch.setattr(LocalGateway, "transfer", slow_transfer)

    def release():
        try:
            payouts.payouts_release_due()
        finally:
            connection.close()

    releasing = threading.Thread(target=release)
    releasing.start()
    assert on_the_wire.wait(timeout=10)
    svc.booking_cancel_by_guest(booking_id=booking.pk, guest=guest)  # on_commit: the reversal task (eager)
    releasing.join(timeout=10)
    entry = payout_of(booking)
    assert (entry.amount, entry.amount_reversed, entry.status) == (whole, whole - kept, P.PAID)
    assert entry.transfer_id == local_transfer_id(f"payout-{entry.pk}")
