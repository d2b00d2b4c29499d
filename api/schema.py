"""OpenAPI: every operation documents every status it can answer, each error with the envelope
of docs/api.md, and the ETag / If-Match / Idempotency-Key headers where they apply."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.hooks import postprocess_schema_enums as spectacular_enums
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import list_hash
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from api.operations import OPERATIONS
from api.permissions import AUTHENTICATED, PUBLIC, required_capability
from assessments.models import Enrolment
from casework.models import Match, Participant, Vacancy
from core.access import Capability, roles_with

#: Who may move what to which status, for the transition operations' descriptions.
TRANSITION_TABLES: dict[str, list[tuple[str, dict[str, frozenset[str]]]]] = {
    "/api/v1/matches/{id}/transition/": [
        ("counsellor", Match.COUNSELLOR_TRANSITIONS),
        ("employer (its own vacancies' matches)", Match.EMPLOYER_TRANSITIONS),
    ],
    "/api/v1/participants/{id}/transition/": [("counsellor", Participant.TRANSITIONS)],
    "/api/v1/vacancies/{id}/transition/": [
        ("its employer or a counsellor of its municipality", Vacancy.TRANSITIONS)
    ],
    "/api/v1/enrolments/{id}/transition/": [("counsellor", Enrolment.TRANSITIONS)],
}


def _roles_text(capability: Capability | str | None) -> str:
    if capability == PUBLIC:
        return "**Roles:** anyone, without authentication."
    if capability == AUTHENTICATED:
        return "**Roles:** every authenticated user."
    if capability is None:
        return "**Roles:** none (the operation refuses everyone)."
    roles = ", ".join(role.value for role in roles_with(Capability(capability)))
    return f"**Roles:** {roles}; any other role answers 403."


def _transitions_text(path: str) -> str:
    lines = []
    for who, table in TRANSITION_TABLES.get(path, []):
        moves = "; ".join(
            f"`{source}` → {', '.join(f'`{target}`' for target in sorted(targets))}"
            for source, targets in table.items()
            if targets
        )
        lines.append(f"- {who}: {moves}")
    return "**Who may move it to which status:**\n" + "\n".join(lines) if lines else ""


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable error code, e.g. not_found")
    detail = serializers.CharField(help_text="Human-readable explanation")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Validation errors by field (nested fields dotted); only with validation_error",
    )
    error_codes = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="A machine code per message of `errors`, by the same fields: `does_not_exist` "
        "where the field names an object you may not read (missing or out of your scope alike), "
        "else the validator's code (`required`, `invalid`, `null`, `max_length`, …)",
    )

    class Meta:
        ref_name = "Error"


_DESCRIPTIONS = {
    "400": "Invalid input (validation_error, parse_error)",
    "401": "Not authenticated (not_authenticated, authentication_failed)",
    "403": "Your role may not use this (permission_denied)",
    "404": "Not found, or outside your scope (not_found)",
    "405": "Method not allowed (method_not_allowed)",
    "406": "Not acceptable (not_acceptable)",
    "409": "Conflict with the current state (invalid_transition, consent_required, "
    "duplicate_identity_code, request_in_progress, …)",
    "412": "If-Match is stale (precondition_failed)",
    "415": "Unsupported media type; send application/json (unsupported_media_type)",
    "422": "Idempotency-Key reused with another body (idempotency_key_reused)",
    "428": "If-Match is required (precondition_required)",
    "429": "Too many requests (throttled, locked_out)",
}


class PolkuAutoSchema(AutoSchema):
    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        """Each operation's own summary and description (``api.operations`` for views that do
        not declare them), then the roles allowed and, for transitions, who may move what."""
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        entry = OPERATIONS.get((self.method.upper(), self.path))
        if entry is not None:
            operation.setdefault("summary", entry[0])
            operation["description"] = entry[1]
        parts = [
            operation.get("description", "").strip(),
            _roles_text(required_capability(self.view, self.method.upper())),
            _transitions_text(self.path),
        ]
        operation["description"] = "\n\n".join(part for part in parts if part)
        return operation

    def _map_serializer_field(
        self, field: Any, direction: Any, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.ChoiceField) and "x-spec-enum-id" in schema:
            # drf-spectacular names an enumeration by a hash of its values *and labels*; the
            # labels follow the language (ADR 21), the names must not: hash the English ones
            # (and name them with the English ENUM_NAME_OVERRIDES, postprocess_schema_enums).
            with translation.override("en"):
                schema["x-spec-enum-id"] = list_hash(
                    [(k, str(v)) for k, v in field.choices.items() if k not in ("", None)]
                )
        return schema

    def _error_codes(self) -> list[str]:
        method = self.method.upper()
        capability = required_capability(self.view, method)
        codes = ["400", "405", "406"]
        if capability != PUBLIC:
            codes += ["401", "403"]
        if "{" in self.path or method == "GET":
            codes.append("404")  # outside your scope, or a page past the last one
        if method in ("POST", "PATCH"):
            codes += ["409", "415"]
        if method == "POST":
            codes.append("422")
        if method == "PATCH" or (method == "POST" and "{" in self.path):
            codes.append("412")
        if method == "PATCH":
            codes.append("428")
        codes.append("429")
        return codes

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = _DESCRIPTIONS[code]
                responses[code] = response
        for code, response in responses.items():
            if code in ("200", "201") and "{" in self.path or (code == "201"):
                response.setdefault("headers", {})["ETag"] = {
                    "schema": {"type": "string"},
                    "description": 'The version of the resource, e.g. "3"',
                }
        return responses

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        method = self.method.upper()
        if method == "PATCH" or (method == "POST" and "{" in self.path):
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    str,
                    OpenApiParameter.HEADER,
                    required=method == "PATCH",
                    description='The ETag you read, e.g. "3". Required on PATCH.',
                )
            )
        if method == "POST":
            parameters.append(
                OpenApiParameter(
                    "Idempotency-Key",
                    str,
                    OpenApiParameter.HEADER,
                    required=False,
                    description="Retry-safe key: the same key and body replay the first answer "
                    "for 24 hours; another body answers 422.",
                )
            )
        return parameters


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "http", "scheme": "bearer", "description": "POST /api/v1/auth/token/"}


def postprocess_schema_enums(result: Any, generator: Any, **kwargs: Any) -> Any:
    """drf-spectacular's enum naming, with ENUM_NAME_OVERRIDES hashed in English like the
    enumerations themselves: a schema asked for in Finnish names its enums as in English."""
    with translation.override("en"):
        return spectacular_enums(result, generator, **kwargs)
