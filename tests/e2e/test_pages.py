"""The key pages of guests and hosts, looked at in Chromium at a desktop and a phone width.

The demo world (``airbnb.demo.services.demo_world_seed``, the one ``./dev run``
shows) is seeded into the test database, and the demo guest, host and an
anonymous visitor open about a dozen pages at 1280x900 and 390x844. Every page
is audited like the journeys' pages (alt texts, labels, no browser error) and
checked for what a layout regression looks like:

* no horizontal page overflow (``scrollWidth <= innerWidth``);
* navigation and content do not overlap: the site header ends above the main
  content, and every ``nav`` inside the page shares no area with its siblings;
* axe-core (the copy bundled with axe-playwright-python, injected from disk:
  nothing comes from the network) reports no serious or critical violation;
* page by page: at least four result cards in the first desktop screen of a
  city search, the multi-listing calendar's last day reachable by scrolling its
  own container, chart labels at least 11 px on screen.

Every checked page is written to ``var/e2e-artifacts/pages/<page>-<width>.png``
(full page), pass or fail, for a reviewer to look at. All problems are collected
and reported together, so one run shows everything that is wrong.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from airbnb.demo import DEMO_GUEST_EMAIL, DEMO_HOST_EMAIL, DEMO_PASSWORD
from airbnb.demo.services import demo_world_seed
from bookings.models import Booking, BookingStatus
from listings.models import Listing, ListingStatus
from messaging.models import Thread

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

SCREENSHOTS = ARTIFACTS / "pages"
VIEWPORTS = ((1280, 900), (390, 844))
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
}
# Enough listings that Paris, where the demo host's homes are, has a full first page.
DEMO_LISTINGS = 400

LAYOUT_JS = """
() => {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > innerWidth) {
    const wide = [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > innerWidth + 1 && getComputedStyle(el).position !== "fixed")
      .filter((el) => !el.parentElement.closest("[data-scroll-x], .table-scroll, .multi-calendar"))
      .slice(0, 3).map((el) => el.tagName.toLowerCase() + "." + [...el.classList].join("."));
    problems.push(`horizontal overflow: scrollWidth ${doc.scrollWidth} > ${innerWidth} (widest: ${wide.join(", ")})`);
  }
  const box = (el) => el.getBoundingClientRect();
  const shown = (el) => {
    const r = box(el), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none"
      && !el.classList.contains("visually-hidden");
  };
  const overlap = (a, b) => {
    const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    return x > 1 && y > 1;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.className && typeof el.className === "string"
    ? "." + el.className.trim().split(/\\s+/).join(".") : "") + (el.getAttribute("aria-label")
    ? `[${el.getAttribute("aria-label")}]` : "");
  const header = document.querySelector(".site-header"), main = document.querySelector("main");
  scrollTo(0, 0);
  const firstContent = [...main.querySelectorAll(":scope > *, :scope > * > *")].find(shown);
  if (header && firstContent && box(header).bottom > box(firstContent).top + 1) {
    problems.push(`the site header overlaps the page: header ends at ${box(header).bottom}, `
      + `${name(firstContent)} starts at ${box(firstContent).top}`);
  }
  for (const nav of main.querySelectorAll("nav")) {
    if (!shown(nav)) continue;
    for (const sibling of nav.parentElement.children) {
      if (sibling === nav || !shown(sibling) || ["absolute", "fixed"].includes(getComputedStyle(sibling).position)) {
        continue;
      }
      if (overlap(box(nav), box(sibling))) problems.push(`${name(nav)} overlaps ${name(sibling)}`);
    }
  }
  return problems;
}
"""

CARDS_IN_FIRST_SCREEN_JS = """
() => [...document.querySelectorAll("[data-results] .card, .results .card, .card")]
  .map((card) => card.getBoundingClientRect())
  .filter((r) => r.width > 0 && r.top >= 0 && r.top + r.height / 2 <= innerHeight && r.left >= 0
                 && r.right <= innerWidth + 1)
  .length
"""

SMALL_CHART_TEXT_JS = """
() => [...document.querySelectorAll("svg text")]
  .filter((t) => t.getClientRects().length)
  .map((t) => {
    const scale = t.getScreenCTM() ? Math.hypot(t.getScreenCTM().a, t.getScreenCTM().b) : 1;
    return [t.textContent.trim(), parseFloat(getComputedStyle(t).fontSize) * scale];
  })
  .filter(([, px]) => px < 11)
  .map(([text, px]) => `${text} (${px.toFixed(1)} px)`)
"""

LAST_DAY_REACHABLE_JS = """
async () => {
  const scroller = document.querySelector(".multi-calendar");
  if (!scroller) return "no multi-listing calendar on the page";
  const heads = scroller.querySelectorAll("thead th");
  const last = heads[heads.length - 1];
  scroller.scrollLeft = scroller.scrollWidth;
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  if (!["auto", "scroll"].includes(getComputedStyle(scroller).overflowX)) {
    return "the multi-listing calendar does not scroll horizontally (overflow-x: "
      + getComputedStyle(scroller).overflowX + ")";
  }
  // What is on screen of the scroll area: its box cut by every clipping ancestor and the window.
  let right = Math.min(scroller.getBoundingClientRect().right, innerWidth);
  for (let el = scroller.parentElement; el; el = el.parentElement) {
    if (getComputedStyle(el).overflowX !== "visible") right = Math.min(right, el.getBoundingClientRect().right);
  }
  const l = last.getBoundingClientRect();
  const sticky = scroller.querySelector("tbody th[scope=row]");
  const stickyRight = sticky ? sticky.getBoundingClientRect().right : scroller.getBoundingClientRect().left;
  const inside = l.width > 0 && l.left >= stickyRight - 1 && l.right <= right + 1;
  return inside ? "" : `the last day (${last.textContent.trim()}) is not reachable: it spans `
    + `${l.left}-${l.right}, the scroll area shows ${stickyRight}-${right}`;
}
"""


@dataclass
class PageCheck:
    name: str
    who: str  # "guest", "host" or "anonymous"
    path: str
    extra: tuple[str, ...] = ()  # "cards", "calendar", "charts"


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    screenshots: list[Path] = field(default_factory=list)

    def add(self, page: PageCheck, width: int, found: list[str]) -> None:
        self.problems.extend(f"{page.name} at {width} px: {problem}" for problem in found)


def key_pages() -> list[PageCheck]:
    """The pages to check, with the ids of the demo world's own objects."""
    today = timezone.localdate()
    host_listing = Listing.objects.filter(host__email=DEMO_HOST_EMAIL, status=ListingStatus.PUBLISHED).order_by("pk")
    listing = host_listing.first()
    assert listing is not None, "the demo host has no published listing"
    trip = (
        Booking.objects.filter(guest__email=DEMO_GUEST_EMAIL, status=BookingStatus.CONFIRMED, check_in__gte=today)
        .order_by("check_in")
        .first()
    )
    assert trip is not None, "the demo guest has no upcoming trip"
    # The conversation with the unread message from a host: chat bubbles, not only system lines.
    thread = Thread.objects.filter(guest__email=DEMO_GUEST_EMAIL).order_by("-guest_unread", "pk").first()
    assert thread is not None, "the demo guest has no message thread"
    # Checkout for a free stay a month ahead, two nights within the listing's limits.
    nights = max(2, listing.min_nights)
    check_in = today + dt.timedelta(days=45)
    checkout = (
        f"/rooms/{listing.pk}/book/?check_in={check_in:%Y-%m-%d}"
        f"&check_out={check_in + dt.timedelta(days=nights):%Y-%m-%d}&guests=1"
    )
    return [
        PageCheck("home", "anonymous", "/"),
        PageCheck("search", "anonymous", "/search/?q=Paris", ("cards",)),
        PageCheck("listing", "anonymous", listing.get_absolute_url()),
        # Signed in, the title shares its row with the heart and "Choose a list".
        PageCheck("listing-signed-in", "guest", listing.get_absolute_url()),
        PageCheck("checkout", "guest", checkout),
        PageCheck("trips", "guest", "/trips/"),
        PageCheck("trip", "guest", f"/trips/{trip.pk}/"),
        PageCheck("inbox-thread", "guest", f"/inbox/{thread.pk}/"),
        PageCheck("host-today", "host", "/hosting/"),
        PageCheck("host-calendar", "host", "/hosting/calendar/", ("calendar",)),
        PageCheck("host-listing-calendar", "host", f"/hosting/calendar/{listing.pk}/"),
        # Its German title is one long word ("Kalendersynchronisierung:") before the listing's name.
        PageCheck("calendar-sync", "host", f"/hosting/manage/{listing.pk}/sync/"),
        PageCheck("listing-editor", "host", f"/hosting/listings/{listing.pk}/edit/basics/"),
        PageCheck("host-reservations", "host", "/hosting/reservations/"),
        PageCheck("host-analytics", "host", "/hosting/analytics/", ("charts",)),
        PageCheck("host-earnings", "host", "/hosting/earnings/"),
    ]


@pytest.fixture
def demo_world():
    # Photos go to the test MEDIA_ROOT the live server serves (the pool is drawn once and reused).
    demo_world_seed(listings=DEMO_LISTINGS, seed=1, reset=True)


def check_pages(open_tab, viewports, *, locale: str = "en-GB", language: str = "en") -> Findings:
    """Open every key page at each viewport in ``locale``; collect layout, accessibility and language problems."""
    pages = key_pages()
    axe = Axe()
    findings = Findings()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    prefix = "" if language == "en" else f"{language}-"
    for width, height in viewports:
        tabs = {}
        for who in ("anonymous", "guest", "host"):
            tab = open_tab(f"{who}-{prefix}{width}", locale=locale)
            tab.page.set_viewport_size({"width": width, "height": height})
            if who != "anonymous":
                tab.goto("/accounts/login/")
                tab.log_in(DEMO_GUEST_EMAIL if who == "guest" else DEMO_HOST_EMAIL, DEMO_PASSWORD)
            tabs[who] = tab
        for page in pages:
            tab = tabs[page.who]
            tab.goto(page.path)
            found = list(tab.page.evaluate(LAYOUT_JS))
            shown_in = tab.page.evaluate("() => document.documentElement.lang")
            if shown_in != language:
                found.append(f"the page is in {shown_in!r}, not {language!r}")
            violations = axe.run(tab.page, options=AXE_OPTIONS).response["violations"]
            found += [
                f"axe {v['id']} ({v['impact']}): {v['help']} at {[node['target'] for node in v['nodes'][:3]]}"
                for v in violations
                if v["impact"] in ("serious", "critical")
            ]
            if "cards" in page.extra and width >= 1024:
                cards = tab.page.evaluate(CARDS_IN_FIRST_SCREEN_JS)
                if cards < 4:
                    found.append(f"only {cards} result cards in the first screen (at least 4 expected)")
            if "calendar" in page.extra:
                if message := tab.page.evaluate(LAST_DAY_REACHABLE_JS):
                    found.append(message)
            if "charts" in page.extra:
                if small := tab.page.evaluate(SMALL_CHART_TEXT_JS):
                    found.append(f"chart text under 11 px: {small[:5]}")
            tab.page.evaluate("window.scrollTo(0, 0)")
            shot = SCREENSHOTS / f"{page.name}-{prefix}{width}.png"
            tab.page.screenshot(path=str(shot), full_page=True)
            findings.screenshots.append(shot)
            findings.add(page, width, found)
    assert len(findings.screenshots) == len(pages) * len(viewports)
    return findings


def test_key_pages_fit_both_widths_without_overlap_or_serious_accessibility_problems(demo_world, open_tab):
    findings = check_pages(open_tab, VIEWPORTS)
    assert not findings.problems, "layout and accessibility problems:\n" + "\n".join(findings.problems)


def test_key_pages_fit_a_phone_in_german(demo_world, open_tab):
    """German words run longest of the site's languages ("Gastgeberbereich", "Stornierungsbedingungen"):
    what fits a phone in English may not. The same checks, at 390 px, with the browser in German."""
    findings = check_pages(open_tab, VIEWPORTS[1:], locale="de-DE", language="de")
    assert not findings.problems, "layout and accessibility problems in German:\n" + "\n".join(findings.problems)


def test_the_layout_checks_catch_overflow_overlap_and_small_chart_text(open_tab):
    """The checks above can fail: each one is fed a page broken on purpose."""
    tab = open_tab("broken")
    tab.goto("/accounts/login/")
    assert tab.page.evaluate(LAYOUT_JS) == []
    tab.page.evaluate(
        """() => {
          const main = document.querySelector("main");
          main.insertAdjacentHTML("afterbegin",
            '<div style="display:grid"><nav aria-label="Broken" style="grid-area:1/1">x</nav>' +
            '<section style="grid-area:1/1">y</section></div>' +
            '<div style="width:3000px;height:10px"></div>' +
            '<svg viewBox="0 0 1000 100" width="200"><text x="0" y="50" font-size="11">tiny</text></svg>');
        }"""
    )
    found = "\n".join(tab.page.evaluate(LAYOUT_JS))
    assert "horizontal overflow" in found and "nav[Broken] overlaps section" in found
    assert tab.page.evaluate(SMALL_CHART_TEXT_JS) == ["tiny (2.2 px)"]
    assert tab.page.evaluate(CARDS_IN_FIRST_SCREEN_JS) == 0
    assert "no multi-listing calendar" in tab.page.evaluate(LAST_DAY_REACHABLE_JS)
    # A calendar clipped by its parent, then one that cannot scroll at all.
    calendar = (
        '<div style="width:300px;overflow:hidden"><div class="multi-calendar" style="width:600px;overflow-x:auto">'
        '<table><thead><tr><th>Listing</th><th style="min-width:500px">Mon 1</th><th>Tue 2</th></tr></thead>'
        '<tbody><tr><th scope="row">Flat</th><td></td><td></td></tr></tbody></table></div></div>'
    )
    tab.page.evaluate("(html) => document.querySelector('main').insertAdjacentHTML('afterbegin', html)", calendar)
    assert "the last day (Tue 2) is not reachable" in tab.page.evaluate(LAST_DAY_REACHABLE_JS)
    tab.page.evaluate("() => { document.querySelector('.multi-calendar').style.overflowX = 'hidden'; }")
    assert "does not scroll horizontally" in tab.page.evaluate(LAST_DAY_REACHABLE_JS)
    tab.page.evaluate("() => document.querySelector('.multi-calendar').parentElement.remove()")
    tab.audit()
