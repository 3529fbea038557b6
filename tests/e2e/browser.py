"""A browser tab that audits every page it visits.

``Tab`` wraps one Playwright context and page. It records, from the moment it
opens, every console error, uncaught page error, failed request and HTTP error of
a sub-resource (a missing stylesheet, script, icon or photo), and every URL the
main frame navigates to. ``audit()`` checks the page on screen (images have alt
text, visible fields have labels) and that nothing went wrong so far; the
fixture's teardown then requires that every visited URL was audited, so a
journey cannot skip the checks on a page by accident.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from playwright.sync_api import BrowserContext, Locator, Page, Playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def launch_chromium(playwright: Playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


# Images need an alt attribute (empty is fine for decoration); every visible
# input, select and textarea needs a label: <label for>, a wrapping <label>,
# aria-label, or aria-labelledby pointing at elements that exist.
ACCESSIBILITY_PROBLEMS_JS = """
() => {
  const problems = [];
  const describe = (el) => el.outerHTML.slice(0, 160);
  document.querySelectorAll("img").forEach((img) => {
    if (!img.hasAttribute("alt")) problems.push("image without alt: " + describe(img));
  });
  const visible = (el) => {
    if (!el.getClientRects().length) return false;
    const style = getComputedStyle(el);
    return style.visibility !== "hidden" && style.display !== "none";
  };
  document.querySelectorAll("input, select, textarea").forEach((el) => {
    if (el.type === "hidden" || !visible(el)) return;
    const byFor = el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]');
    const wrapped = el.closest("label");
    const ariaLabel = (el.getAttribute("aria-label") || "").trim();
    const ids = (el.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean);
    const labelledBy = ids.length > 0 && ids.every((id) => document.getElementById(id));
    if (!(byFor || wrapped || ariaLabel || labelledBy)) problems.push("field without a label: " + describe(el));
  });
  return problems;
}
"""


def _without_fragment(url: str) -> str:
    return urldefrag(url)[0]


@dataclass
class Tab:
    name: str
    context: BrowserContext
    page: Page
    base_url: str
    problems: list[str] = field(default_factory=list)
    navigated: list[str] = field(default_factory=list)
    audited: set[str] = field(default_factory=set)

    def __post_init__(self):
        page = self.page
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught error on {page.url}: {error}"))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)
        page.on("framenavigated", self._on_navigated)

    # --- what the browser reports --------------------------------------------------------

    def _on_console(self, message) -> None:
        if message.type == "error":
            self.problems.append(f"console error on {self.page.url}: {message.text}")

    def _on_request_failed(self, request) -> None:
        # Aborted requests are the app's own doing (search.js cancels a superseded search;
        # leaving a page cancels its pending fetches), not failures.
        if request.failure and "ERR_ABORTED" not in request.failure:
            self.problems.append(f"request failed: {request.method} {request.url}: {request.failure}")

    def _on_response(self, response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            self.problems.append(f"HTTP {response.status} for {response.request.resource_type} {response.url}")

    def _on_navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.navigated.append(_without_fragment(frame.url))

    # --- checks ------------------------------------------------------------------------------

    def audit(self) -> None:
        """Check the page on screen: alt texts, labels, and no browser errors so far."""
        self.page.wait_for_load_state("load")
        found = self.page.evaluate(ACCESSIBILITY_PROBLEMS_JS)
        assert not found, f"accessibility problems on {self.page.url}:\n" + "\n".join(found)
        assert not self.problems, f"browser problems ({self.name}):\n" + "\n".join(self.problems)
        self.audited.add(_without_fragment(self.page.url))

    def check_finished(self) -> None:
        missed = [url for url in dict.fromkeys(self.navigated) if url not in self.audited and url != "about:blank"]
        assert not missed, f"pages visited without an audit ({self.name}): {missed}"
        assert not self.problems, f"browser problems ({self.name}):\n" + "\n".join(self.problems)

    def save_artifacts(self, directory: Path, stem: str) -> list[Path]:
        saved = []
        if self.page.is_closed():
            return saved
        try:
            png = directory / f"{stem}.png"
            self.page.screenshot(path=str(png), full_page=True)
            saved.append(png)
            html = directory / f"{stem}.html"
            html.write_text(self.page.content(), encoding="utf-8")
            saved.append(html)
        except Exception as exc:  # the page may be mid-navigation or crashed: keep what we have
            self.problems.append(f"could not save artifacts: {exc}")
        return saved

    # --- driving ------------------------------------------------------------------------------

    @property
    def path(self) -> str:
        """The current URL's path and query, e.g. ``/trips/12/``."""
        parts = urlsplit(self.page.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def goto(self, path: str) -> None:
        response = self.page.goto(path)
        assert response is not None and response.ok, f"GET {path}: HTTP {response.status if response else '?'}"
        self.audit()

    @contextmanager
    def navigation(self):
        """Wrap the action that leaves the page; the new page is audited once loaded."""
        with self.page.expect_navigation() as info:
            yield
        response = info.value
        assert response is None or response.status < 500, f"{response.url}: HTTP {response.status}"
        self.audit()

    def click(self, locator: Locator) -> None:
        """Click something that loads a new page (a link or a submit button)."""
        with self.navigation():
            locator.click()

    def log_in(self, email: str, password: str) -> None:
        """Fill and submit the log-in form on the current page (the log-in page)."""
        assert self.path.startswith("/accounts/login/"), self.page.url
        if self.page.evaluate("() => document.documentElement.lang") == "en":
            self.page.get_by_label("Email", exact=False).fill(email)
            self.page.get_by_label("Password", exact=True).fill(password)
            self.click(self.page.get_by_role("button", name="Log in"))
        else:  # the page in another language: its fields by name
            form = self.page.locator("form[action='/accounts/login/']")
            form.locator("input[name=username]").fill(email)
            form.locator("input[name=password]").fill(password)
            self.click(form.locator("button[type=submit]"))

    def flash(self) -> str:
        """The text of the page's flash messages."""
        return " ".join(self.page.locator(".messages .message").all_inner_texts())

    def open_account_menu_item(self, name: str) -> None:
        """Open the header's account menu and follow one of its links."""
        self.page.locator("[data-menu] summary").click()
        self.click(self.page.locator(".user-menu__list").get_by_role("link", name=re.compile(rf"^{re.escape(name)}")))
