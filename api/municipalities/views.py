from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.response import Response

from api.base import PolkuViewSet
from casework.access import visible_municipality_ids
from core.access import Capability
from core.read_log import NO_PERSONAL_DATA
from municipalities import selectors
from municipalities.models import Municipality


class MunicipalitySerializer(serializers.Serializer):
    code = serializers.CharField()
    name_fi = serializers.CharField()
    name_sv = serializers.CharField()
    region_code = serializers.CharField()
    employment_area = serializers.CharField(allow_null=True)
    employment_area_name = serializers.CharField(allow_null=True)


def municipality_data(municipality: Municipality) -> dict[str, Any]:
    area = municipality.employment_area
    return {
        "code": municipality.code,
        "name_fi": municipality.name_fi,
        "name_sv": municipality.name_sv,
        "region_code": municipality.region_code,
        "employment_area": area.code if area else None,
        "employment_area_name": area.name_fi if area else None,
    }


@extend_schema_view(
    list=extend_schema(responses=MunicipalitySerializer(many=True)),
    retrieve=extend_schema(responses=MunicipalitySerializer),
)
class MunicipalityViewSet(PolkuViewSet):
    """Public facts about the municipalities the caller works with."""

    required_capabilities = {"GET": Capability.MUNICIPALITY_READ}
    read_log = {"GET": NO_PERSONAL_DATA}
    http_method_names = ["get", "head", "options"]
    lookup_url_kwarg = "code"
    lookup_value_regex = "[0-9]{3}"
    queryset = Municipality.objects.none()

    def list(self, request: Any) -> Response:
        page = self.paginate_queryset(
            selectors.municipality_list(ids=visible_municipality_ids(request.user))
        )
        return self.get_paginated_response([municipality_data(m) for m in page])

    def retrieve(self, request: Any, code: str) -> Response:
        municipality = selectors.municipality_get(
            code=code, ids=visible_municipality_ids(request.user)
        )
        return self.ok(municipality_data(municipality), municipality)
