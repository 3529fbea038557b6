"""The host navigation bar shared by every host page (templates/hosttools/_layout.html).

Host pages live in four apps (hosttools, bookings' reservations, listings' editor list,
messaging's host inbox), so the current item is derived from the URL name of the page
rather than passed by each view: a page joins the layout by extending it, nothing more.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from messaging.selectors import host_inbox_unread_count

register = template.Library()

# (key, label, URL name) in the order Airbnb's hosting mode shows them.
NAV_ITEMS = [
    ("today", _("Today"), "hosttools:today"),
    ("calendar", _("Calendar"), "hosttools:calendar_all"),
    ("listings", _("Listings"), "hosting:listings"),
    ("reservations", _("Reservations"), "bookings:host_reservations"),
    ("inbox", _("Inbox"), "messaging:host_inbox"),
    ("earnings", _("Earnings"), "hosttools:earnings"),
    ("analytics", _("Analytics"), "hosttools:analytics"),
]

# Which item a page belongs to, by its URL name.
SECTION_OF_VIEW = {
    "hosttools:today": "today",
    "hosttools:calendar_all": "calendar",
    "hosttools:calendar_listing": "calendar",
    "hosting:listings": "listings",
    "hosttools:listings": "listings",
    "hosttools:pricing_settings": "listings",
    "hosttools:calendar_sync": "listings",
    "bookings:host_reservations": "reservations",
    "bookings:host_reservation_detail": "reservations",
    "bookings:host_cancel": "reservations",
    "messaging:host_inbox": "inbox",
    "messaging:thread": "inbox",  # a conversation opened by its host (messaging/host_thread.html)
    "hosttools:earnings": "earnings",
    "hosttools:analytics": "analytics",
}


def host_section(request, explicit: str | None = None) -> str | None:
    """The nav item of the page: the page's own ``tab`` if it set one, else its URL name's section."""
    if explicit:
        return explicit
    match = getattr(request, "resolver_match", None)
    return SECTION_OF_VIEW.get(match.view_name) if match else None


@register.inclusion_tag("hosttools/_nav.html", takes_context=True)
def host_nav(context):
    request = context["request"]
    current = host_section(request, context.get("tab"))
    user = request.user
    unread = host_inbox_unread_count(user=user) if user.is_authenticated else 0
    return {
        "items": [
            {"key": key, "label": label, "url": reverse(url_name), "current": key == current}
            for key, label, url_name in NAV_ITEMS
        ],
        "unread": unread,
    }
