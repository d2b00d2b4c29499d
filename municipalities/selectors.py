"""Reads of municipalities and employment areas. Which municipalities a user may act in, and in
which role, is the access layer's answer (``casework.access``)."""

from __future__ import annotations

from django.db.models import QuerySet

from core.errors import NotFound
from municipalities.models import Municipality


def municipality_list(*, ids: frozenset[int] | None = None) -> QuerySet[Municipality]:
    queryset = Municipality.objects.select_related("employment_area").order_by("code")
    if ids is not None:
        queryset = queryset.filter(id__in=ids)
    return queryset


def municipality_get(*, code: str, ids: frozenset[int] | None = None) -> Municipality:
    try:
        return municipality_list(ids=ids).get(code=code)
    except Municipality.DoesNotExist:
        raise NotFound() from None


def municipality_ids_in_areas_of(municipality_ids: frozenset[int]) -> frozenset[int]:
    """Every municipality sharing an employment area with one of ``municipality_ids``."""
    area_ids = Municipality.objects.filter(id__in=municipality_ids).values("employment_area_id")
    in_areas = Municipality.objects.filter(employment_area_id__in=area_ids).values_list(
        "id", flat=True
    )
    return frozenset(in_areas) | municipality_ids
