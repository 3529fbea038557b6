from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=N&page_size=M`` (max 100) with ``count``, ``next``, ``previous``, ``results``."""

    page_size_query_param = "page_size"
    max_page_size = 100


class CachedCountPaginator(Paginator):
    """A paginator whose total comes from the cache (``cache_key``, counted again after ``cache_seconds``).

    For big lists whose total moves slowly: counting all published listings is a
    ~160 ms scan at a million rows, on every page. If the cache is down the total is
    counted each time.
    """

    cache_key = ""
    cache_seconds = 60

    @cached_property
    def count(self) -> int:
        total = cache.get(self.cache_key)
        if total is None:
            total = super().count
            cache.set(self.cache_key, total, self.cache_seconds)
        return total


def cached_count_pagination(cache_key: str, *, seconds: int = 60) -> PageNumberPagination:
    """``PageNumberPagination`` whose ``count`` is cached under ``cache_key`` for ``seconds``."""
    paginator_class = type(
        "CachedCountPaginator", (CachedCountPaginator,), {"cache_key": cache_key, "cache_seconds": seconds}
    )
    paged = PageNumberPagination()
    paged.django_paginator_class = paginator_class
    return paged
