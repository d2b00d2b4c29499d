"""``GET /api/v1/vocabularies/``: every enumeration of the API and the reference catalogues, as
``{"<name>": [{"code", "label"}]}`` in the request's language (docs/domain.md#languages), so that clients
need no label tables of their own.

The enumerations are read from the OpenAPI schema itself — its named enum components, with the
labels drf-spectacular writes into each component's description — so an enumeration a serializer
gains later appears here with no list to keep up (a test compares the two). The schema is built
once per process and language."""

from __future__ import annotations

import re
import threading
from typing import Any

from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from api.base import PolkuViewMixin
from api.permissions import AUTHENTICATED
from assessments.models import LicenceType
from core.i18n import current_language, localized_name
from core.read_log import NO_PERSONAL_DATA
from municipalities.models import EmploymentArea, Municipality

#: Components drf-spectacular adds for blank and null choices: no labels, nothing to show.
_NOT_VOCABULARIES = frozenset({"BlankEnum", "NullEnum"})
_CHOICE_LINE = re.compile(r"^\* `(?P<code>.*?)` - (?P<label>.*)$")
_lock = threading.Lock()
_enums: dict[str, dict[str, list[dict[str, Any]]]] = {}

CATALOGUES = ("licence_types", "municipalities", "employment_areas")


def _enums_from_schema(schema: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    result: dict[str, list[dict[str, Any]]] = {}
    for name, component in sorted(schema.get("components", {}).get("schemas", {}).items()):
        if "enum" not in component or name in _NOT_VOCABULARIES:
            continue
        labels: dict[str, str] = {}
        for line in (component.get("description") or "").splitlines():
            match = _CHOICE_LINE.match(line.strip())
            if match:
                labels[match["code"]] = match["label"]
        result[name] = [
            {"code": code, "label": labels.get(str(code), str(code))}
            for code in component["enum"]
            if code not in ("", None)
        ]
    return result


def enum_vocabularies(language: str) -> dict[str, list[dict[str, Any]]]:
    """The schema's named enumerations with their labels in ``language`` (built once)."""
    with _lock:
        if language not in _enums:
            with translation.override(language):
                schema = SchemaGenerator().get_schema(request=None, public=True)
            _enums[language] = _enums_from_schema(schema)
        return _enums[language]


def catalogue_vocabularies() -> dict[str, list[dict[str, Any]]]:
    """The reference catalogues by code, named in the active language (three queries)."""
    return {
        "licence_types": [
            {"code": item.code, "label": localized_name(item)}
            for item in LicenceType.objects.order_by("code")
        ],
        "municipalities": [
            {"code": item.code, "label": localized_name(item)}
            for item in Municipality.objects.order_by("code")
        ],
        "employment_areas": [
            {"code": item.code, "label": localized_name(item)}
            for item in EmploymentArea.objects.order_by("code")
        ],
    }


_VOCABULARIES_SCHEMA = {
    "type": "object",
    "additionalProperties": {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "code": {"description": "The machine value the API sends and receives"},
                "label": {"type": "string", "description": "Its name in the request's language"},
            },
            "required": ["code", "label"],
        },
    },
}


class VocabulariesView(PolkuViewMixin, APIView):
    required_capabilities = {"GET": AUTHENTICATED}
    read_log = {"GET": NO_PERSONAL_DATA}
    http_method_names = ["get", "head", "options"]

    @extend_schema(
        summary="Every enumeration and catalogue with labels in your language",
        description=(
            "Every enumeration of the API — one entry per named enum component of this schema, "
            "e.g. `ParticipantStatusEnum` — and the reference catalogues `licence_types`, "
            "`municipalities` and `employment_areas`, each as a list of `{code, label}`. "
            "Labels follow `Accept-Language` (`fi`, `sv` or `en`; anything else Finnish; the "
            "answer's `Content-Language` says which); codes never change with the language. "
            "Every authenticated user (counsellor, manager, coordinator, employer, admin)."
        ),
        responses={
            200: OpenApiResponse(
                _VOCABULARIES_SCHEMA,
                description="Vocabularies by name",
                examples=[
                    OpenApiExample(
                        "Finnish",
                        value={
                            "ParticipantStatusEnum": [
                                {"code": "referred", "label": "ohjattu"},
                                {"code": "active", "label": "aktiivinen"},
                            ],
                            "municipalities": [{"code": "182", "label": "Jämsä"}],
                        },
                    )
                ],
            )
        },
    )
    def get(self, request: Any) -> Response:
        language = current_language()
        return Response({**enum_vocabularies(language), **catalogue_vocabularies()})
