"""Browser journeys: Playwright (sync API) driving Debian's Chromium against the live test server.

One Chromium for all the journeys; each journey opens its own browser contexts
(a guest and a host never share cookies). Every page a journey visits is audited
(``Tab.audit``): images have alt text, visible form fields have labels, and the
browser reported no console error, uncaught exception or failed request. On a
failure each open tab's screenshot and HTML go to ``var/e2e-artifacts/``.

The server is pytest-django's ``live_server`` (a real threaded WSGI server on the
test database, static files served by ``StaticFilesHandler``), so every journey is
transactional: what the test writes with the ORM the server sees, and the other
way round. Celery runs eagerly (test settings), so tasks run inside the request
that queued them; beat jobs (the booking outbox, stay completion) are run by the
journey when "time passes".
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from payments.gateways.base import breaker
from search.gazetteer import gazetteer_clear_caches

from .browser import CHROMIUM, Tab, launch_chromium

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "e2e-artifacts"
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.fixture(scope="package")
def browser():
    """One headless Chromium for all the journeys. Missing Chromium is a failure, never a skip.

    Package-scoped, so it closes (and Playwright's event loop stops) before the rest
    of the suite runs: while it is open, Playwright's sync API keeps an event loop
    running in this thread, and Django refuses ORM calls from a thread with a running
    loop unless told that the code is synchronous anyway (DJANGO_ALLOW_ASYNC_UNSAFE).
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: the browser journeys need it. "
            "Run ./dev test (it installs Debian's chromium package) or apt-get install chromium.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = launch_chromium(playwright)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture(autouse=True)
def _e2e_state():
    """Fresh per-process state: the payment breaker closed, no cached place lookups."""
    breaker.close()
    gazetteer_clear_caches()
    yield
    breaker.close()


@pytest.fixture
def open_tab(request, browser, live_server):
    """``open_tab(name, locale="en-GB")``: a new browser context with one page, audited, on the live server.

    ``locale`` is the browser's language (its ``Accept-Language``), which pages follow for
    visitors and for users who chose no language of their own.

    Every tab is closed at the end of the test, after checking that each page it
    visited was audited and that nothing went wrong in the browser since the last audit.
    """
    tabs: list[Tab] = []

    def _open(name: str, locale: str = "en-GB") -> Tab:
        context = browser.new_context(base_url=live_server.url, locale=locale, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        tab = Tab(name=name, context=context, page=context.new_page(), base_url=live_server.url)
        tabs.append(tab)
        return tab

    request.node.e2e_tabs = tabs
    yield _open
    try:
        if not getattr(request.node, "e2e_failed", False):
            try:
                for tab in tabs:
                    tab.check_finished()
            except AssertionError:
                _save_artifacts(request.node, "teardown")
                raise
    finally:
        for tab in tabs:
            tab.context.close()


def _save_artifacts(item, when: str) -> list[Path]:
    tabs = getattr(item, "e2e_tabs", [])
    saved: list[Path] = []
    if tabs:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid.split("::")[-1])
        for tab in tabs:
            saved.extend(tab.save_artifacts(ARTIFACTS, f"{stem}-{when}-{tab.name}"))
    return saved


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failed journey, save a screenshot and the HTML of every open tab to var/e2e-artifacts/."""
    report = yield
    if report.failed and call.when == "call":
        item.e2e_failed = True
        saved = _save_artifacts(item, call.when)
        if saved:
            report.sections.append(("e2e artifacts", "\n".join(str(path) for path in saved)))
    return report
