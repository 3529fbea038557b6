"""``pricing.selectors.price_quote`` written as SQL, for ranking and filtering many listings at once.

Search must filter and sort by the price of a stay across thousands of candidates
in one query; calling ``price_quote`` per candidate would take longer than the
whole search budget. These expressions follow ``price_quote`` line by line: each
night is the host's calendar price, else the base price times the platform's
day-of-week premium within the guardrails (the automatic-increase cap, the
platform floor and ceiling), rounded to cents; then the length-of-stay discount,
the host's flat fees (cleaning...), guest service fee and taxes, each rounded half-up, the total the
sum of the lines. ``tests/search/test_pricing_sql.py`` proves they give
``price_quote``'s total to the cent on random listings, stays and per-night prices.

The host's own pricing settings (``pricing.ListingPricing``: weekend percentage,
extra-guest fee, minimum and maximum price) are included when the caller passes
``host``, the alias of the listing's settings row. What they leave out, on purpose:
the place-based rules (seasons, local events, area demand), which need several
joins per night and candidate; for listings they apply to, the price search
filters and sorts by is the price before them (docs/search.md). Cards always
show the exact total from ``price_quote`` itself.

PostgreSQL's ``round(numeric, 2)`` rounds half away from zero, which is half-up
for the non-negative amounts involved here.
"""

from __future__ import annotations

from django.conf import settings

from pricing.fees import HOST_FLAT_FEES, FeeRates
from pricing.models import PRICE_CEILING, PRICE_FLOOR
from pricing.rules import WEEKEND
from pricing.selectors import MONTH, WEEK


def weekday_premiums() -> dict[int, int]:
    """Platform day-of-week premiums, Python weekday (Monday 0) -> percent (as ``PricingRules.platform``)."""
    return {int(k): int(v) for k, v in settings.PRICING_DAY_OF_WEEK_PREMIUM_PCT.items() if int(v)}


def weekday_pct_sql(weekday: int, *, host: str | None = None) -> str:
    """The day-of-week premium of ``weekday`` (Monday 0): the platform's, or the host's own weekend percentage."""
    pct = weekday_premiums().get(weekday, 0)
    if host and weekday in WEEKEND:
        return f"coalesce({host}.weekend_premium_pct, {pct})"
    return str(pct)


def rule_night_price_sql(*, base: str, pct: int | str, host: str | None = None) -> str:
    """One night's automatic price for a day with premium ``pct`` (a number, or an SQL expression with ``host``):
    ``pricing.rules.night_price`` without seasons, events or demand.

    ``host`` is the alias of the listing's ``pricing_listingpricing`` row (LEFT JOINed: NULL when the host
    set nothing): its minimum and maximum price bound the night as ``pricing.rules.guardrails`` does
    (maximum, then minimum, then the platform floor and ceiling; a comparison with NULL is skipped).
    """
    cap_pct = int(settings.PRICING_AUTO_INCREASE_CAP_PCT)
    cap = f"(floor({base} * {100 + cap_pct} / 100.0 * 100) / 100)"
    if host is None:
        if not pct:
            return base
        raw = f"({base} * {100 + int(pct)} / 100.0)"
        return f"round(least(greatest(least({raw}, {cap}), {PRICE_FLOOR}), {PRICE_CEILING}), 2)"
    capped = f"least({base} * (100 + {pct}) / 100.0, {cap})"
    return (
        f"round(CASE WHEN {capped} > {host}.max_price THEN {host}.max_price "
        f"WHEN {capped} < {host}.min_price THEN {host}.min_price "
        f"ELSE least(greatest({capped}, {PRICE_FLOOR}), {PRICE_CEILING}) END, 2)"
    )


def night_price_by_date_sql(*, base: str, day: str, host: str | None = None) -> str:
    """The automatic price of the night ``day`` (an SQL date expression)."""
    if host is not None:
        cases = " ".join(
            f"WHEN {weekday + 1} THEN {weekday_pct_sql(weekday, host=host)}"
            for weekday in range(7)
            if weekday_pct_sql(weekday, host=host) != "0"
        )
        pct = f"(CASE extract(isodow FROM {day})::int {cases} ELSE 0 END)" if cases else "0"
        return rule_night_price_sql(base=base, pct=pct, host=host)
    premiums = weekday_premiums()
    if not premiums:
        return base
    cases = " ".join(
        f"WHEN {weekday + 1} THEN {rule_night_price_sql(base=base, pct=pct)}" for weekday, pct in premiums.items()
    )
    return f"(CASE extract(isodow FROM {day})::int {cases} ELSE {base} END)"


def rule_accommodation_sql(*, base: str, weekday_counts: dict[int, int], host: str | None = None) -> str:
    """The sum of the automatic night prices of a stay whose nights fall on these weekdays (Monday 0)."""
    if host is not None:
        terms = [
            f"{rule_night_price_sql(base=base, pct=weekday_pct_sql(weekday, host=host), host=host)} * {n}"
            for weekday, n in sorted(weekday_counts.items())
            if n
        ]
        return "(" + " + ".join(terms or ["0"]) + ")"
    premiums = weekday_premiums()
    plain = sum(n for weekday, n in weekday_counts.items() if weekday not in premiums)
    terms = [f"{base} * {plain}"] if plain else []
    terms += [
        f"{rule_night_price_sql(base=base, pct=premiums[weekday])} * {n}"
        for weekday, n in sorted(weekday_counts.items())
        if weekday in premiums and n
    ]
    return "(" + " + ".join(terms or ["0"]) + ")"


def extra_guests_per_night_sql(*, guests: str, host: str) -> str:
    """The host's extra-guest fee per night for ``guests`` (0 without one), as ``price_quote`` adds it to each night."""
    return (
        f"coalesce(CASE WHEN {host}.extra_guest_fee > 0 THEN round({host}.extra_guest_fee, 2) "
        f"* greatest(0, {guests} - {host}.guests_included) END, 0)"
    )


def discount_pct_sql(*, nights: str, weekly: str, monthly: str) -> str:
    """The length-of-stay discount percentage ``price_quote`` applies (monthly from 28 nights, else weekly from 7)."""
    return (
        f"(CASE WHEN {nights} >= {MONTH} AND {monthly} > 0 THEN {monthly} "
        f"WHEN {nights} >= {WEEK} AND {weekly} > 0 THEN {weekly} ELSE 0 END)"
    )


def flat_fees_sql(alias: str) -> str:
    """The host's flat fees of a stay (``pricing.fees.HOST_FLAT_FEES``), from ``alias``'s columns of those names."""
    return "(" + " + ".join(f"{alias}.{fee.field}" for fee in HOST_FLAT_FEES) + ")"


def stay_total_sql(
    *, accommodation: str, nights: str, weekly: str, monthly: str, flat_fees: str, rates: FeeRates
) -> str:
    """SQL for the guest's total: every argument is an SQL expression (``accommodation`` in cents-exact numeric).

    The rates are inlined as numeric literals (they come from settings, never from a request).
    """
    pct = discount_pct_sql(nights=nights, weekly=weekly, monthly=monthly)
    discount = f"(-round({accommodation} * {pct} / 100.0, 2))"
    fee_base = f"({accommodation} + {discount} + {flat_fees})"
    total = f"({fee_base} + round({fee_base} * {rates.guest_service}::numeric, 2)"
    if rates.tax:
        total += f" + round({fee_base} * {rates.tax}::numeric, 2)"
    return total + ")"
