"""The nightly price rules as pure functions.

Everything a night's price depends on is loaded once into ``PricingRules`` (see
``pricing.selectors.pricing_rules_for``); the functions here only compute, so a
quote, the host calendar and Smart Pricing all agree and tests need no database.

Rules, in order, each a multiplier with a reason the host and guest can read:

1. base price (the listing's);
2. day of week (Fri/Sat nights +20% by default; the host may change it);
3. season of the listing's region (high / shoulder / low; host-editable percentages);
4. a local event nearby (the largest uplift of the events that night);
5. local demand (the area's demand score and how far ahead the night is);

then the guardrails: automatic increases capped over base, the host's minimum
and maximum price (never crossed), the platform floor. The platform kill switch
(``PRICING_SURGE_DISABLED``) drops event and demand *increases*. A per-night
price the host set on the calendar overrides all of this (``price_quote``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import translation
from django.utils.dates import WEEKDAYS
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext

from .models import PRICE_CEILING, PRICE_FLOOR, SeasonLevel

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
WEEKEND = (4, 5)  # Friday and Saturday nights

# Demand: (score at or above which demand is high, at or below which it is low).
DEMAND_HIGH = Decimal("0.80")
DEMAND_LOW = Decimal("0.30")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def signed_pct(pct: int | Decimal) -> str:
    """``20`` -> "+20%", ``-10`` -> "−10%" (a real minus sign)."""
    value = Decimal(pct)
    return ("+" if value >= 0 else "\u2212") + format(abs(value).normalize(), "f") + "%"


@dataclass(frozen=True)
class Reason:
    """One factor of a night's price, e.g. ``Reason("weekend", {"pct": 20}, 20)``: "Weekend +20%".

    The label is rendered when read, in the active language, from ``code`` and ``params``
    (``reason_label``). Stored reasons (``PriceSuggestion.reasons``) keep the English label
    and the params; ``params=None`` is a reason stored before reasons had params: its
    ``stored_label`` is shown as it is.
    """

    code: str
    params: Mapping | None = field(default_factory=dict, hash=False)
    pct: int | None = None
    stored_label: str = field(default="", hash=False, compare=False)

    @property
    def label(self) -> str:
        return self.stored_label if self.params is None else reason_label(self.code, self.params)

    def as_dict(self) -> dict:
        """As stored: the English label (for support and old readers) and the params."""
        with translation.override(settings.LANGUAGE_CODE):
            label = self.label
        return {"code": self.code, "label": label, "params": dict(self.params or {})}

    @classmethod
    def from_dict(cls, stored: Mapping) -> Reason:
        return cls(stored["code"], stored.get("params"), stored_label=stored.get("label", ""))


def reason_label(code: str, params: Mapping) -> str:
    """A price reason as the host (or guest) reads it, in the active language."""
    change = signed_pct(params["pct"]) if "pct" in params else ""
    fixed = {
        "surge_paused": gettext("Demand surge paused platform-wide"),
        "max_price": gettext("Lowered to your maximum price"),
        "min_price": gettext("Raised to your minimum price"),
        "floor": gettext("Raised to the lowest nightly price"),
        "ceiling": gettext("Lowered to the highest nightly price"),
        "host_price": gettext("Host's price for this night"),
    }
    if code in fixed:
        return fixed[code]
    if code == "weekend":
        return gettext("Weekend %(change)s") % {"change": change}
    if code == "weekday":  # a day's name and its change, like a table cell
        return f"{capfirst(WEEKDAYS[int(params['weekday'])])} {change}"
    if code == "season":
        return f"{SeasonLevel(params['level']).label} {change}"
    if code == "event":  # the event's name is data (the platform's list of events)
        return f"{params['name']} {change}"
    if code == "demand":
        if params.get("last_minute"):
            return gettext("Last-minute, low demand %(change)s") % {"change": change}
        return gettext("Local demand %(change)s") % {"change": change}
    if code == "cap":
        return gettext("Capped at %(change)s over the base price") % {"change": change}
    if code == "gradual":
        if params.get("rising"):
            return gettext("Rising gradually (at most %(change)s a day)") % {"change": change}
        return gettext("Falling gradually (at most %(change)s a day)") % {"change": change}
    if code == "extra_guests":
        count = int(params["count"])
        return ngettext(
            "%(count)s extra guest x %(fee)s %(currency)s", "%(count)s extra guests x %(fee)s %(currency)s", count
        ) % {
            "count": count,
            "fee": number_format(Decimal(params["fee"]), decimal_pos=2),
            "currency": params.get("currency", ""),
        }
    return code


@dataclass(frozen=True)
class SeasonWindow:
    name: str
    level: str
    start: tuple[int, int]  # (month, day), inclusive
    end: tuple[int, int]  # (month, day), inclusive
    regional: bool = False

    def contains(self, day: dt.date) -> bool:
        key = (day.month, day.day)
        if self.start <= self.end:
            return self.start <= key <= self.end
        return key >= self.start or key <= self.end


@dataclass(frozen=True)
class EventWindow:
    name: str
    starts_on: dt.date
    ends_on: dt.date  # inclusive
    uplift_pct: int

    def contains(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


SEASON_LEVEL_ORDER = {SeasonLevel.HIGH: 0, SeasonLevel.SHOULDER: 1, SeasonLevel.LOW: 2}


@dataclass(frozen=True)
class PricingRules:
    """Everything the nightly rules read, for one listing and a date range."""

    weekday_pct: Mapping[int, int] = field(default_factory=dict)
    season_pct: Mapping[str, int] = field(default_factory=dict)
    seasons: tuple[SeasonWindow, ...] = ()
    events: tuple[EventWindow, ...] = ()
    demand: Mapping[dt.date, Decimal] = field(default_factory=dict)
    guests_included: int = 1
    extra_guest_fee: Decimal = Decimal("0")
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    surge_disabled: bool = False
    increase_cap_pct: int = 50
    max_step_pct: int = 20
    # Smart Pricing: the prices it wrote to the calendar, and their reasons.
    smart_applied: Mapping[dt.date, tuple[Decimal, tuple[Reason, ...]]] = field(default_factory=dict)

    @classmethod
    def platform(cls, **overrides) -> PricingRules:
        """The platform's defaults from settings (no place-based rules), with ``overrides``."""
        values = {
            "weekday_pct": {int(k): int(v) for k, v in settings.PRICING_DAY_OF_WEEK_PREMIUM_PCT.items()},
            "season_pct": {str(k): int(v) for k, v in settings.PRICING_SEASON_PCT.items()},
            "surge_disabled": bool(settings.PRICING_SURGE_DISABLED),
            "increase_cap_pct": int(settings.PRICING_AUTO_INCREASE_CAP_PCT),
            "max_step_pct": int(settings.PRICING_MAX_DAY_TO_DAY_CHANGE_PCT),
        }
        values.update(overrides)
        seasons = values.get("seasons", ())
        values["seasons"] = tuple(sorted(seasons, key=lambda s: (not s.regional, SEASON_LEVEL_ORDER.get(s.level, 9))))
        return cls(**values)

    def season_on(self, day: dt.date) -> SeasonWindow | None:
        """The season of ``day``: regional periods first, then high before shoulder before low."""
        return next((season for season in self.seasons if season.contains(day)), None)

    def event_on(self, day: dt.date) -> EventWindow | None:
        """The event with the largest uplift on ``day`` (events do not compound)."""
        events = [event for event in self.events if event.contains(day)]
        return max(events, key=lambda e: e.uplift_pct) if events else None


def demand_adjustment(score: Decimal, days_out: int) -> tuple[int, str]:
    """Percentage and label for an area demand ``score`` (0-1) for a night ``days_out`` ahead.

    Far ahead (over 60 days) prices lean gently with demand (up to +/-10%);
    15-60 days out high demand adds 15% and low demand takes 10% off; in the last
    two weeks a high-demand night holds +10% while a low-demand one is discounted
    20% to fill it.
    """
    pct, last_minute = demand_change(score, days_out)
    return pct, reason_label("demand", {"pct": pct, "last_minute": last_minute}) if pct else ""


def demand_change(score: Decimal, days_out: int) -> tuple[int, bool]:
    """``demand_adjustment``'s percentage, and whether it is the last-minute discount."""
    if days_out > 60:
        return int(((score - Decimal("0.5")) * 20).to_integral_value(rounding=ROUND_HALF_UP)), False
    if score >= DEMAND_HIGH:
        return (15 if days_out > 14 else 10), False
    if score <= DEMAND_LOW:
        return (-10, False) if days_out > 14 else (-20, True)
    return 0, False


def _times(price: Decimal, pct: int) -> Decimal:
    return price * (HUNDRED + pct) / HUNDRED


def rule_price(*, base: Decimal, day: dt.date, rules: PricingRules, today: dt.date) -> tuple[Decimal, list[Reason]]:
    """The base price times each rule that applies to ``day`` (unrounded), and why."""
    price = Decimal(base)
    reasons: list[Reason] = []
    surge_held_back = False

    pct = rules.weekday_pct.get(day.weekday(), 0)
    if pct:
        price = _times(price, pct)
        if day.weekday() in WEEKEND:
            reasons.append(Reason("weekend", {"pct": pct}, pct))
        else:
            reasons.append(Reason("weekday", {"pct": pct, "weekday": day.weekday()}, pct))

    season = rules.season_on(day)
    if season is not None:
        pct = rules.season_pct.get(season.level, 0)
        if pct:
            price = _times(price, pct)
            reasons.append(Reason("season", {"pct": pct, "level": season.level}, pct))

    event = rules.event_on(day)
    if event is not None and event.uplift_pct:
        if event.uplift_pct > 0 and rules.surge_disabled:
            surge_held_back = True
        else:
            price = _times(price, event.uplift_pct)
            reasons.append(Reason("event", {"pct": event.uplift_pct, "name": event.name}, event.uplift_pct))

    score = rules.demand.get(day)
    if score is not None:
        pct, last_minute = demand_change(Decimal(score), (day - today).days)
        if pct > 0 and rules.surge_disabled:
            surge_held_back = True
        elif pct:
            price = _times(price, pct)
            reasons.append(Reason("demand", {"pct": pct, "last_minute": last_minute}, pct))

    if surge_held_back:
        reasons.append(Reason("surge_paused"))
    return price, reasons


def guardrails(*, price: Decimal, base: Decimal, rules: PricingRules) -> tuple[Decimal, list[Reason]]:
    """Cap automatic increases, then keep within the host's minimum/maximum and the platform floor.

    The host's own minimum and maximum are never crossed, even by the cap: a
    minimum above base x 1.5 is the host's decision.
    """
    reasons: list[Reason] = []
    # Rounded down, so rounding the price to cents later never lifts it above the cap.
    cap = _times(Decimal(base), rules.increase_cap_pct).quantize(CENT, rounding=ROUND_FLOOR)
    if price > cap:
        price = cap
        reasons.append(Reason("cap", {"pct": rules.increase_cap_pct}))
    price, bound = _within_host_bounds(price, rules)
    return price, reasons + bound


def _within_host_bounds(price: Decimal, rules: PricingRules) -> tuple[Decimal, list[Reason]]:
    if rules.max_price is not None and price > rules.max_price:
        return Decimal(rules.max_price), [Reason("max_price")]
    if rules.min_price is not None and price < rules.min_price:
        return Decimal(rules.min_price), [Reason("min_price")]
    if price < PRICE_FLOOR:
        return PRICE_FLOOR, [Reason("floor")]
    if price > PRICE_CEILING:
        return PRICE_CEILING, [Reason("ceiling")]
    return price, []


def night_price(*, base: Decimal, day: dt.date, rules: PricingRules, today: dt.date) -> tuple[Decimal, list[Reason]]:
    """One night's automatic price (rounded to cents) and its reasons: rules, then guardrails."""
    price, reasons = rule_price(base=base, day=day, rules=rules, today=today)
    price, guarded = guardrails(price=price, base=base, rules=rules)
    return money(price), reasons + guarded


@dataclass(frozen=True)
class Suggestion:
    date: dt.date
    price: Decimal
    reasons: tuple[Reason, ...]

    @property
    def labels(self) -> list[str]:
        return [reason.label for reason in self.reasons]


def suggest(*, base: Decimal, days: Iterable[dt.date], rules: PricingRules, today: dt.date) -> list[Suggestion]:
    """Smart Pricing's suggestion for consecutive ``days``.

    Each night is priced by the rules and guardrails, then kept within
    ``max_step_pct`` (20%) of the previous night's suggestion so prices move
    gradually, then within the host's bounds again (a bound always wins, and since
    the previous night is inside the bounds, staying inside them never breaks
    the 20% step). The chain starts at the first day given: callers pass nights
    from today on so every view of a night agrees.
    """
    step = Decimal(rules.max_step_pct) / HUNDRED
    result: list[Suggestion] = []
    previous: Decimal | None = None
    for day in days:
        price, reasons = rule_price(base=base, day=day, rules=rules, today=today)
        price, guarded = guardrails(price=price, base=base, rules=rules)
        reasons += guarded
        price = money(price)
        if previous is not None:
            highest = (previous * (1 + step)).quantize(CENT, rounding=ROUND_FLOOR)
            lowest = (previous * (1 - step)).quantize(CENT, rounding=ROUND_CEILING)
            if price > highest:
                price = highest
                reasons.append(Reason("gradual", {"pct": rules.max_step_pct, "rising": True}))
            elif price < lowest:
                price = lowest
                reasons.append(Reason("gradual", {"pct": -rules.max_step_pct, "rising": False}))
            price, bound = _within_host_bounds(price, rules)
            reasons += [r for r in bound if r.code not in {g.code for g in reasons}]
        result.append(Suggestion(day, money(price), tuple(reasons)))
        previous = money(price)
    return result
