"""Reading the host navigation bar (templates/hosttools/_nav.html) out of a rendered page."""

from __future__ import annotations

import re

NAV = re.compile(r'<nav class="host-nav" aria-label="Hosting">(.*?)</nav>', re.S)


def host_nav_current(html: str) -> list[str]:
    """The items marked ``aria-current="page"`` in the page's host nav; fails if the page has none."""
    match = NAV.search(html)
    assert match, "the page has no host navigation"
    assert len(re.findall(r"data-host-nav=", match.group(1))) == 7, "the nav lists all seven host sections"
    return re.findall(r'data-host-nav="(\w+)" aria-current="page"', match.group(1))
