"""The demo world's live flows: what the demo users find waiting on their first log-in.

The bulk of the world is history (stays that ended before today, written with
COPY by ``stays``). On top of it, this module lays out, relative to today:

* ``host@demo.test`` (its listings, ``DemoWorld.demo_positions``): a guest staying
  now (checks out tomorrow), two arrivals this week, a later reservation, a request
  to book waiting for an answer (it lapses 24 hours after the seed), a reservation
  the guest cancelled, unread messages from guests, a payout account with paid
  payouts for every past stay and scheduled ones for the coming stays, a blocked
  weekend, and two years of page views next to its history of stays (analytics).
* ``guest@demo.test``: a confirmed upcoming trip (card captured), a stay that ended
  six days ago waiting for their review (the host has written theirs), and an
  unread message from the host of the upcoming trip.
* ``admin@demo.test``: reported reviews to moderate (``/admin/reviews/reviewreport/``).

Wherever the state can be reached through the product, it is: bookings are made
with ``booking_create`` (the local payment gateway authorises and captures),
accepted with ``booking_accept``, cancelled with ``booking_cancel_by_guest``; payout
accounts, payouts of due stays, the outbox (notifications, conversations, reply
windows), messages, the host's review, reports and calendar blocks all go through
their services. What cannot happen
through a service, because it lies in the past (a stay that began three days ago,
payments and payouts of the history), is written as the rows those services write:
the booking with its frozen ``price_quote``, booked nights, the captured payment
with the gateway's intent id, the payout entry, and the booking's state changes as
outbox events, which the real outbox then publishes.

The periodic jobs leave all of it as it is: nothing is a stale hold, the request's
deadline is a day away, the stay in progress checks out after today, the upcoming
payouts are not due, the host's review is published only when the window closes.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import DateTimeField, ExpressionWrapper, F, Q, Value
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from availability.models import CalendarNight, NightStatus
from availability.services import calendar_block_range, calendar_refresh_unavailable
from bookings.models import Booking, BookingEvent, BookingStatus
from bookings.services.booking import booking_accept, booking_cancel_by_guest, booking_create
from bookings.services.outbox import outbox_drain
from listings.localtime import listing_check_in_at
from listings.models import Listing
from messaging.services.threads import message_send, thread_for_booking, thread_mark_read
from payments.gateways.base import get_gateway
from payments.models import Payment, PaymentStatus, PayoutEntry
from payments.services.payouts import (
    PAYOUT_DELAY,
    payout_account_onboard,
    payout_account_refresh,
    payouts_release_due,
)
from pricing.models import ListingViewDay
from pricing.selectors import price_quote
from reviews.models import Review
from reviews.services.moderation import review_report
from reviews.services.submission import review_submit

from .world import DemoWorld

S = BookingStatus
CARD = "pm_card_visa"  # the local gateway's (and Stripe's) test card that is always authorised
VIEW_HISTORY_DAYS = 730


@dataclass(frozen=True, slots=True)
class LiveStay:
    """One live stay: the listing (by plan position) and its nights as day numbers [check_in, check_out)."""

    position: int
    check_in: int
    check_out: int


@dataclass
class LiveSummary:
    """What the live flows made (for the command's report and the tests)."""

    bookings: int = 0
    messages: int = 0
    payouts_paid: int = 0
    reports: int = 0
    view_days: int = 0


class LiveFlows:
    """The live stays' places and dates (decided with the plan), then ``run`` after the history is loaded."""

    def __init__(self, *, world: DemoWorld) -> None:
        self.world = world
        today = world.today_day
        demo = world.demo_positions

        def on(index: int) -> int:
            # Windows never overlap in time, so a world with fewer than six demo listings
            # can put several on one listing.
            return demo[index % len(demo)]

        # on(0) is the demo host's first listing, which takes requests (world.py).
        self.request = LiveStay(on(0), today + 10, today + 13)
        self.staying = LiveStay(on(1), today - 3, today + 1)
        self.arriving = LiveStay(on(2), today + 1, today + 4)
        self.arriving_later = LiveStay(on(3), today + 5, today + 8)
        self.upcoming = LiveStay(on(4), today + 16, today + 21)
        self.to_review = LiveStay(on(5), today - 10, today - 6)
        self.cancelled = LiveStay(on(5), today + 13, today + 16)
        self.blocked = LiveStay(on(0), today + 30, today + 33)
        self.trip_day = today + 25  # the demo guest's trip, at another host's listing if there is one
        self._demo_stays = (
            self.request,
            self.staying,
            self.arriving,
            self.arriving_later,
            self.upcoming,
            self.to_review,
            self.cancelled,
            self.blocked,
        )

    def history_end(self, position: int) -> int:
        """The day by which the history of the demo listing at ``position`` has checked out."""
        starts = [stay.check_in for stay in self._demo_stays if stay.position == position]
        return min(starts, default=self.world.today_day - 1)

    @property
    def demo_guest_busy(self) -> list[tuple[int, int]]:
        """Nights the demo guest spends in a live stay (their history avoids them)."""
        return [(self.to_review.check_in, self.to_review.check_out)]

    # --- running them ---------------------------------------------------------------------

    def run(self, *, report: Callable[[str], None]) -> LiveSummary:
        """Make the live flows in the caller's transaction (after the history and its indexes)."""
        summary = LiveSummary()
        gateway = get_gateway()
        if gateway.name != "local":
            report(f"  live flows skipped: they need the local payment gateway (PAYMENT_GATEWAY is {gateway.name})")
            return summary
        world = self.world
        rng = random.Random(f"{world.seed}:live")
        people = {
            user.pk: user
            for user in User.objects.filter(pk__in=[world.admin_id, world.demo_host_id, world.demo_guest_id])
        }
        host, guest = people[world.demo_host_id], people[world.demo_guest_id]
        picks = rng.sample(range(world.guest_count), min(world.guest_count, 8))
        guests = list(User.objects.filter(pk__in=[world.guest_id(i) for i in picks]).order_by("pk"))
        rng.shuffle(guests)
        stranger = iter(guests)

        # The host has set up payouts (the local gateway's onboarding is instant).
        payout_account_onboard(
            host=host,
            refresh_url=settings.SITE_URL + reverse("hosttools:payouts_refresh"),
            return_url=settings.SITE_URL + reverse("hosttools:payouts_return"),
        )
        account = payout_account_refresh(host=host)
        summary.payouts_paid += _history_payments(
            listing_ids=[self._listing_id(p) for p in world.demo_positions],
            guest_id=guest.pk,
            account_id=account.account_id,
        )

        # Stays that began (or ended) before today: the rows their services wrote back then.
        staying = self._past_stay(self.staying, guest=next(stranger), completed=False)
        to_review = self._past_stay(self.to_review, guest=guest, completed=True)

        # Stays from today on: the booking service, as a guest books them.
        arriving = self._book(self.arriving, guest=next(stranger), accept=True)
        arriving_later = self._book(self.arriving_later, guest=next(stranger), accept=True)
        upcoming = self._book(self.upcoming, guest=next(stranger), accept=True)
        requester = next(stranger)
        request = self._book(
            self.request,
            guest=requester,
            accept=False,
            message=(
                f"Hello {host.display_name}! We're two friends coming to Paris for a wedding. "
                "Would a late check-out on our last day be possible?"
            ),
        )
        trip = self._book(self._trip_stay(), guest=guest, accept=True)
        # A guest whose plans changed: booked, then cancelled (refund by the listing's policy).
        cancelled = self._book(self.cancelled, guest=next(stranger), accept=True)
        booking_cancel_by_guest(booking_id=cancelled.pk, guest=cancelled.guest, reason="Our plans changed, sorry!")
        summary.bookings = len({staying, to_review, arriving, arriving_later, upcoming, request, trip, cancelled})
        blocked_listing = Listing.objects.get(pk=self._listing_id(self.blocked.position))
        calendar_block_range(
            listing=blocked_listing, start=world_date(self.blocked.check_in), end=world_date(self.blocked.check_out)
        )

        # The hourly payout run pays what is due (the stays that have begun); then the
        # outbox publishes every state change: notifications, conversations, reply windows.
        started = timezone.now()
        summary.payouts_paid += sum(payouts_release_due().values())
        _paid_when_due(host_id=host.pk, before=started)
        outbox_drain()

        # Conversations: the demo users have read what came before (all but the new request);
        # then the new messages arrive.
        for booking in (staying, to_review, arriving, arriving_later, upcoming):
            thread_mark_read(thread_id=thread_for_booking(booking=booking).pk, user=host)
        for booking in (to_review, trip):
            thread_mark_read(thread_id=thread_for_booking(booking=booking).pk, user=guest)
        lines = [
            (staying, staying.guest, "Thanks for the bakery tip, the croissants were perfect! Is there a hair dryer?"),
            (arriving, arriving.guest, "Hi! Our train gets in at noon tomorrow. Could we leave our bags before 3?"),
            (trip, guest, "Hi! Is there somewhere to leave luggage after check-out?"),
            (
                trip,
                trip.listing.host,
                f"Hi {guest.display_name}, of course: the building has a luggage room, I'll leave you the code. "
                "Looking forward to hosting you!",
            ),
        ]
        for booking, sender, body in lines:
            message_send(thread_id=thread_for_booking(booking=booking).pk, sender=sender, body=body)
        summary.messages = len(lines)

        # The host reviewed the guest of the stay that just ended; the guest's review is awaited.
        review_submit(
            booking_id=to_review.pk,
            author=host,
            overall=5,
            categories={"cleanliness": 5, "communication": 5, "house_rules": 5},
            comment=f"{guest.display_name} was a wonderful guest: clear communication and left the flat spotless.",
        )
        summary.reports = self._reports(host=host)
        summary.view_days = self._views()
        return summary

    def _listing_id(self, position: int) -> int:
        return self.world.ids.listing + position + 1

    def _trip_stay(self) -> LiveStay:
        """The demo guest's trip: at another host's listing in Paris, else anywhere, else the demo host's."""
        world = self.world
        paris = world.plan_city(world.demo_positions[0])
        position = anywhere = None
        for candidate in range(world.size):
            if world.plan_host(candidate) == 0 or not world.listing_published[candidate]:
                continue
            if world.plan_city(candidate) == paris:
                position = candidate
                break
            if anywhere is None:
                anywhere = candidate
        if position is None:
            position = anywhere if anywhere is not None else self.request.position
        nights = min(max(4, world.listing_min_nights[position]), world.listing_max_nights[position])
        return LiveStay(position, self.trip_day, self.trip_day + nights)

    def _book(self, stay: LiveStay, *, guest: User, accept: bool, message: str = "") -> Booking:
        """Book through the booking service; ``accept`` has the host accept a request (Instant Book confirms)."""
        listing = Listing.objects.select_related("host").get(pk=self._listing_id(stay.position))
        booking = booking_create(
            guest=guest,
            listing_id=listing.pk,
            check_in=world_date(stay.check_in),
            check_out=world_date(stay.check_out),
            guests=min(2, listing.max_guests),
            payment_method=CARD,
            message=message,
        )
        if accept and booking.status == S.AWAITING_HOST:
            booking_accept(booking_id=booking.pk, host=listing.host)
        return Booking.objects.select_related("listing", "listing__host", "guest").get(pk=booking.pk)

    def _past_stay(self, stay: LiveStay, *, guest: User, completed: bool) -> Booking:
        """A stay that began before today, as the booking service and the jobs left it.

        Booked weeks earlier (request or Instant Book as the listing takes them),
        card captured, payout scheduled for 24 h after check-in; ``completed`` when
        check-out has passed (the hourly job). Its state changes are written as
        unprocessed outbox events, so the real outbox posts them.
        """
        listing = Listing.objects.select_related("host").get(pk=self._listing_id(stay.position))
        check_in, check_out = world_date(stay.check_in), world_date(stay.check_out)
        party = min(2, listing.max_guests)
        quote = price_quote(listing=listing, check_in=check_in, check_out=check_out, guests=party, night_prices={})
        arrival = listing_check_in_at(listing, check_in)
        created = arrival - dt.timedelta(days=24, hours=5)
        confirmed = created + (dt.timedelta(minutes=1) if listing.instant_book else dt.timedelta(hours=6))
        booking = Booking.objects.create(
            listing=listing,
            guest=guest,
            check_in=check_in,
            check_out=check_out,
            guests=party,
            status=S.COMPLETED if completed else S.CONFIRMED,
            instant_book=listing.instant_book,
            currency=quote.currency,
            total=quote.total,
            price_breakdown=quote.as_dict(),
            expires_at=created + dt.timedelta(minutes=10),
            confirmed_at=confirmed,
        )
        ended = dt.datetime.combine(check_out, dt.time(0, 20), tzinfo=dt.UTC)
        Booking.objects.filter(pk=booking.pk).update(created_at=created, updated_at=ended if completed else confirmed)
        CalendarNight.objects.bulk_create(
            CalendarNight(listing=listing, date=world_date(day), status=NightStatus.BOOKED, booking=booking)
            for day in range(stay.check_in, stay.check_out)
        )
        calendar_refresh_unavailable(listing_id=listing.pk, start=check_in, end=check_out)
        gateway = get_gateway()
        intent_id = gateway.create_intent(
            amount=booking.total,
            currency=booking.currency,
            idempotency_key=f"booking-{booking.pk}-intent",
            metadata={"booking": booking.pk, "listing": listing.pk, "guest": guest.pk},
        )
        payment = Payment.objects.create(
            booking=booking,
            gateway=gateway.name,
            intent_id=intent_id,
            payment_method=CARD,
            status=PaymentStatus.CAPTURED,
            amount=booking.total,
            currency=booking.currency,
            capture_before=confirmed + dt.timedelta(days=7),
        )
        Payment.objects.filter(pk=payment.pk).update(created_at=created, updated_at=confirmed)
        PayoutEntry.objects.create(
            booking=booking,
            host=listing.host,
            amount=Decimal(quote.as_dict()["host_payout"]),
            currency=booking.currency,
            release_at=arrival + PAYOUT_DELAY,
        )
        steps = [("", S.PENDING_PAYMENT, guest, "requested", created)]
        if listing.instant_book:
            steps.append((S.PENDING_PAYMENT, S.CONFIRMED, None, "instant book: payment authorised", confirmed))
        else:
            steps.append(
                (S.PENDING_PAYMENT, S.AWAITING_HOST, None, "payment authorised; waiting for the host", created)
            )
            steps.append((S.AWAITING_HOST, S.CONFIRMED, listing.host, "accepted by host", confirmed))
        if completed:
            steps.append((S.CONFIRMED, S.COMPLETED, None, "check-out passed", ended))
        for from_status, to_status, actor, reason, at in steps:
            event = BookingEvent.objects.create(
                booking=booking, from_status=from_status, to_status=to_status, actor=actor, reason=reason
            )
            BookingEvent.objects.filter(pk=event.pk).update(created_at=at)
        return Booking.objects.select_related("listing", "listing__host", "guest").get(pk=booking.pk)

    def _reports(self, *, host: User) -> int:
        """Reviews reported for moderation by the hosts they are about: the demo host's, and another host's."""
        demo_listings = [self._listing_id(p) for p in self.world.demo_positions]
        about_hosts = Review.objects.filter(
            published_at__isnull=False, hidden_at__isnull=True, direction=Review.Direction.GUEST_TO_HOST
        ).order_by("overall", "pk")
        reports = 0
        mine = about_hosts.filter(listing_id__in=demo_listings).first()
        if mine is not None:
            review_report(
                review_id=mine.pk,
                reporter=host,
                reason="fake",
                details="This review describes another flat: ours has no balcony, and this guest never stayed here.",
            )
            reports += 1
        # Among the oldest listings' reviews (an index range), not a sort of every review of a big world.
        early = about_hosts.filter(listing_id__lte=self.world.ids.listing + 5000)
        other = early.exclude(listing_id__in=demo_listings).select_related("subject").first()
        if other is not None:
            review_report(
                review_id=other.pk,
                reporter=other.subject,
                reason="inappropriate",
                details="The review makes personal remarks about me and my family instead of describing the stay.",
            )
            reports += 1
        return reports

    def _views(self) -> int:
        """Daily page views of the demo host's listings (what the pricing app's flush writes from Redis)."""
        world = self.world
        rng = random.Random(f"{world.seed}:views")
        listing_ids, dates, counts = [], [], []
        for position in world.demo_positions:
            listing_id = self._listing_id(position)
            first = max(world.listing_published[position] // 86_400 + 1, world.today_day - VIEW_HISTORY_DAYS)
            level = 8 + rng.randrange(20)
            for day in range(first, world.today_day):
                date = world_date(day)
                season = 1.4 if date.month in (5, 6, 7, 8, 12) else 1.0
                growth = 0.5 + 0.5 * (day - first) / max(1, world.today_day - first)
                views = int(level * season * growth * (0.5 + rng.random()))
                if views:
                    listing_ids.append(listing_id)
                    dates.append(date)
                    counts.append(views)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {ListingViewDay._meta.db_table} (listing_id, date, views) "
                "SELECT * FROM unnest(%s::bigint[], %s::date[], %s::int[])",
                [listing_ids, dates, counts],
            )
        return len(counts)


def world_date(day: int) -> dt.date:
    """A day number (days since 1970-01-01) as a date."""
    return dt.date(1970, 1, 1) + dt.timedelta(days=day)


def _history_payments(*, listing_ids: list[int], guest_id: int, account_id: str) -> int:
    """Payments of the past stays of the demo host and the demo guest, and the host's paid payouts.

    As the booking service left them (card captured, ``pi_local_`` intent from the
    gateway's own key) and the hourly payout run after it: ``paid`` with the
    gateway's transfer id, about twenty minutes after the payout was due. Returns
    how many payouts were written.
    """
    gateway = get_gateway()
    stays = list(
        # By listing and guest ids (their indexes), not by joining the listings: a million of them.
        Booking.objects.filter(Q(listing_id__in=listing_ids) | Q(guest_id=guest_id), status=S.COMPLETED)
        .order_by("pk")
        .values_list("id", "total", "currency")
    )
    intents = [
        gateway.create_intent(amount=total, currency=currency, idempotency_key=f"booking-{pk}-intent", metadata={})
        for pk, total, currency in stays
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO payments_payment (booking_id, gateway, intent_id, payment_method, status, amount, currency,
                                          amount_refunded, capture_before, failure_code, failure_message,
                                          created_at, updated_at)
            SELECT b.id, %s, t.intent_id, %s, %s, b.total, b.currency, 0, b.confirmed_at + interval '7 days',
                   '', '', b.created_at, b.confirmed_at
              FROM unnest(%s::bigint[], %s::text[]) AS t(booking_id, intent_id)
              JOIN bookings_booking b ON b.id = t.booking_id
            """,
            [gateway.name, CARD, PaymentStatus.CAPTURED, [s[0] for s in stays], intents],
        )
        cursor.execute(
            """
            INSERT INTO payments_payoutentry (booking_id, host_id, amount, currency, release_at, status,
                                              transfer_id, transfer_key, attempts, failure_code, failure_message,
                                              reversal_due, amount_reversed, reversal_id, reversal_key)
            SELECT b.id, l.host_id, (b.price_breakdown ->> 'host_payout')::numeric, b.currency,
                   ((b.check_in + l.check_in_time) AT TIME ZONE l.time_zone) + %s, %s, '', '', 0, '', '', 0, 0, '', ''
              FROM bookings_booking b JOIN listings_listing l ON l.id = b.listing_id
             WHERE b.listing_id = ANY(%s) AND b.status = %s
            RETURNING id, amount, currency
            """,
            [PAYOUT_DELAY, PayoutEntry.Status.SCHEDULED, listing_ids, S.COMPLETED],
        )
        entries = cursor.fetchall()
        transfers = [
            gateway.transfer(
                amount=amount,
                currency=currency,
                destination=account_id,
                idempotency_key=f"payout-{pk}",
                transfer_group="",
                metadata={},
            )
            for pk, amount, currency in entries
        ]
        cursor.execute(
            """
            UPDATE payments_payoutentry e
               SET status = %s, transfer_id = t.transfer_id, attempts = 1,
                   released_at = e.release_at + interval '20 minutes',
                   last_attempt_at = e.release_at + interval '20 minutes',
                   paid_at = e.release_at + interval '20 minutes'
              FROM unnest(%s::bigint[], %s::text[]) AS t(id, transfer_id)
             WHERE e.id = t.id
            """,
            [PayoutEntry.Status.PAID, [e[0] for e in entries], transfers],
        )
    return len(entries)


def _paid_when_due(*, host_id: int, before: dt.datetime) -> None:
    """Payouts the seed's own payout run just paid are dated as the hourly run would have paid them."""
    PayoutEntry.objects.filter(host_id=host_id, status=PayoutEntry.Status.PAID, paid_at__gte=before).update(
        released_at=_release_plus(20), last_attempt_at=_release_plus(20), paid_at=_release_plus(20)
    )


def _release_plus(minutes: int) -> ExpressionWrapper:
    return ExpressionWrapper(F("release_at") + Value(dt.timedelta(minutes=minutes)), output_field=DateTimeField())
