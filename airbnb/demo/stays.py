"""Past stays of the demo world: completed bookings, their calendar nights, reviews.

About a fifth of published listings have had guests, one to a handful of stays
each, all finished before today (so the calendar ahead is open for demos and the
listings' ``unavailable`` ranges stay empty). Each booking freezes the quote of
``pricing.selectors.price_quote``, the one place prices are computed, exactly as
the booking service does; most stays are reviewed both ways.
Listing rating aggregates are *not* computed here: the caller derives them from
the inserted reviews in SQL, so they match whatever the reviews table says.

Runs after ``DemoWorld.listing_lines`` and ``user_lines``, whose per-listing and
per-person facts it reads.
"""

from __future__ import annotations

import json
import random
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pricing.selectors import price_quote

from . import vocabulary as words
from .pgcopy import copy_escape
from .world import DAY, DemoWorld, ts_text

BOOKING_SHARE = 0.2  # share of published listings that have had guests
DEMO_GUEST_TRIPS = 6
_NIGHTS = (1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 6, 7, 7, 10, 14)
_PARTY = (1, 2, 2, 2, 2, 3, 3, 4, 4, 5)
_CATEGORIES_STAY = ("cleanliness", "accuracy", "communication", "location", "check_in", "value")
_CATEGORIES_GUEST = ("cleanliness", "communication", "house_rules")


_EPOCH = date(1970, 1, 1).toordinal()


def _date(day: int) -> date:
    return date.fromordinal(_EPOCH + day)


_DEMO_HOST_NIGHTS = (2, 2, 3, 3, 3, 4, 4, 5, 6, 7)


def _demo_host_schedule(
    rng: random.Random, *, first_day: int, end_day: int, min_nights: int, max_nights: int
) -> list[tuple[int, int]]:
    """(check-in day, nights) of a busy listing from ``first_day`` until check-out by ``end_day``.

    Gaps between stays shrink towards today (about 40% occupancy three years ago,
    80% in the last months), so the analytics page shows a growing business with
    nights booked in every month.
    """
    schedule = []
    day = first_day
    while True:
        check_in = day + rng.randrange(0, 3 + (end_day - day) // 120)
        nights = min(max(_DEMO_HOST_NIGHTS[rng.randrange(len(_DEMO_HOST_NIGHTS))], min_nights), max_nights)
        if check_in + nights > end_day:
            return schedule
        schedule.append((check_in, nights))
        day = check_in + nights


@dataclass(frozen=True, slots=True)
class _QuoteTerms:
    """The listing fields ``price_quote`` reads, without loading a Listing per booking."""

    currency: str
    base_price: Decimal
    cleaning_fee: Decimal
    weekly_discount_pct: int
    monthly_discount_pct: int
    time_zone: str  # the listing's: its today is what area demand counts nights ahead from


class Stays:
    """Generates bookings, then nights and reviews of those bookings."""

    BOOKING_COLUMNS = (
        "id", "listing_id", "guest_id", "check_in", "check_out", "guests", "status", "instant_book", "currency",
        "total", "price_breakdown", "confirmed_at", "created_at", "updated_at",
    )  # fmt: skip
    NIGHT_COLUMNS = ("listing_id", "date", "status", "booking_id")
    REVIEW_COLUMNS = (
        "booking_id", "listing_id", "author_id", "subject_id", "direction", "overall", "categories", "comment",
        "private_note", "created_at", "published_at",
    )  # fmt: skip

    def __init__(
        self,
        *,
        world: DemoWorld,
        history_end: Callable[[int], int] | None = None,
        demo_guest_busy: Sequence[tuple[int, int]] = (),
    ) -> None:
        """``history_end(position)``: the day by which the demo host's listing at ``position`` has
        checked out its past stays (the live flows take the nights after it); ``demo_guest_busy``:
        (check-in, check-out) days the demo guest is elsewhere."""
        self.world = world
        self.history_end = history_end or (lambda position: world.today_day - 1)
        self.demo_guest_busy = tuple(demo_guest_busy)
        # One slot per booking, filled by booking_lines.
        self.listing = array("l")  # listing position
        self.check_in = array("l")  # day number
        self.nights = array("H")
        self.guest = array("q")  # user id
        self.quality = bytearray()  # listing's latent rating x 20

    @property
    def expected_bookings(self) -> int:
        """A rough upper bound, for progress lines."""
        return int(self.world.size * BOOKING_SHARE * 2) + 30

    def booking_lines(self) -> Iterator[str]:
        world = self.world
        rng = random.Random(f"{world.seed}:bookings")
        demo_rng = random.Random(f"{world.seed}:demo-host-stays")
        rand, randrange = rng.random, rng.randrange
        days = world.days
        last_day = world.today_day - 1  # every stay has checked out by yesterday
        joined_from, joined_to = world.guest_joined_range
        guest_count = world.guest_count
        demo_chance = min(1.0, 4 * DEMO_GUEST_TRIPS / (world.size * BOOKING_SHARE * 2 + 1))
        demo_trips: list[tuple[int, int]] = []
        demo_busy = list(self.demo_guest_busy)
        booking_id = world.ids.booking
        for position in range(world.size):
            published = world.listing_published[position]
            if not published:
                continue
            host = world.plan_host(position)
            if host == 0:
                stays = 0  # the demo host's listings have a full history (_demo_host_schedule)
            elif rand() < BOOKING_SHARE:
                r = rand()
                stays = 1 if r < 0.5 else 2 if r < 0.8 else 3 if r < 0.93 else rng.randint(4, 8)
            else:
                continue
            first_day = published // DAY + 1
            end_day = min(last_day, self.history_end(position)) if host == 0 else last_day
            if end_day - first_day < 3:
                continue
            # Latent rating x 20: most places are liked (4.4-5.0), a few are not (3.4).
            quality = 68 if rand() < 0.04 else 88 + randrange(13)
            min_nights, max_nights = world.listing_min_nights[position], world.listing_max_nights[position]
            max_guests = world.listing_guests[position]
            instant = world.listing_instant[position]
            city = world.city_context(world.plan_city(position))
            terms = _QuoteTerms(
                currency=city.currency,
                time_zone=city.time_zone,
                base_price=Decimal(world.listing_price[position]),
                cleaning_fee=Decimal(world.listing_cleaning[position]),
                weekly_discount_pct=world.listing_weekly[position],
                monthly_discount_pct=world.listing_monthly[position],
            )
            listing_id = world.ids.listing + position + 1
            if host == 0:
                schedule = _demo_host_schedule(
                    demo_rng, first_day=first_day, end_day=end_day, min_nights=min_nights, max_nights=max_nights
                )
            else:
                schedule = []
                previous_out = first_day
                for check_in in sorted(randrange(first_day, last_day - 1) for _ in range(stays)):
                    if check_in < previous_out:
                        continue
                    nights = min(max(_NIGHTS[randrange(len(_NIGHTS))], min_nights), max_nights)
                    if check_in + nights > last_day:
                        continue
                    previous_out = check_in + nights
                    schedule.append((check_in, nights))
            for check_in, nights in schedule:
                check_out = check_in + nights
                created = max(published + 600, check_in * DAY - randrange(DAY, 60 * DAY))
                confirmed = created + (randrange(5, 120) if instant else randrange(600, 20 * 3600))
                if (
                    len(demo_trips) < DEMO_GUEST_TRIPS
                    and rand() < demo_chance
                    and host != 0  # the demo guest travels around the world; their stay with the demo host is live
                    and all(check_out <= a or check_in >= b for a, b in demo_trips + demo_busy)
                ):
                    demo_trips.append((check_in, check_out))
                    guest = world.demo_guest_id
                else:
                    # Only people who had joined by then can book.
                    joined = int(guest_count * (created - joined_from) / (joined_to - joined_from))
                    guest = world.guest_id(randrange(max(1, min(guest_count, joined))))
                party = min(max_guests, _PARTY[randrange(len(_PARTY))])
                # The pricing app's own quote, frozen as the booking service would (no per-night host prices).
                quote = price_quote(
                    listing=terms,
                    check_in=_date(check_in),
                    check_out=_date(check_out),
                    guests=party,
                    night_prices={},
                )
                booking_id += 1
                self.listing.append(position)
                self.check_in.append(check_in)
                self.nights.append(nights)
                self.guest.append(guest)
                self.quality.append(quality)
                yield (
                    f"{booking_id}\t{listing_id}\t{guest}\t{days[check_in]}\t{days[check_out]}\t{party}\t"
                    f"completed\t{'t' if instant else 'f'}\t{terms.currency}\t{quote.total}\t"
                    f"{copy_escape(json.dumps(quote.as_dict()))}\t{ts_text(confirmed)}\t{ts_text(created)}\t"
                    f"{ts_text(check_out * DAY + 11 * 3600)}"
                )

    def night_lines(self) -> Iterator[str]:
        """One booked calendar night per night of each stay."""
        world = self.world
        days = world.days
        for index in range(len(self.listing)):
            listing_id = world.ids.listing + self.listing[index] + 1
            booking_id = world.ids.booking + index + 1
            start = self.check_in[index]
            for day in range(start, start + self.nights[index]):
                yield f"{listing_id}\t{days[day]}\tbooked\t{booking_id}"

    def review_lines(self) -> Iterator[str]:
        """Most stays reviewed by the guest (rates the listing) and by the host (rates the guest)."""
        world = self.world
        rng = random.Random(f"{world.seed}:reviews")
        rand, randrange, gauss = rng.random, rng.randrange, rng.gauss
        latest = world.now - 3600
        guest_base = world.guest_id(0)
        for index in range(len(self.listing)):
            position = self.listing[index]
            host = world.plan_host(position)
            city = world.city_context(world.plan_city(position)).name
            host_id, guest_id = world.host_id(host), self.guest[index]
            host_name = world.host_first_names[host]
            guest_name = "Alex" if guest_id == world.demo_guest_id else world.guest_first_names[guest_id - guest_base]
            checked_out = (self.check_in[index] + self.nights[index]) * DAY + 11 * 3600
            booking_id = world.ids.booking + index + 1
            listing_id = world.ids.listing + position + 1
            if rand() < 0.85 or host == 0:
                overall = max(1, min(5, round(self.quality[index] / 20 + gauss(0.0, 0.5))))
                categories = ", ".join(
                    f'"{name}": {max(1, min(5, overall + (-1, 0, 0, 0, 0, 1)[randrange(6)]))}'
                    for name in _CATEGORIES_STAY
                )
                comment = self._comment(rng, words.STAY_REVIEWS, overall, host=host_name, guest=guest_name, city=city)
                at = ts_text(min(latest, checked_out + randrange(3 * 3600, 10 * DAY)))
                yield (
                    f"{booking_id}\t{listing_id}\t{guest_id}\t{host_id}\tguest_to_host\t{overall}\t{{{categories}}}\t"
                    f"{comment}\t\t{at}\t{at}"
                )
            if rand() < 0.75:
                r = rand()
                overall = 5 if r < 0.8 else 4 if r < 0.95 else 3 if r < 0.99 else 2
                categories = ", ".join(
                    f'"{name}": {max(1, min(5, overall + (-1, 0, 0, 0, 0)[randrange(5)]))}'
                    for name in _CATEGORIES_GUEST
                )
                comment = self._comment(rng, words.GUEST_REVIEWS, overall, host=host_name, guest=guest_name, city=city)
                at = ts_text(min(latest, checked_out + randrange(3 * 3600, 10 * DAY)))
                yield (
                    f"{booking_id}\t{listing_id}\t{host_id}\t{guest_id}\thost_to_guest\t{overall}\t{{{categories}}}\t"
                    f"{comment}\t\t{at}\t{at}"
                )

    @staticmethod
    def _comment(
        rng: random.Random, pool: dict[str, tuple[str, ...]], overall: int, *, host: str, guest: str, city: str
    ) -> str:
        sentences = pool["good" if overall >= 4 else "mixed" if overall == 3 else "bad"]
        first = rng.randrange(len(sentences))
        chosen = [sentences[first]]
        if len(sentences) > 2 and rng.random() < 0.6:
            chosen.append(sentences[(first + 1 + rng.randrange(len(sentences) - 1)) % len(sentences)])
        return " ".join(chosen).format(host=host, guest=guest, city=city)
