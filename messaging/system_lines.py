"""The system lines of a conversation (a booking's state changes), rendered in each reader's language.

A thread has two readers, the guest and the host, who may read different languages. So a system
line is stored as what happened: ``Message.system_kind`` (one of ``KINDS``) and
``Message.system_params`` (names, ISO dates, the number of guests, the reference), and rendered
with ``system_line_text`` in the language active when it is shown (the reader's page or API
request). ``Message.body`` keeps the English text too: the column must not be empty, the admin
and moderation read it, and lines stored before the kinds existed are shown from it as written.
"""

from __future__ import annotations

import datetime as dt

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

AWAITING_HOST = "booking.awaiting_host"
CONFIRMED = "booking.confirmed"
DECLINED = "booking.declined"
EXPIRED = "booking.expired"
CANCELLED_BY_GUEST = "booking.cancelled_by_guest"
CANCELLED_BY_HOST = "booking.cancelled_by_host"
COMPLETED = "booking.completed"
KINDS = (AWAITING_HOST, CONFIRMED, DECLINED, EXPIRED, CANCELLED_BY_GUEST, CANCELLED_BY_HOST, COMPLETED)


def _dates(params: dict) -> str:
    # "Mon 28 Dec – Thu 31 Dec 2026" in English; day and month names in the active language.
    check_in, check_out = dt.date.fromisoformat(params["check_in"]), dt.date.fromisoformat(params["check_out"])
    return f"{date_format(check_in, 'D d M')} – {date_format(check_out, 'D d M Y')}"


def system_line_text(kind: str, params: dict) -> str | None:
    """The line of ``kind`` in the active language, or None for a kind this code does not know."""
    if kind not in KINDS:
        return None
    if kind == COMPLETED:
        return gettext("The stay is over. You both have 14 days to review each other.")
    values = {
        "guest": params.get("guest", ""),
        "host": params.get("host", ""),
        "dates": _dates(params),
        "count": params.get("guests", 1),
        "reference": params.get("reference", ""),
    }
    if kind == AWAITING_HOST:
        return (
            ngettext(
                "%(guest)s requested to book %(dates)s for %(count)s guest. "
                "%(host)s has 24 hours to accept or decline.",
                "%(guest)s requested to book %(dates)s for %(count)s guests. "
                "%(host)s has 24 hours to accept or decline.",
                values["count"],
            )
            % values
        )
    if kind == CONFIRMED:
        return (
            ngettext(
                "Reservation confirmed: %(dates)s, %(count)s guest. Reference %(reference)s.",
                "Reservation confirmed: %(dates)s, %(count)s guests. Reference %(reference)s.",
                values["count"],
            )
            % values
        )
    if kind == DECLINED:
        return gettext("%(host)s declined the request for %(dates)s.") % values
    if kind == EXPIRED:
        return gettext("The request for %(dates)s expired: %(host)s didn't answer in time.") % values
    if kind == CANCELLED_BY_GUEST:
        return gettext("%(guest)s cancelled the reservation for %(dates)s.") % values
    return gettext("%(host)s cancelled the reservation for %(dates)s.") % values


def system_line_english(kind: str, params: dict) -> str:
    """The English line, stored in ``Message.body``."""
    with translation.override("en"):
        return system_line_text(kind, params) or ""


def message_text(message) -> str:
    """A message's text in the active language: system lines rendered from their kind, the rest as stored."""
    if message.sender_id is None and message.system_kind:
        text = system_line_text(message.system_kind, message.system_params or {})
        if text:
            return text
    return message.body
