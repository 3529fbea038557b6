"""Helpers for pages that are about no app in particular (how a list page is paged)."""

from __future__ import annotations

from django.core.paginator import Paginator

SECTION_PAGE_SIZE = 20


def paged_sections(request, sections, *, prefix: str) -> list[dict]:
    """Each ``(key, title, queryset)`` section as one page of ``SECTION_PAGE_SIZE``, chosen by ``?<key>=N``.

    A guest or host with years of history must not get every booking on one page;
    each section pages on its own, and its links keep the other sections' pages.
    A page number out of range or not a number shows the nearest page.
    """
    paged = []
    for key, title, queryset in sections:
        paginator = Paginator(queryset, SECTION_PAGE_SIZE)
        page = paginator.get_page(request.GET.get(key))

        def link(number: int, key=key) -> str:
            params = request.GET.copy()
            params[key] = str(number)
            return f"?{params.urlencode()}#{prefix}-{key}"

        paged.append(
            {
                "key": key,
                "title": title,
                "bookings": list(page.object_list),
                "count": paginator.count,
                "page": page,
                "previous_url": link(page.previous_page_number()) if page.has_previous() else "",
                "next_url": link(page.next_page_number()) if page.has_next() else "",
            }
        )
    return paged
