"""iCalendar (RFC 5545) feeds: building a listing's feed, fetching and reading other platforms' feeds.

Fetching sits behind a small interface (``FeedFetcher.fetch(url) -> bytes``)
chosen by ``PRICING_ICAL_FETCHER``: ``HttpFeedFetcher`` talks HTTP with a
connect/read timeout, an overall deadline, a size cap and a refusal of private
and loopback addresses (a host-supplied URL must not reach our own network);
``LocalFeedFetcher`` reads registered documents and never touches the network
(development without internet). Tests run the HTTP fetcher against a local
server.

Everything a host can get wrong raises ``FeedError`` with a sentence for the
dashboard.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import time
from collections.abc import Iterable
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from icalendar import Calendar, Event
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import ReadTimeoutError

from .errors import FeedErrorCode

MAX_EVENTS = 10000
MAX_REDIRECTS = 3
USER_AGENT = "airbnb-clone-calendar-sync/1.0"


class FeedError(Exception):
    """A feed that cannot be used, with a message for the host."""

    def __init__(self, message: str, *, code: FeedErrorCode):
        super().__init__(message)
        self.message = message
        self.code = code


class FeedFetcher(Protocol):
    def fetch(self, url: str) -> bytes: ...


def feed_url_normalise(url: str) -> str:
    """``webcal://`` (what calendar apps hand out) means https; anything but http(s) is refused."""
    url = url.strip()
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FeedError(gettext("Use an http:// or https:// calendar address."), code=FeedErrorCode.FEED_URL_INVALID)
    return url


def _check_public_host(url: str, *, allow_private: bool) -> None:
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, urlsplit(url).port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise FeedError(
            gettext("The calendar address's server (%(host)s) could not be found.") % {"host": host},
            code=FeedErrorCode.FEED_UNREACHABLE,
        ) from None
    if allow_private:
        return
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise FeedError(
                gettext("That calendar address points to a private network and cannot be used."),
                code=FeedErrorCode.FEED_URL_INVALID,
            )


def feed_url_validate(url: str) -> str:
    """Normalise ``url`` and check it may be fetched (scheme, resolvable public host). Raises ``FeedError``."""
    url = feed_url_normalise(url)
    _check_public_host(url, allow_private=settings.PRICING_ICAL_ALLOW_PRIVATE_HOSTS)
    return url


class HttpFeedFetcher:
    """GET a feed over HTTP(S) with hard limits on time and size.

    ``timeout`` bounds connecting, each read, and the whole download; ``max_bytes``
    bounds the body (a Content-Length above it is refused before reading).
    Redirects are followed by hand (at most 3), each target checked like the
    original URL.
    """

    def __init__(
        self, *, timeout: float | None = None, max_bytes: int | None = None, allow_private: bool | None = None
    ):
        self.timeout = timeout if timeout is not None else settings.PRICING_ICAL_TIMEOUT_SECONDS
        self.max_bytes = max_bytes if max_bytes is not None else settings.PRICING_ICAL_MAX_BYTES
        self.allow_private = allow_private if allow_private is not None else settings.PRICING_ICAL_ALLOW_PRIVATE_HOSTS

    def fetch(self, url: str) -> bytes:
        deadline = time.monotonic() + self.timeout
        url = feed_url_normalise(url)
        for _ in range(MAX_REDIRECTS + 1):
            _check_public_host(url, allow_private=self.allow_private)
            response = self._get(url, deadline)
            try:
                if response.is_redirect:
                    location = response.headers.get("Location", "")
                    url = feed_url_normalise(urljoin(url, location))
                    continue
                if response.status_code != 200:
                    raise FeedError(
                        gettext("The calendar server answered HTTP %(status)s; check the address.")
                        % {"status": response.status_code},
                        code=FeedErrorCode.FEED_HTTP_ERROR,
                    )
                return self._body(response, deadline)
            finally:
                response.close()
        raise FeedError(gettext("The calendar address redirects too many times."), code=FeedErrorCode.FEED_HTTP_ERROR)

    def _get(self, url: str, deadline: float) -> requests.Response:
        remaining = max(deadline - time.monotonic(), 0.1)
        try:
            return requests.get(
                url,
                stream=True,
                allow_redirects=False,
                timeout=(min(remaining, self.timeout), min(remaining, self.timeout)),
                headers={"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5"},
            )
        except requests.Timeout:
            raise self._too_slow() from None
        except requests.RequestException as exc:
            raise FeedError(
                gettext("The calendar server could not be reached (%(error)s).") % {"error": type(exc).__name__},
                code=FeedErrorCode.FEED_UNREACHABLE,
            ) from None

    def _too_slow(self) -> FeedError:
        return FeedError(
            gettext("The calendar server did not answer within %(seconds)s seconds; we will try again later.")
            % {"seconds": f"{self.timeout:g}"},
            code=FeedErrorCode.FEED_TIMEOUT,
        )

    def _too_big(self) -> FeedError:
        return FeedError(
            gettext("The calendar is larger than %(megabytes)s MB, too big to import.")
            % {"megabytes": self.max_bytes // (1024 * 1024) or 1},
            code=FeedErrorCode.FEED_TOO_LARGE,
        )

    def _body(self, response: requests.Response, deadline: float) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise self._too_big()
        body = bytearray()
        raw = response.raw
        try:
            while True:
                # read1 returns whatever arrived (at most one socket read), so a server
                # trickling bytes cannot hold us past the deadline.
                chunk = raw.read1(64 * 1024)
                if not chunk:
                    break
                body += chunk
                if len(body) > self.max_bytes:
                    raise self._too_big()
                if time.monotonic() > deadline:
                    raise self._too_slow()
        except (ReadTimeoutError, TimeoutError):
            raise self._too_slow() from None
        except (Urllib3Error, requests.RequestException, OSError):
            raise FeedError(
                gettext("The calendar download was interrupted; we will try again later."),
                code=FeedErrorCode.FEED_UNREACHABLE,
            ) from None
        return bytes(body)


class LocalFeedFetcher:
    """Serves registered documents by URL; for development without network access."""

    documents: dict[str, bytes] = {}

    def fetch(self, url: str) -> bytes:
        url = feed_url_normalise(url)
        if url not in self.documents:
            raise FeedError("No local calendar is registered at this address.", code=FeedErrorCode.FEED_UNREACHABLE)
        return self.documents[url]


def feed_fetcher() -> FeedFetcher:
    return import_string(settings.PRICING_ICAL_FETCHER)()


# --- reading a feed -------------------------------------------------------------------


def _value(prop):
    """A property's Python value, or ``None`` when absent or unparsable.

    icalendar keeps unparsable values as "broken" properties whose ``.dt``
    raises (a ``ValueError``).
    """
    try:
        return getattr(prop, "dt", None)
    except ValueError:
        return None


def _as_date(prop, *, what: str) -> dt.date:
    value = _value(prop)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    message = (
        gettext("An event in the calendar has an invalid start date.")
        if what == "start"
        else gettext("An event in the calendar has an invalid end date.")
    )
    raise FeedError(message, code=FeedErrorCode.FEED_MALFORMED)


def busy_nights(data: bytes, *, start: dt.date, end: dt.date) -> set[dt.date]:
    """The nights in ``[start, end)`` that the events of an iCal document make busy.

    An all-day event from DTSTART to DTEND (exclusive) covers those nights; a
    timed event covers the nights from its start date to its end date (at least
    its first night). Cancelled and transparent (free) events are ignored; an
    event without DTEND lasts its DURATION, else one night. Recurring rules are
    not expanded (booking platforms publish each stay as one event). Raises
    ``FeedError`` for anything that is not a usable calendar.
    """
    try:
        calendar = Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as exc:
        raise FeedError(
            gettext("This is not a valid iCalendar file (%(error)s).") % {"error": str(exc)[:120]},
            code=FeedErrorCode.FEED_MALFORMED,
        ) from None
    if getattr(calendar, "name", "") != "VCALENDAR":
        raise FeedError(
            gettext("This is not a valid iCalendar file (no VCALENDAR)."), code=FeedErrorCode.FEED_MALFORMED
        )
    events = calendar.walk("VEVENT")
    if len(events) > MAX_EVENTS:
        raise FeedError(
            gettext("The calendar has more than %(count)s events, too many to import.") % {"count": MAX_EVENTS},
            code=FeedErrorCode.FEED_TOO_LARGE,
        )
    nights: set[dt.date] = set()
    for event in events:
        if str(event.get("STATUS", "")).upper() == "CANCELLED" or str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
            continue
        if event.get("DTSTART") is None:
            raise FeedError(gettext("An event in the calendar has no start date."), code=FeedErrorCode.FEED_MALFORMED)
        first = _as_date(event.get("DTSTART"), what="start")
        if event.get("DTEND") is not None:
            last = _as_date(event.get("DTEND"), what="end")
        elif isinstance(_value(event.get("DURATION")), dt.timedelta):
            last = first + max(_value(event.get("DURATION")), dt.timedelta(days=1))

        else:
            last = first + dt.timedelta(days=1)
        last = max(last, first + dt.timedelta(days=1))
        day, stop = max(first, start), min(last, end)
        while day < stop:
            nights.add(day)
            day += dt.timedelta(days=1)
    return nights


# --- writing a feed -------------------------------------------------------------------


def nights_to_ranges(nights: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Sorted nights as maximal ``(first, end)`` ranges, ``end`` exclusive."""
    ranges: list[tuple[dt.date, dt.date]] = []
    for day in sorted(set(nights)):
        if ranges and ranges[-1][1] == day:
            ranges[-1] = (ranges[-1][0], day + dt.timedelta(days=1))
        else:
            ranges.append((day, day + dt.timedelta(days=1)))
    return ranges


def feed_build(
    *,
    listing_id: int,
    title: str,
    reserved: Iterable[dt.date],
    blocked: Iterable[dt.date],
    domain: str,
    time_zone: str = "UTC",
) -> bytes:
    """An RFC 5545 calendar with one all-day event per run of reserved or blocked nights.

    UIDs are stable for a given run, so subscribers update rather than duplicate
    events on each poll. Nights are floating dates (``DTSTART;VALUE=DATE``): a
    night is the listing's night wherever the subscriber is; ``X-WR-TIMEZONE``
    names the listing's zone for clients that show the calendar in it.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//airbnb clone//host calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{title} (unavailable nights)")
    calendar.add("x-wr-timezone", time_zone)
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for summary, nights in (("Reserved", reserved), ("Not available", blocked)):
        for first, end in nights_to_ranges(nights):
            event = Event()
            event.add("uid", f"{listing_id}-{first:%Y%m%d}-{end:%Y%m%d}-{summary[0].lower()}@{domain}")
            event.add("dtstamp", stamp)
            event.add("dtstart", first)
            event.add("dtend", end)
            event.add("summary", summary)
            event.add("transp", "OPAQUE")
            calendar.add_component(event)
    return calendar.to_ical()
