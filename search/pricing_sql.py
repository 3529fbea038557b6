"""``pricing.selectors.price_quote`` written as SQL, for ranking and filtering many listings at once.

Search must filter and sort by the price of a stay across thousands of candidates
in one query; calling ``price_quote`` per candidate would take longer than the
whole search budget. These expressions follow ``price_quote`` line by line: each
night is the host's calendar price, else the base price times the day-of-week,
season, local event and area demand percentages (``pricing.rules.rule_price``: an
exact product) within the guardrails (the automatic-increase cap, the host's
maximum and minimum, the platform floor and ceiling), rounded to cents; then the
length-of-stay discount, the host's flat fees (cleaning...), guest service fee and
taxes, each rounded half-up, the total the sum of the lines.
``tests/search/test_pricing_sql.py`` proves they give ``price_quote``'s total to
the cent on random worlds with seasons, events, demand, host settings and
per-night prices.

How the statement resolves the place rules once per zone and prices each listing's
classes of nights is in ``search.query`` and docs/search.md ("The query").

PostgreSQL's ``round(numeric, 2)`` rounds half away from zero, which is half-up
for the non-negative amounts involved here.
"""

from __future__ import annotations

from django.conf import settings

from pricing.fees import HOST_FLAT_FEES, FeeRates
from pricing.models import PRICE_CEILING, PRICE_FLOOR, SeasonLevel
from pricing.rules import DEMAND_HIGH, DEMAND_LOW, SEASON_LEVEL_ORDER, WEEKEND
from pricing.selectors import MONTH, WEEK


def weekday_premiums() -> dict[int, int]:
    """Platform day-of-week premiums, Python weekday (Monday 0) -> percent (as ``PricingRules.platform``)."""
    return {int(k): int(v) for k, v in settings.PRICING_DAY_OF_WEEK_PREMIUM_PCT.items() if int(v)}


def weekday_pct_sql(*, isodow: str, host: str | None) -> str:
    """The day-of-week premium of the night whose ISO weekday (Monday 1) is ``isodow``: the platform's, or
    the host's own weekend percentage (``{host}.weekend_premium_pct``, NULL when the host set none)."""
    premiums = weekday_premiums()
    cases = " ".join(
        f"WHEN {weekday + 1} THEN "
        + (f"coalesce({host}.weekend_premium_pct, {premiums.get(weekday, 0)})" if weekday in WEEKEND and host else
           str(premiums.get(weekday, 0)))
        for weekday in range(7)
        if (weekday in WEEKEND and host) or premiums.get(weekday)
    )  # fmt: skip
    return f"(CASE {isodow} {cases} ELSE 0 END)" if cases else "0"


# Season levels as small integers (0: no season), so per-night arrays stay fixed-width.
SEASON_LEVEL_CODES = {str(level): n + 1 for n, level in enumerate(SeasonLevel.values)}


def season_pct_sql(*, level: str, host: str | None) -> str:
    """The percentage of the season whose code (``SEASON_LEVEL_CODES``, 0: none) is ``level``: the host's own
    for that level, else the platform's."""
    platform = {str(k): int(v) for k, v in settings.PRICING_SEASON_PCT.items()}
    cases = " ".join(
        (
            f"WHEN {code} THEN coalesce({host}.{value}_season_pct, {platform.get(value, 0)})"
            if host
            else f"WHEN {code} THEN {platform.get(value, 0)}"
        )
        for value, code in SEASON_LEVEL_CODES.items()
    )
    return f"(CASE {level} {cases} ELSE 0 END)"


def season_level_sql(*, country_code: str, region_key: str, night: str) -> str:
    """The season level code of ``night`` for a listing of ``country_code`` whose lowercased region is
    ``region_key``, as ``PricingRules.season_on`` picks it: periods of the region first, then the country's;
    high before shoulder before low. Periods recur every year and may wrap the new year
    (``SeasonPeriod.contains``). 0 when no period contains the night."""
    day = f"(extract(month FROM {night})::int, extract(day FROM {night})::int)"
    order = " ".join(f"WHEN '{level}' THEN {n}" for level, n in SEASON_LEVEL_ORDER.items())
    codes = " ".join(f"WHEN '{level}' THEN {code}" for level, code in SEASON_LEVEL_CODES.items())
    return f"""coalesce((SELECT CASE sp.level {codes} ELSE 0 END FROM pricing_seasonperiod sp
                 WHERE sp.country_code = {country_code} AND (sp.region = '' OR lower(sp.region) = {region_key})
                   AND CASE WHEN (sp.start_month, sp.start_day) <= (sp.end_month, sp.end_day)
                            THEN {day} >= (sp.start_month, sp.start_day) AND {day} <= (sp.end_month, sp.end_day)
                            ELSE {day} >= (sp.start_month, sp.start_day) OR {day} <= (sp.end_month, sp.end_day) END
                 ORDER BY sp.region <> '' DESC, CASE sp.level {order} ELSE 9 END LIMIT 1), 0)"""


def surge_sql(pct: str) -> str:
    """``pct``, without its increase while ``PRICING_SURGE_DISABLED`` is on (``pricing.rules.rule_price``)."""
    return f"least({pct}, 0)" if settings.PRICING_SURGE_DISABLED else pct


def demand_pct_sql(*, score: str, days_out: str) -> str:
    """``pricing.rules.demand_adjustment`` of an area demand ``score`` (NULL: no row, no change) for a night
    ``days_out`` days ahead, after the surge switch. ``round`` on numeric rounds half away from zero, as
    ``ROUND_HALF_UP`` does."""
    pct = (
        f"(CASE WHEN {score} IS NULL THEN 0 WHEN {days_out} > 60 THEN round(({score} - 0.5) * 20)::int "
        f"WHEN {score} >= {DEMAND_HIGH} THEN CASE WHEN {days_out} > 14 THEN 15 ELSE 10 END "
        f"WHEN {score} <= {DEMAND_LOW} THEN CASE WHEN {days_out} > 14 THEN -10 ELSE -20 END ELSE 0 END)"
    )
    return surge_sql(pct)


def event_pct_sql(*, uplift: str) -> str:
    """The largest uplift of the events of a night (NULL: none), after the surge switch (``PricingRules.event_on``)."""
    return surge_sql(f"coalesce({uplift}, 0)")


def rule_factor_sql(*, isodow: str, level: str, event_pct: str, demand_pct: str, host: str | None = None) -> str:
    """The product of ``(100 + pct)`` of the day of week, season, event and demand: base x it / 10^8 is
    ``pricing.rules.rule_price`` (exact: integers, then one numeric division). ``host`` is the alias of a row
    carrying the host's settings columns (``weekend_premium_pct``, ``{level}_season_pct``, NULL where the host
    set nothing: ``coalesce`` falls back to the platform's); None: the platform's percentages."""
    return " * ".join(
        f"(100 + {pct})::bigint"
        for pct in (weekday_pct_sql(isodow=isodow, host=host), season_pct_sql(level=level, host=host), event_pct,
                    demand_pct)
    )  # fmt: skip


def cap_sql(base: str) -> str:
    """The automatic-increase cap: ``PRICING_AUTO_INCREASE_CAP_PCT`` over base, rounded down to cents."""
    return f"(floor({base} * {100 + int(settings.PRICING_AUTO_INCREASE_CAP_PCT)} / 100.0 * 100) / 100)"


def capped_price_sql(*, base: str, factor: str, cap: str) -> str:
    """``base`` times a ``rule_factor_sql`` product, at most ``cap``. The divisor's 10 decimals make PostgreSQL
    keep every digit of the quotient (exact, as ``Decimal`` is)."""
    return f"least({base} * {factor} / 100000000.0000000000, {cap})"


def plain_night_price_sql(*, base: str, factor: str, cap: str) -> str:
    """``pricing.rules.night_price`` of a listing without host settings: capped, within the platform floor and
    ceiling, rounded half-up to cents."""
    capped = capped_price_sql(base=base, factor=factor, cap=cap)
    return f"round(least(greatest({capped}, {PRICE_FLOOR}), {PRICE_CEILING}), 2)"


def price_bounds_sql(host: str) -> str:
    """The columns ``price_lo`` / ``price_hi`` ``guarded_price_sql`` reads: the host's minimum and maximum
    (``{host}.min_price`` / ``max_price``), else the platform's floor and ceiling."""
    return (
        f"coalesce({host}.min_price, {PRICE_FLOOR}) AS price_lo, "
        f"coalesce({host}.max_price, {PRICE_CEILING}) AS price_hi"
    )


def guarded_price_sql(*, capped: str, host: str) -> str:
    """``pricing.rules.guardrails`` after the cap, rounded half-up to cents (``night_price``): the host's maximum,
    then minimum, then the platform floor and ceiling. ``{host}`` carries ``price_bounds_sql``'s columns.

    With both bounds within floor and ceiling and the minimum at most the maximum (the
    ``pricing_*_in_range`` and ``pricing_min_le_max`` constraints), those four steps are one clamp
    to [``price_lo``, ``price_hi``]: above the maximum gives the maximum, below the minimum the
    minimum, and in between the floor and ceiling change nothing a bound has not. ``capped`` is
    written once (the statement's longest expression; parsing and planning it cost more than
    running it).
    """
    return f"round(least(greatest({capped}, {host}.price_lo), {host}.price_hi), 2)"


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
