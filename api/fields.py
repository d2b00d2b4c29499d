"""Input helpers shared by the API's serializers and views."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core import errors
from core.errors import ValidationFailed
from municipalities.models import Municipality

DOES_NOT_EXIST = _("Object does not exist.")


def named_object(queryset: Any, field: str, **lookup: Any) -> Any:
    """An object a request body names: missing, malformed or outside the caller's scope all
    answer 400 with ``Object does not exist.`` on that field (ADR 5), never 404."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise ValidationFailed.single(field, DOES_NOT_EXIST, code=errors.DOES_NOT_EXIST) from None


def municipality_for_create(
    code: Any, allowed_ids: frozenset[int], field: str = "municipality"
) -> Municipality:
    """A create must name one of the caller's municipalities (by code), else 400."""
    municipality = Municipality.objects.filter(code=str(code), id__in=allowed_ids).first()
    if municipality is None:
        raise ValidationFailed.single(field, _("Name one of your municipalities by its code."))
    return municipality


class StrictCharField(serializers.CharField):
    """A string field that refuses numbers, booleans and other non-strings."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


def validated(
    serializer_class: type[serializers.Serializer], data: Any, *, partial: bool = False
) -> dict[str, Any]:
    serializer = serializer_class(data=data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


#: Languages of instruction and of vacancies.
WORKING_LANGUAGE_CHOICES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]


def named_in_body(queryset: QuerySet[Any], object_id: Any, field: str) -> Any:
    """An object a request body names by its public id: 400 ``does_not_exist`` on ``field`` when
    it is missing or out of scope. (An id in the *path* goes through
    ``casework.selectors.get_scoped``, which answers 404.)"""
    return named_object(queryset, field, uuid=object_id)
