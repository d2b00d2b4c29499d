from __future__ import annotations

from functools import cached_property, partial
from typing import Any

from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination


class _Paginator(Paginator):
    """Counts ``count_from`` when given: the scoped queryset before ``.values()`` added the joins
    its columns need, so the count reads the tenant index alone (bench/api.py: the joined count
    was a fifth of a participant list request)."""

    def __init__(self, object_list: Any, per_page: int, *, count_from: Any = None) -> None:
        super().__init__(object_list, per_page)
        self._count_from = count_from

    @cached_property
    def count(self) -> int:
        if self._count_from is not None:
            return self._count_from.count()
        return super().count


class PolkuPagination(PageNumberPagination):
    """``?page=`` and ``?page_size=`` (default 50, larger values clamped to 200)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(
        self, queryset: Any, request: Any, view: Any = None, *, count_from: Any = None
    ) -> list[Any] | None:
        self.django_paginator_class = partial(_Paginator, count_from=count_from)
        return super().paginate_queryset(queryset, request, view)
