"""A generic viewset for the plain resources (list, retrieve, create, PATCH): the subclass names
its selector, its serializers, its services and how it shapes a record."""

from __future__ import annotations

from typing import Any

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.response import Response

from api.base import PolkuViewSet
from api.fields import validated
from casework.selectors import get_scoped


class ResourceViewSet(PolkuViewSet):
    filter_backends = [DjangoFilterBackend]
    input_serializer: Any = None
    update_serializer: Any = None
    default_ordering: tuple[str, ...] = ("-id",)

    def scoped_queryset(self) -> Any:
        raise NotImplementedError

    def get_queryset(self) -> Any:
        return self.scoped_queryset()

    def data(self, obj: Any) -> dict[str, Any]:
        raise NotImplementedError

    def create_object(self, request: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def update_object(
        self, request: Any, obj: Any, data: dict[str, Any], version: int | None
    ) -> Any:
        raise NotImplementedError

    def check_writable(self, request: Any, obj: Any) -> None:
        """Refuse (403) a write to a record the caller may read but not change. Runs before
        If-Match and the body are looked at (docs/access.md check order)."""

    def get_scoped_object(self, object_id: Any) -> Any:
        return get_scoped(self.scoped_queryset(), object_id)

    def list(self, request: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        if not request.query_params.get("ordering"):
            queryset = queryset.order_by(*self.default_ordering)
        page = self.paginate_queryset(queryset)
        self.shown(page)
        return self.get_paginated_response([self.data(obj) for obj in page])

    def retrieve(self, request: Any, id: str) -> Response:
        obj = self.get_scoped_object(id)
        self.shown([obj])
        return self.ok(self.data(obj), obj)

    def create(self, request: Any) -> Response:
        data = validated(self.input_serializer, self.request_body(request))
        obj = self.create_object(request, data)
        obj = self.get_scoped_object(obj.uuid)
        return self.created(self.data(obj), obj)

    def partial_update(self, request: Any, id: str) -> Response:
        obj = self.get_scoped_object(id)
        self.check_writable(request, obj)
        version = self.expected_version(request, obj, required=True)
        data = validated(self.update_serializer, self.request_body(request), partial=True)
        self.update_object(request, obj, data, version)
        obj = self.get_scoped_object(id)
        return self.ok(self.data(obj), obj)
