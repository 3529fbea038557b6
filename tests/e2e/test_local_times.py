"""Message times in Chromium: the reader's own time zone and language (static/js/localtime.js).

The server sends ISO UTC with a "… UTC" fallback; in a browser set to Tokyo time and a German
account, the conversation shows the Tokyo wall-clock time, written the German way, and says the
zone in the time's title. Messages added by polling are rewritten too.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client

from messaging.models import Message
from messaging.services.threads import message_send, thread_start_inquiry
from tests.accounts.factories import UserFactory
from tests.listings.factories import ListingFactory

from .browser import Tab
from .conftest import ARTIFACTS

pytestmark = [pytest.mark.django_db(transaction=True)]
TOKYO = dt.timezone(dt.timedelta(hours=9))


def tab_for(browser, live_server, user, *, zone: str) -> Tab:
    context = browser.new_context(
        base_url=live_server.url, locale="de-DE", timezone_id=zone, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    return Tab(name=user.first_name, context=context, page=context.new_page(), base_url=live_server.url)


def test_message_times_show_in_the_readers_zone_and_language(browser, live_server):
    host = UserFactory(first_name="Hugo")
    guest = UserFactory(first_name="Gina", language="de")
    listing = ListingFactory(host=host, instant_book=True)
    thread = thread_start_inquiry(guest=guest, listing_id=listing.pk, body="Hallo!")
    sent_at = dt.datetime(2031, 3, 4, 20, 30, tzinfo=dt.UTC)  # 5 March, 05:30 in Tokyo
    Message.objects.filter(thread=thread).update(created_at=sent_at)

    tab = tab_for(browser, live_server, guest, zone="Asia/Tokyo")
    try:
        tab.goto(f"/inbox/{thread.pk}/")
        tab.audit()
        time = tab.page.locator("time[data-local-time]").first
        tab.page.wait_for_function("document.querySelector('time[data-local-time]').hasAttribute('data-localized')")
        shown = time.inner_text()
        assert "UTC" not in shown and "05:30" in shown and "5." in shown and "März" in shown, shown
        assert "Asia/Tokyo" in (time.get_attribute("title") or "")
        assert time.get_attribute("datetime").startswith("2031-03-04T20:30:00")

        # A reply arrives while the page is open: polling adds it, the script rewrites its time.
        reply = message_send(thread_id=thread.pk, sender=host, body="Willkommen!")
        local = reply.created_at.astimezone(TOKYO).strftime("%H:%M")
        tab.page.wait_for_selector(f"#message-{reply.pk} time[data-localized]", timeout=30_000)
        assert local in tab.page.locator(f"#message-{reply.pk} time").inner_text()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        tab.page.screenshot(path=str(ARTIFACTS / "local-times-de-tokyo.png"))  # for a reviewer to look at
        tab.check_finished()
    finally:
        tab.context.close()
