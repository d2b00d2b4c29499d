"""``POST /api/v1/imports/participants/`` (docs/domain.md#data-lifecycle): a counsellor uploads a CSV or XLSX of
participants for one of their municipalities; a dry run by default."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from api.base import PolkuViewMixin
from api.errors import PolkuAPIException
from api.fields import municipality_for_create
from api.lifecycle import import_files, importer
from api.schema import ErrorSerializer
from casework.access import counsellor_municipality_ids
from core.access import Capability
from core.errors import ValidationFailed

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV (UTF-8, comma or semicolon) or XLSX, ≤ 5 MB")
    municipality = serializers.CharField(help_text="One of your municipalities, by code")
    dry_run = serializers.BooleanField(
        required=False, default=True, help_text="true (default): report, write nothing"
    )


class ImportRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Row number as the spreadsheet shows it (header 1)")
    field = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()


class ImportDuplicateSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    participant = serializers.UUIDField(allow_null=True)
    reason = serializers.ChoiceField(
        choices=[
            ("same_name_and_date_of_birth", "same names and date of birth"),
            ("duplicate_row_in_file", "the same person on an earlier row"),
        ]
    )


class ImportReportSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = ImportRowErrorSerializer(many=True)
    possible_duplicates = ImportDuplicateSerializer(many=True)


def _dry_run(value: Any) -> bool:
    text = str(value if value is not None else "true").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValidationFailed.single("dry_run", gettext("Use true or false."))


class ParticipantImportView(PolkuViewMixin, GenericAPIView):
    """The participant import. ``Idempotency-Key`` is not honoured here: the body is a file
    (no canonical JSON to compare), and the import is idempotent by itself — the same file a
    second time changes nothing."""

    required_capabilities = {"POST": Capability.PARTICIPANT_WRITE}
    http_method_names = ["post", "head", "options"]
    parser_classes = [MultiPartParser, FormParser]
    idempotent = False

    @extend_schema(
        summary="Import participants from a CSV or XLSX file",
        description="Counsellors, for one of their municipalities. Columns: the participant "
        "fields (first_name, last_name, date_of_birth, personal_identity_code, gender, …, "
        "counsellor as a username) and optional external_id. A row updates the participant "
        "with the same identity code or external_id in your municipalities, else creates one. "
        "dry_run (default true) reports without writing. All or nothing: with any row error "
        "nothing is written and the answer is 400 (import_rejected): the error envelope with "
        "errors per rows.<row>.<column> and the whole report under report; an identity "
        "code held outside your municipalities is a row error that does not say where. At most "
        "10,000 rows and 5 MB (413 beyond). Every created or updated participant gets one "
        "history row naming the file. Other roles 403.",
        request={"multipart/form-data": ImportRequestSerializer},
        responses={
            200: ImportReportSerializer,
            413: OpenApiResponse(
                ErrorSerializer,
                description="More than 5 MB or 10,000 rows, or a workbook that expands too far "
                "(payload_too_large)",
            ),
            415: OpenApiResponse(
                ErrorSerializer, description="Send multipart/form-data (unsupported_media_type)"
            ),
        },
    )
    def post(self, request: Any) -> Response:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > import_files.MAX_BYTES + 64 * 1024:
            raise PolkuAPIException(
                413, "payload_too_large", gettext("A file may be at most 5 MB.")
            )
        upload = request.data.get("file")
        if upload is None or not hasattr(upload, "read"):
            raise ValidationFailed.single("file", gettext("Attach the file as “file”."))
        dry_run = _dry_run(request.data.get("dry_run"))
        municipality = municipality_for_create(
            request.data.get("municipality"), counsellor_municipality_ids(request.user)
        )
        if upload.size > import_files.MAX_BYTES:
            raise PolkuAPIException(
                413, "payload_too_large", gettext("A file may be at most 5 MB.")
            )
        try:
            report = importer.import_participants(
                actor=request.user,
                municipality=municipality,
                content=upload.read(),
                filename=str(upload.name or "upload")[:80],
                dry_run=dry_run,
            )
        except import_files.FileRejected as rejected:
            if rejected.too_large:
                raise PolkuAPIException(413, "payload_too_large", rejected.message) from None
            raise ValidationFailed.single("file", rejected.message) from None
        if report.errors:
            errors: dict[str, list[str]] = {}
            for error in report.errors:
                key = f"rows.{error['row']}.{error['field']}".rstrip(".")
                errors.setdefault(key, []).append(error["message"])
            return Response(
                {
                    "code": "import_rejected",
                    "detail": gettext("Rows have errors; nothing was imported."),
                    "errors": errors,
                    "report": report.as_dict(),
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(report.as_dict())
