"""A listing's own clock: its IANA time zone, its "today" and its local instants.

Every date rule of a stay is the listing's, not the server's: a night is a night
of the place where it is spent. "Today", the past nights of a calendar, the
check-in and check-out instants (cancellation deadlines, payout release), the
review window and the host's analytics days are all read on the listing's clock.
The server itself stays on UTC; instants are stored in UTC and only dates and
wall-clock times are local.

The zone is derived offline from the map point (tzfpy ships the boundary data,
no network) when a listing is created or moved, and the host can correct it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import cache

from django.db import models
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext
from tzfpy import get_tz

DEFAULT_ZONE = "UTC"


@cache
def zone_names() -> frozenset[str]:
    """Every IANA zone name this machine's tz database knows (the choices hosts get)."""
    return frozenset(zoneinfo.available_timezones())


def zone_choices() -> list[tuple[str, str]]:
    """(name, label) pairs for a select, grouped by region in alphabetical order."""
    return [(name, name.replace("_", " ")) for name in sorted(zone_names()) if "/" in name or name == "UTC"]


@cache
def zone(name: str) -> zoneinfo.ZoneInfo:
    """The ``ZoneInfo`` for an IANA name; an unknown or empty name is UTC."""
    try:
        return zoneinfo.ZoneInfo(name or DEFAULT_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(DEFAULT_ZONE)


def zone_for_point(*, lat: float, lng: float) -> str:
    """The IANA zone of a point on the map (over open sea: the nautical ``Etc/GMT±N`` zone)."""
    name = get_tz(lng, lat)
    return name if name in zone_names() else DEFAULT_ZONE


def zone_label(name: str) -> str:
    """How a guest reads the zone next to a time: "Tokyo time", "New York time", "UTC" (in the page's language)."""
    if not name or name in (DEFAULT_ZONE, "Etc/UTC", "Etc/GMT"):
        return "UTC"
    city = name[4:] if name.startswith("Etc/") else name.rsplit("/", 1)[-1].replace("_", " ")
    return gettext("%(city)s time") % {"city": city}


def local_today(zone_name: str, *, now: dt.datetime | None = None) -> dt.date:
    """The calendar date in ``zone_name`` at ``now`` (default: the current instant)."""
    return (now or timezone.now()).astimezone(zone(zone_name)).date()


def local_instant(zone_name: str, day: dt.date, at: dt.time) -> dt.datetime:
    """The instant (aware, UTC) of wall-clock ``at`` on ``day`` in ``zone_name``.

    A wall-clock time that a DST change skips (02:30 on a spring-forward night)
    is read with the offset before the change, so it lands after the gap; one
    that happens twice is the first of the two (``fold=0``), the earlier instant.
    """
    local = dt.datetime.combine(day, at, tzinfo=zone(zone_name))
    return local.astimezone(dt.UTC)


def listing_today(listing, *, now: dt.datetime | None = None) -> dt.date:
    """Today's date where ``listing`` is."""
    return local_today(listing.time_zone, now=now)


def listing_check_in_at(listing, day: dt.date) -> dt.datetime:
    """The instant a stay arriving on ``day`` starts: the listing's check-in time, local."""
    return local_instant(listing.time_zone, day, listing.check_in_time)


def listing_check_out_at(listing, day: dt.date) -> dt.datetime:
    """The instant a stay leaving on ``day`` ends: the listing's check-out time, local."""
    return local_instant(listing.time_zone, day, listing.check_out_time)


def earliest_today(*, now: dt.datetime | None = None) -> dt.date:
    """The earliest "today" anywhere on Earth (UTC-12): no listing's today is before it."""
    return (now or timezone.now()).astimezone(dt.timezone(dt.timedelta(hours=-12))).date()


def latest_today(*, now: dt.datetime | None = None) -> dt.date:
    """The latest "today" anywhere (UTC+14, Kiritimati): every listing's today is at most this."""
    return (now or timezone.now()).astimezone(dt.timezone(dt.timedelta(hours=14))).date()


def local_today_sql(zone_field: str, *, now: dt.datetime | None = None) -> Cast:
    """An ORM expression: the date at ``now`` in the zone named by ``zone_field`` (e.g. ``listing__time_zone``).

    For filters over many listings at once ("stays that ended where they were"):
    ``filter(check_out__lte=local_today_sql("listing__time_zone"))``.
    """
    local = models.Func(
        models.F(zone_field),
        models.Value(now or timezone.now(), output_field=models.DateTimeField()),
        function="timezone",
        output_field=models.DateTimeField(),
    )
    return Cast(local, models.DateField())
