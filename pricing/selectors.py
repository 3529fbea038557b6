"""Price quotes and pricing reads: the one place a stay's price is computed.

Every page, the API and the booking service call ``price_quote`` so they all show
the same numbers, and a booking freezes the quote it was made with.

Money is ``Decimal``; every shown line is rounded to cents (half-up) first and the
total is the sum of the shown lines, so a receipt always adds up.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.conf import settings
from django.db import connection

from availability.selectors import calendar_night_prices
from listings.localtime import listing_today

from .fees import HOST_EARNING_LINES, HOST_FLAT_FEES, FeeRates, QuoteLineCode, quote_line_label
from .models import ListingCompetitiveness, ListingPricing, PriceSuggestion, SeasonLevel
from .rules import (
    CENT,
    WEEKEND,
    EventWindow,
    PricingRules,
    Reason,
    SeasonWindow,
    money,
    night_price,
    suggest,
)

__all__ = [
    "CENT",
    "NightLine",
    "Quote",
    "QuoteLine",
    "money",
    "price_quote",
    "pricing_rules_for",
    "pricing_rules_for_listings",
    "price_suggestions",
    "price_suggestions_for_listings",
    "price_competitiveness",
]

WEEK = 7
MONTH = 28


@dataclass(frozen=True)
class NightLine:
    date: dt.date
    price: Decimal
    # "base" (the listing's price), "rules" (weekend, season, event, demand or a
    # guardrail changed it), "smart" (Smart Pricing set it) or "host" (the host's
    # own per-night price).
    source: str
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class QuoteLine:
    code: QuoteLineCode
    amount: Decimal
    # What the label says besides the code (nights, discount percentage...): see ``pricing.fees.quote_line_label``.
    params: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        """In the active language (the reader's), rendered when read."""
        return quote_line_label(self.code, self.params)


@dataclass(frozen=True)
class Quote:
    currency: str
    check_in: dt.date
    check_out: dt.date
    guests: int
    nights: list[NightLine]
    lines: list[QuoteLine]
    host_fee: Decimal
    fee_rates: dict[str, str] = field(default_factory=dict)
    # Guests above those the price includes, and what each pays per night (in the night lines).
    extra_guests: int = 0
    extra_guest_fee: Decimal = Decimal("0")

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0"))

    @property
    def nights_count(self) -> int:
        return len(self.nights)

    @property
    def nightly_average(self) -> Decimal:
        return money(sum((n.price for n in self.nights), Decimal("0")) / max(len(self.nights), 1))

    def line(self, code: QuoteLineCode) -> Decimal:
        return sum((line.amount for line in self.lines if line.code == code), Decimal("0"))

    @property
    def host_payout(self) -> Decimal:
        """What the host earns: accommodation after discounts, plus cleaning, less the host fee."""
        earned = sum((self.line(code) for code in HOST_EARNING_LINES), Decimal("0"))
        return money(earned - self.host_fee)

    def as_dict(self) -> dict:
        """JSON-safe form, frozen on bookings and returned by the API."""
        return {
            "currency": self.currency,
            "check_in": self.check_in.isoformat(),
            "check_out": self.check_out.isoformat(),
            "guests": self.guests,
            "nights": [
                {
                    "date": n.date.isoformat(),
                    "price": str(n.price),
                    "source": n.source,
                    "reasons": [reason.label for reason in n.reasons],
                }
                for n in self.nights
            ],
            "lines": [
                {"code": str(ln.code), "label": ln.label, "amount": str(ln.amount), "params": ln.params}
                for ln in self.lines
            ],
            "total": str(self.total),
            "host_fee": str(self.host_fee),
            "host_payout": str(self.host_payout),
            "fee_rates": self.fee_rates,
            "extra_guests": {
                "count": self.extra_guests,
                "fee_per_night": str(self.extra_guest_fee),
                "total": str(money(self.extra_guest_fee * self.extra_guests * len(self.nights))),
            },
        }


def _nights(start: dt.date, end: dt.date):
    day = start
    while day < end:
        yield day
        day += dt.timedelta(days=1)


# --- the rules of one listing ------------------------------------------------------------


def demand_cell_size() -> Decimal:
    return Decimal(str(settings.PRICING_DEMAND_CELL_DEGREES))


def pricing_rules_for(*, listing, start: dt.date, end: dt.date) -> PricingRules:
    """Load every rule a night of ``listing`` in ``[start, end)`` depends on (see ``pricing_rules_for_listings``).

    A listing that is not saved (no ``pk``) gets the platform defaults.
    """
    listing_id = getattr(listing, "pk", None)
    if listing_id is None:
        return PricingRules.platform()
    return pricing_rules_for_listings(listing_ids=[listing_id], start=start, end=end)[listing_id]


# Every rule source of ``pricing_rules_for_listings`` in one statement: each branch
# tags its rows with a kind and fills the shared columns it needs (NULL elsewhere).
# Area rules (local events, area demand) read the listing's public point, the one the
# search table holds (the home itself stays out of search): quote and search agree.
#   kind, listing, text1, text2, int1..int5, flag, day1, day2, num1, num2, num3
_RULES_SQL = """
    SELECT 'p', p.listing_id, NULL, NULL, p.guests_included, p.weekend_premium_pct, p.high_season_pct,
           p.shoulder_season_pct, p.low_season_pct, p.smart_pricing, NULL::date, NULL::date,
           p.extra_guest_fee, p.min_price, p.max_price
      FROM pricing_listingpricing p
     WHERE p.listing_id = ANY(%(ids)s)
    UNION ALL
    SELECT 's', l.id, s.name, s.level, s.start_month, s.start_day, s.end_month, s.end_day, NULL,
           s.region <> '', NULL, NULL, NULL, NULL, NULL
      FROM pricing_seasonperiod s JOIN listings_listing l ON l.country_code = s.country_code
     WHERE l.id = ANY(%(ids)s) AND (s.region = '' OR lower(s.region) = lower(l.region))
    UNION ALL
    SELECT 'e', l.id, e.name, NULL, NULL, NULL, NULL, NULL, NULL, NULL, e.starts_on, e.ends_on,
           e.uplift_pct, NULL, NULL
      FROM pricing_localevent e JOIN listings_listing l ON l.public_location IS NOT NULL
     WHERE l.id = ANY(%(ids)s) AND e.starts_on < %(end)s AND e.ends_on >= %(start)s
       AND ST_DWithin(e.location, l.public_location::geography, e.radius_km * 1000.0)
    UNION ALL
    SELECT 'd', l.id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, d.date, NULL, d.score, NULL, NULL
      FROM pricing_areademand d JOIN listings_listing l
        ON d.cell_lat = floor(ST_Y(l.public_location) / %(size)s)::int
       AND d.cell_lng = floor(ST_X(l.public_location) / %(size)s)::int
     WHERE l.id = ANY(%(ids)s) AND d.date >= %(start)s AND d.date < %(end)s
    UNION ALL
    SELECT 'a', a.listing_id, a.reasons::text, NULL, NULL, NULL, NULL, NULL, NULL, NULL, a.date, NULL,
           a.applied_price, NULL, NULL
      FROM pricing_pricesuggestion a
      JOIN pricing_listingpricing p ON p.listing_id = a.listing_id AND p.smart_pricing
     WHERE a.listing_id = ANY(%(ids)s) AND a.date >= %(start)s AND a.date < %(end)s
       AND a.applied_price IS NOT NULL
"""


def pricing_rules_for_listings(*, listing_ids, start: dt.date, end: dt.date) -> dict[int, PricingRules]:
    """The rules of several listings for ``[start, end)`` in one query, whatever their number.

    Reads the hosts' settings (``ListingPricing``, optional), the seasons of each
    listing's country/region, events whose radius covers the listing, the area's
    demand scores and, with Smart Pricing on, what it applied. Place-based rules
    are matched in SQL by listing id, so a listing loaded with few columns (the
    booking hold reads only what it needs) costs no extra query. Pages quoting
    many listings (wishlists, search with dates) pass each one's rules to
    ``price_quote(rules=...)`` instead of letting it load them one by one. It is
    one statement because it runs on every booking and every quote.
    """
    ids = sorted({int(pk) for pk in listing_ids})
    if not ids:
        return {}
    rows: dict[int, ListingPricing] = {}
    seasons: dict[int, list[SeasonWindow]] = {pk: [] for pk in ids}
    events: dict[int, list[EventWindow]] = {pk: [] for pk in ids}
    demand: dict[int, dict[dt.date, Decimal]] = {pk: {} for pk in ids}
    smart_applied: dict[int, dict[dt.date, tuple[Decimal, tuple[Reason, ...]]]] = {pk: {} for pk in ids}
    with connection.cursor() as cursor:
        cursor.execute(_RULES_SQL, {"ids": ids, "start": start, "end": end, "size": demand_cell_size()})
        for kind, pk, text1, text2, i1, i2, i3, i4, i5, flag, day1, day2, n1, n2, n3 in cursor.fetchall():
            if kind == "p":
                rows[pk] = ListingPricing(
                    listing_id=pk,
                    guests_included=i1,
                    weekend_premium_pct=i2,
                    high_season_pct=i3,
                    shoulder_season_pct=i4,
                    low_season_pct=i5,
                    smart_pricing=flag,
                    extra_guest_fee=n1,
                    min_price=n2,
                    max_price=n3,
                )
            elif kind == "s":
                seasons[pk].append(SeasonWindow(text1, text2, (i1, i2), (i3, i4), flag))
            elif kind == "e":
                events[pk].append(EventWindow(text1, day1, day2, int(n1)))
            elif kind == "d":
                demand[pk][day1] = n1
            else:
                reasons = json.loads(text1)
                smart_applied[pk][day1] = (n1, tuple(Reason.from_dict(r) for r in reasons))
    result = {}
    for pk in ids:
        rules = PricingRules.platform(
            seasons=seasons[pk], events=tuple(events[pk]), demand=demand[pk], smart_applied=smart_applied[pk]
        )
        row = rows.get(pk)
        result[pk] = _with_host_settings(rules, row) if row is not None else rules
    return result


def _with_host_settings(rules: PricingRules, row: ListingPricing) -> PricingRules:
    """The host's bounds, extra-guest fee and own weekend/season percentages replace the platform's."""
    weekday_pct = dict(rules.weekday_pct)
    if row.weekend_premium_pct is not None:
        for weekday in WEEKEND:
            weekday_pct[weekday] = row.weekend_premium_pct
    season_pct = dict(rules.season_pct)
    for level in SeasonLevel.values:
        value = getattr(row, f"{level}_season_pct")
        if value is not None:
            season_pct[level] = value
    return replace(
        rules,
        weekday_pct=weekday_pct,
        season_pct=season_pct,
        guests_included=row.guests_included,
        extra_guest_fee=row.extra_guest_fee,
        min_price=row.min_price,
        max_price=row.max_price,
    )


# --- the quote --------------------------------------------------------------------------


def price_quote(
    *,
    listing,
    check_in: dt.date,
    check_out: dt.date,
    guests: int,
    night_prices: dict[dt.date, Decimal] | None = None,
    rules: PricingRules | None = None,
    today: dt.date | None = None,
) -> Quote:
    """Quote a stay.

    Each night: the host's per-night price (``night_prices``, from the calendar)
    when there is one, else the nightly rules (``pricing.rules``: base, day of
    week, season, local event, demand, then the guardrails), plus the extra-guest
    fee for guests above those included. ``night_prices`` are read from the
    calendar when omitted; ``rules`` are loaded with ``pricing_rules_for`` when
    omitted (pass them to quote without the database); ``today`` (default: the
    date where the listing is, ``listings.localtime.listing_today``) is what
    demand counts days ahead from.

    Length-of-stay discounts: the monthly one from 28 nights, else the weekly one
    from 7 nights. The guest service fee and taxes apply to accommodation after
    discount plus cleaning.

    Raises ``ValueError`` when check-out is not after check-in.
    """
    if check_out <= check_in:
        raise ValueError("check_out must be after check_in")
    if night_prices is None:
        night_prices = calendar_night_prices(listing_id=listing.pk, start=check_in, end=check_out)
    if rules is None:
        rules = pricing_rules_for(listing=listing, start=check_in, end=check_out)
    today = today or listing_today(listing)
    base = Decimal(listing.base_price)

    extra_guests = max(0, guests - rules.guests_included) if rules.extra_guest_fee else 0
    extra_fee = money(Decimal(rules.extra_guest_fee))
    extra_per_night = extra_fee * extra_guests
    extra_reason = ()
    if extra_per_night:
        extra_reason = (
            Reason("extra_guests", {"count": extra_guests, "fee": str(extra_fee), "currency": listing.currency}),
        )

    nights: list[NightLine] = []
    for day in _nights(check_in, check_out):
        custom = night_prices.get(day)
        if custom is not None:
            price = money(Decimal(custom))
            applied = rules.smart_applied.get(day)
            if applied is not None and money(Decimal(applied[0])) == price:
                source, reasons = "smart", applied[1]
            else:
                source, reasons = "host", (Reason("host_price"),)
        else:
            price, found = night_price(base=base, day=day, rules=rules, today=today)
            source, reasons = ("rules" if found else "base"), tuple(found)
        nights.append(NightLine(day, money(price + extra_per_night), source, reasons + extra_reason))

    accommodation = money(sum((n.price for n in nights), Decimal("0")))
    rates = FeeRates.current()
    lines, host_fee = stay_lines(
        listing=listing, nights=len(nights), accommodation=accommodation, extra_per_night=extra_per_night, rates=rates
    )

    return Quote(
        currency=listing.currency,
        check_in=check_in,
        check_out=check_out,
        guests=guests,
        nights=nights,
        lines=lines,
        host_fee=host_fee,
        fee_rates=rates.as_dict(),
        extra_guests=extra_guests if extra_per_night else 0,
        extra_guest_fee=extra_fee if extra_per_night else Decimal("0"),
    )


def stay_lines(
    *, listing, nights: int, accommodation: Decimal, extra_per_night: Decimal, rates: FeeRates
) -> tuple[list[QuoteLine], Decimal]:
    """The lines of a stay whose nights are priced, and the host fee.

    ``accommodation`` is the nights' prices summed (extra-guest fee included). Then the length-of-stay
    discount (the monthly one from 28 nights, else the weekly one from 7), the host's flat fees, the guest
    service fee and taxes on accommodation after discount plus flat fees. ``price_quote`` ends with this;
    search cards start it from the search statement's accommodation (``search.selectors``).
    """
    params = {"nights": nights}
    if extra_per_night:
        params.update(extra=str(money(extra_per_night * nights)), currency=listing.currency)
    lines = [QuoteLine(QuoteLineCode.ACCOMMODATION, accommodation, params)]

    discount_pct = 0
    discount_period = ""
    if nights >= MONTH and listing.monthly_discount_pct:
        discount_pct, discount_period = listing.monthly_discount_pct, "monthly"
    elif nights >= WEEK and listing.weekly_discount_pct:
        discount_pct, discount_period = listing.weekly_discount_pct, "weekly"
    discount = Decimal("0")
    if discount_pct:
        discount = -money(accommodation * Decimal(discount_pct) / 100)
        lines.append(QuoteLine(QuoteLineCode.DISCOUNT, discount, {"period": discount_period, "pct": discount_pct}))

    flat_fees = Decimal("0")
    for fee in HOST_FLAT_FEES:
        amount = money(Decimal(getattr(listing, fee.field) or 0))
        if amount:
            lines.append(QuoteLine(fee.code, amount))
            flat_fees += amount

    fee_base = accommodation + discount + flat_fees  # the HOST_EARNING_LINES
    lines.append(QuoteLine(QuoteLineCode.SERVICE_FEE, money(fee_base * rates.guest_service)))
    if rates.tax:
        lines.append(QuoteLine(QuoteLineCode.TAXES, money(fee_base * rates.tax)))
    return lines, money(fee_base * rates.host_service)


ZERO = Decimal("0")


@dataclass(frozen=True)
class StayPrice:
    """A stay's price as a search card shows it: the lines of a ``Quote`` without its night-by-night detail."""

    currency: str
    check_in: dt.date
    check_out: dt.date
    nights_count: int
    lines: list[QuoteLine]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0"))

    @property
    def nightly_average(self) -> Decimal:
        accommodation = sum((line.amount for line in self.lines if line.code == QuoteLineCode.ACCOMMODATION), ZERO)
        return money(accommodation / max(self.nights_count, 1))


# --- nightly prices and suggestions for the host ----------------------------------------


@dataclass(frozen=True)
class NightPricing:
    """What the host calendar shows for one night: the automatic price and Smart Pricing's suggestion."""

    date: dt.date
    rule_price: Decimal
    rule_reasons: tuple[Reason, ...]
    suggestion: Decimal
    suggestion_reasons: tuple[Reason, ...]
    applied_price: Decimal | None = None
    accepted: bool = False
    stored: bool = False


def price_suggestions(
    *, listing, start: dt.date, end: dt.date, today: dt.date | None = None, rules: PricingRules | None = None
) -> list[NightPricing]:
    """The automatic price and Smart Pricing's suggestion for each night of ``listing`` in ``[start, end)``.

    See ``price_suggestions_for_listings``; ``rules`` (for ``[today, end)``) may be passed when already loaded.
    """
    rules_by_listing = {listing.pk: rules} if rules is not None else None
    return price_suggestions_for_listings(
        listings=[listing], start=start, end=end, today=today, rules_by_listing=rules_by_listing
    ).get(listing.pk, [])


def price_suggestions_for_listings(
    *,
    listings,
    start: dt.date,
    end: dt.date,
    today: dt.date | None = None,
    rules_by_listing: dict[int, PricingRules] | None = None,
) -> dict[int, list[NightPricing]]:
    """Automatic prices and Smart Pricing's suggestions per listing and night in ``[start, end)``.

    Suggestions the periodic task stored (``PriceSuggestion``, for the listing's
    current base price) are returned as stored, so the host sees exactly what
    Smart Pricing applies; other nights are computed live with the same
    function. The suggestion chain (20% at most from one night to the next)
    always starts today, so a night's suggestion does not depend on which month
    is shown. Past nights are not suggested (``start`` moves to today); listings
    without a base price (drafts) get none. Six queries for any number of listings.

    "Today" is each listing's own (``listing_today``): where demand counts days
    ahead from and which nights are past, as in its quotes. ``today`` forces one
    date for all (tests, and callers that already hold the listing's today).
    """
    listings = [listing for listing in listings if listing.base_price is not None]
    todays = {listing.pk: today or listing_today(listing) for listing in listings}
    if not listings or end <= max(start, min(todays.values())):
        return {}
    if rules_by_listing is None:
        rules_by_listing = pricing_rules_for_listings(
            listing_ids=[item.pk for item in listings], start=min(todays.values()), end=end
        )
    stored: dict[tuple[int, dt.date], PriceSuggestion] = {
        (row.listing_id, row.date): row
        for row in PriceSuggestion.objects.filter(
            listing_id__in=[item.pk for item in listings], date__gte=max(start, min(todays.values())), date__lt=end
        )
    }
    result: dict[int, list[NightPricing]] = {}
    for listing in listings:
        base = Decimal(listing.base_price)
        rules = rules_by_listing[listing.pk]
        listing_day = todays[listing.pk]
        if end <= max(start, listing_day):
            result[listing.pk] = []
            continue
        live = {s.date: s for s in suggest(base=base, days=_nights(listing_day, end), rules=rules, today=listing_day)}
        nights = []
        for day in _nights(max(start, listing_day), end):
            rule_price_value, rule_reasons = night_price(base=base, day=day, rules=rules, today=listing_day)
            row = stored.get((listing.pk, day))
            if row is not None and row.base_price == base:
                suggestion = row.price
                reasons = tuple(Reason.from_dict(r) for r in row.reasons)
            else:
                suggestion, reasons = live[day].price, live[day].reasons
            nights.append(
                NightPricing(
                    date=day,
                    rule_price=rule_price_value,
                    rule_reasons=tuple(rule_reasons),
                    suggestion=suggestion,
                    suggestion_reasons=reasons,
                    applied_price=row.applied_price if row else None,
                    accepted=bool(row and row.accepted_at),
                    stored=row is not None and row.base_price == base,
                )
            )
        result[listing.pk] = nights
    return result


# --- price competitiveness (search ranking reads it) -------------------------------------


@dataclass(frozen=True)
class Competitiveness:
    listing_id: int
    percentile: Decimal | None  # 0 = cheapest of its comparables, 100 = dearest; None: too few comparables
    comparables: int
    median_price: Decimal | None
    computed_at: dt.datetime

    @property
    def score(self) -> float:
        """For ranking: 1.0 = the cheapest of its comparables, 0.0 = the dearest, 0.5 = average or unknown."""
        return 0.5 if self.percentile is None else round(1 - float(self.percentile) / 100, 4)


def price_competitiveness(*, listing_ids) -> dict[int, Competitiveness]:
    """Where each listing's nightly price sits among comparable listings nearby, from the last nightly run.

    Comparable: published, same room type, capacity within one guest, same
    currency, within ``PRICING_COMPETITIVENESS_RADIUS_KM``. Listings not yet
    computed are missing from the result (search treats them as average).
    """
    rows = ListingCompetitiveness.objects.filter(listing_id__in=list(listing_ids))
    return {
        row.listing_id: Competitiveness(
            row.listing_id, row.percentile, row.comparables, row.median_price, row.computed_at
        )
        for row in rows
    }
