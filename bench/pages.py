"""Page weight benchmark: what a first visit to the main pages costs a browser.

Run with ``bench/pages`` against a running server (``./dev run`` in another
terminal; ``--base`` to point elsewhere). Each page is opened ``--runs`` times in
a fresh headless Chromium context (empty cache, no cookies, 1280x900), and the
browser's own Resource Timing is read after the ``load`` event plus a short
settle: requests, bytes on the wire (``transferSize``), decoded bytes, split into
same-origin and other origins (map tiles), and the times to DOMContentLoaded and
load. Medians are printed and written to docs/benchmarks.md between the
``bench:pages`` markers, labelled with ``--label`` (e.g. "before" / "after"), so
a change can be compared with the table it replaces.

Map tiles come from another origin and are counted apart: on a machine without
internet they fail fast and cost nothing, which says nothing about a guest's
real download.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]  # fmt: skip
PAGES = {
    "search (Paris)": "/search/?q=Paris",
    "home": "/",
}

MEASURE_JS = """
() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const same = (url) => new URL(url).origin === location.origin;
  const out = {requests: 1, transfer: nav.transferSize, decoded: nav.decodedBodySize,
               other_requests: 0, other_transfer: 0,
               dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd};
  for (const r of performance.getEntriesByType("resource")) {
    if (same(r.name)) { out.requests += 1; out.transfer += r.transferSize; out.decoded += r.decodedBodySize; }
    else { out.other_requests += 1; out.other_transfer += r.transferSize; }
  }
  return out;
}
"""


def measure(base: str, path: str, runs: int) -> dict[str, float]:
    samples = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(base + path, wait_until="load")
            page.wait_for_timeout(500)
            samples.append(page.evaluate(MEASURE_JS))
            context.close()
        browser.close()
    return {key: statistics.median(sample[key] for sample in samples) for key in samples[0]}


def table(rows: dict[str, dict[str, float]], *, label: str, runs: int) -> str:
    lines = [
        f"**{label}** (median of {runs} cold loads, 1280x900, {platform.machine()}, {os.cpu_count()} cores)",
        "",
        "| page | requests | transferred | decoded | DOMContentLoaded | load | other origins |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, m in rows.items():
        lines.append(
            f"| {name} | {m['requests']:.0f} | {m['transfer'] / 1024:.0f} KB | {m['decoded'] / 1024:.0f} KB "
            f"| {m['dcl']:.0f} ms | {m['load']:.0f} ms | {m['other_requests']:.0f} requests |"
        )
    return "\n".join(lines)


def write_docs(section: str, label: str) -> None:
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text()
    start, end = f"<!-- bench:pages:{label}:start -->", f"<!-- bench:pages:{label}:end -->"
    block = f"{start}\n{section}\n{end}"
    if start in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        heading = "" if "\n## Page weight" in text else "\n## Page weight (`bench/pages`)\n\n"
        text = text.rstrip() + "\n" + heading + block + "\n"
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--label", default="current")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    rows = {name: measure(args.base, path, args.runs) for name, path in PAGES.items()}
    section = table(rows, label=args.label, runs=args.runs)
    print(section)
    if not args.no_write:
        write_docs(section, re.sub(r"\W+", "-", args.label.lower()).strip("-"))


if __name__ == "__main__":
    main()
