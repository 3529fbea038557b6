"""Idempotency keys whose request died half-way, and the purge of old keys."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from airbnb import idempotency
from airbnb.models import IdempotencyRecord
from airbnb.tasks import idempotency_records_purge_task
from bookings.models import Booking, BookingStatus
from bookings.services import booking as booking_services
from bookings.tasks import bookings_expire_stale_task
from tests.bookings.helpers import DECLINED, VISA, days
from tests.listings.factories import ListingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing():
    return ListingFactory(instant_book=True, base_price=Decimal("100"), cleaning_fee=Decimal("20"))


def _body(listing, start=10, nights=2):
    return {
        "listing": listing.pk,
        "check_in": days(start).isoformat(),
        "check_out": days(start + nights).isoformat(),
        "guests": 2,
        "payment_method": VISA,
    }


def _payload(listing, start=10, nights=2):
    """What the API fingerprints for ``_body(listing, start, nights)`` (its validated input)."""
    return {
        "listing": listing.pk,
        "check_in": days(start),
        "check_out": days(start + nights),
        "guests": 2,
        "payment_method": VISA,
        "message": "",
        "expected_total": None,
    }


def _post(client, data, key):
    return client.post("/api/v1/bookings/", data, format="json", HTTP_IDEMPOTENCY_KEY=key)


def _age(key: str, minutes: int = 6) -> None:
    """Time passes: the key's request is now older than any live request can be."""
    IdempotencyRecord.objects.filter(key=key).update(created_at=timezone.now() - dt.timedelta(minutes=minutes))


class ProcessDied(BaseException):
    """Stands in for SIGKILL: nothing after it runs (not even the response)."""


def test_retry_after_the_process_died_before_storing_the_response_gets_the_booking(
    user, user_api, listing, monkeypatch
):
    key = str(uuid.uuid4())

    def die(*args, **kwargs):
        raise ProcessDied

    monkeypatch.setattr(idempotency, "_finish", die)
    with pytest.raises(ProcessDied):
        _post(user_api, _body(listing), key)
    monkeypatch.undo()
    booking = Booking.objects.get(guest=user)
    assert booking.status == BookingStatus.CONFIRMED
    record = IdempotencyRecord.objects.get(key=key)
    assert record.completed_at is None and record.booking_id == booking.pk  # linked by the hold itself

    # A retry right away: the first request might still be running.
    assert _post(user_api, _body(listing), key).json()["error"]["code"] == "idempotency_in_progress"
    _age(key)
    retry = _post(user_api, _body(listing), key)
    assert retry.status_code == 201, retry.content
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json()["id"] == booking.pk and retry.json()["status"] == "confirmed"
    assert Booking.objects.filter(guest=user).count() == 1
    # Settled: later retries replay the stored answer.
    again = _post(user_api, _body(listing), key)
    assert again.status_code == 201 and again.json()["id"] == booking.pk


def test_retry_after_the_process_died_holding_dates_waits_for_the_sweeper_then_says_book_again(user, user_api, listing):
    key = str(uuid.uuid4())
    data = _body(listing)
    record = IdempotencyRecord.objects.create(
        user=user, scope="booking_create", key=key, request_hash=idempotency.request_fingerprint(_payload(listing))
    )
    # The request held the dates, then died before the card was authorised.
    held = booking_services._hold(
        guest=user,
        listing_id=listing.pk,
        check_in=days(10),
        check_out=days(12),
        guests=2,
        message="",
        gateway_name="local",
        idempotency_record_id=record.pk,
    )
    _age(key)
    # Still pending payment: the sweeper has not released it yet.
    assert _post(user_api, data, key).json()["error"]["code"] == "idempotency_in_progress"

    Booking.objects.filter(pk=held.pk).update(created_at=timezone.now() - dt.timedelta(minutes=11))
    assert bookings_expire_stale_task() == 1
    retry = _post(user_api, data, key)
    assert retry.status_code == 409
    assert retry.json()["error"]["code"] == "booking_not_completed"
    # The dates are free again: a new attempt (new key) books them.
    fresh = _post(user_api, data, str(uuid.uuid4()))
    assert fresh.status_code == 201, fresh.content
    assert Booking.objects.filter(guest=user, status=BookingStatus.CONFIRMED).count() == 1


def test_retry_after_the_process_died_before_holding_anything_runs_the_booking(user, user_api, listing):
    key = str(uuid.uuid4())
    # The request stored its key and died before the hold: in progress, no booking.
    IdempotencyRecord.objects.create(
        user=user, scope="booking_create", key=key, request_hash=idempotency.request_fingerprint(_payload(listing))
    )
    _age(key)
    retry = _post(user_api, _body(listing, start=20), key)
    assert retry.status_code == 422  # a different body is still a different request
    retry = _post(user_api, _body(listing), key)
    assert retry.status_code == 201, retry.content
    assert Booking.objects.filter(guest=user).count() == 1
    record = IdempotencyRecord.objects.get(key=key)
    assert record.booking_id == retry.json()["id"] and record.completed_at is not None


def test_old_keys_are_purged_recent_ones_kept(user, user_api, listing):
    old, recent = str(uuid.uuid4()), str(uuid.uuid4())
    assert _post(user_api, _body(listing, start=10), old).status_code == 201
    assert _post(user_api, _body(listing, start=20), recent).status_code == 201
    IdempotencyRecord.objects.filter(key=old).update(created_at=timezone.now() - dt.timedelta(hours=73))
    assert idempotency_records_purge_task() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == [recent]
    assert Booking.objects.count() == 2  # purging a key never touches its booking


def test_key_whose_first_request_gave_up_between_our_insert_and_read_runs_once(user, monkeypatch):
    """The first request failed transiently and deleted its row just after ours met it."""
    claim = idempotency._claim
    calls = []

    def claim_meeting_a_row_that_vanishes(*args):
        calls.append(args)
        if len(calls) == 1:
            record_id = claim(*args)  # the first request's row...
            IdempotencyRecord.objects.filter(pk=record_id).delete()  # ...deleted by its "please try again"
            return None
        return claim(*args)

    monkeypatch.setattr(idempotency, "_claim", claim_meeting_a_row_that_vanishes)
    ran = []
    result = idempotency.idempotent(
        user=user,
        scope="test",
        key="k1",
        payload={"a": 1},
        work=lambda record_id: ran.append(record_id) or ({"ok": True}, None),
    )
    assert result == ("", {"ok": True}, False, b'{"ok":true}') and len(ran) == 1 and len(calls) == 2
    record = IdempotencyRecord.objects.get(user=user, scope="test", key="k1")
    assert (record.pk, record.error_code, record.response_body) == (ran[0], "", {"ok": True})


# --- byte-identical replays ------------------------------------------------------------------------


def test_a_replayed_booking_is_the_first_answer_byte_for_byte(user, user_api, listing):
    key = str(uuid.uuid4())
    first = _post(user_api, _body(listing), key)
    assert first.status_code == 201, first.content
    replays = [_post(user_api, _body(listing), key) for _ in range(2)]
    for replay in replays:
        assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
        assert replay.content == first.content  # the same bytes, key order included
        assert replay["Content-Type"] == first["Content-Type"] == "application/json"
    assert "Idempotent-Replayed" not in first
    # jsonb alone would have reordered the keys: the stored bytes are what made the replay identical.
    record = IdempotencyRecord.objects.get(key=key)
    assert bytes(record.response_content) == first.content
    assert list(record.response_body) != list(first.json()), "jsonb kept the order: this test proves nothing"
    assert Booking.objects.filter(guest=user).count() == 1


def test_a_replayed_refusal_is_the_first_answer_byte_for_byte(user_api, listing):
    key = str(uuid.uuid4())
    declined = {**_body(listing), "payment_method": DECLINED}
    first = _post(user_api, declined, key)
    assert first.status_code == 402, first.content
    replay = _post(user_api, declined, key)
    assert replay.status_code == 402 and replay["Idempotent-Replayed"] == "true"
    assert replay.content == first.content


def test_a_row_stored_before_the_exact_bytes_existed_still_replays(user_api, listing):
    key = str(uuid.uuid4())
    first = _post(user_api, _body(listing), key)
    IdempotencyRecord.objects.filter(key=key).update(response_content=None)
    replay = _post(user_api, _body(listing), key)
    assert replay.status_code == 201 and replay.json() == first.json()
