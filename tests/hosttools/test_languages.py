"""Host tools in the host's language: pages, chart titles, flash messages, form and iCal errors."""

from html import unescape

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext, ngettext

from hosttools.models import CalendarImport
from hosttools.services import ical_import_sync
from tests.platform.test_i18n import english_left, english_phrases, visible_text

SHIPPED = [code for code, _name in settings.LANGUAGES if code != "en"]


def client_in(user, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.mark.parametrize("language", SHIPPED)
def test_host_tool_pages_show_no_english(host, listings, language):
    client = client_in(host, language)
    phrases = english_phrases(language)
    listing = listings[0]
    for url in (
        "/hosting/analytics/",
        f"/hosting/manage/{listing.pk}/pricing/",
        f"/hosting/manage/{listing.pk}/sync/",
        f"/hosting/calendar/{listing.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert english_left(visible_text(response.content.decode()), phrases) == [], url
    with translation.override(language):
        occupancy = gettext("Occupancy")
    assert occupancy in unescape(client.get("/hosting/analytics/").content.decode())


@pytest.mark.parametrize("language", SHIPPED)
def test_calendar_actions_and_form_errors_in_the_hosts_language(host, listings, language):
    import datetime as dt

    from django.utils import timezone

    client = client_in(host, language)
    listing = listings[0]
    first = timezone.localdate() + dt.timedelta(days=10)
    response = client.post(
        f"/hosting/calendar/{listing.pk}/",
        {"first_night": first.isoformat(), "last_night": (first + dt.timedelta(days=2)).isoformat(), "action": "block"},
        follow=True,
    )
    with translation.override(language):
        done = ngettext("%(action)s: done for %(count)s night.", "%(action)s: done for %(count)s nights.", 3) % {
            "action": gettext("Block these nights"),
            "count": 3,
        }
        end_first = gettext("The end of the period must be on or after its start.")
    assert done in unescape(response.content.decode())
    bad = client.get("/hosting/analytics/", {"start": "2027-03-10", "end": "2027-03-01"})
    assert bad.status_code == 400 and end_first in unescape(bad.content.decode())


def test_an_import_error_is_stored_in_the_hosts_language_whatever_the_worker_speaks(host, listings):
    host.language = "de"
    host.save(update_fields=["language"])
    feed = CalendarImport.objects.create(listing=listings[0], name="Other site", url="https://calendar.invalid/x.ics")

    class Broken:
        def fetch(self, url):
            from hosttools.ical import busy_nights

            busy_nights(b"not a calendar", start=None, end=None)

    translation.activate("fr")
    result = ical_import_sync(feed_id=feed.pk, fetcher=Broken())
    translation.deactivate()
    feed.refresh_from_db()
    assert not result.ok and feed.last_error.startswith("Das ist keine gültige iCalendar-Datei")
