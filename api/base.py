"""What every Polku API view shares: deny-by-default capabilities, the check order of
docs/access.md (401 → 403 → 404 → 415/406 → 428/412 → 400 → 409 → 422), ETag / If-Match,
Idempotency-Key on POST, the read-access log as each view declares it (core.read_log), and no
PUT or DELETE."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from typing import Any

import orjson
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions, status, viewsets
from rest_framework.metadata import BaseMetadata
from rest_framework.request import Request
from rest_framework.response import Response

from api.errors import PolkuAPIException
from api.models import IdempotencyRecord
from api.parsers import contains_nul
from api.permissions import allows, required_capability
from casework.access import roles_of
from core.read_log import Declaration, Declarations, ReadLog, declared, write, write_all

_IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d+)"?\s*$')


class _Replay(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


class PolkuViewMixin:
    """Mixed into every API view."""

    http_method_names: Sequence[str] = ["get", "post", "patch", "head", "options"]
    #: OPTIONS answers 405: the OpenAPI schema is where clients learn what a route takes.
    metadata_class: str | type[BaseMetadata] | None = None
    _idempotency_record: IdempotencyRecord | None = None
    _shown: tuple[ReadLog, Any, str | None] | None = None
    required_capabilities: dict[str, Any] = {}
    action_capabilities: dict[str, Any] = {}
    #: What each action (or HTTP method) writes to the read-access log: a ``ReadLog``,
    #: ``NO_PERSONAL_DATA`` or ``WRITE_ANSWER`` (core.read_log). Every read declares one.
    read_log: Declarations = {}
    #: Whether a POST honours ``Idempotency-Key`` (docs/api.md). The token endpoint opts out:
    #: it answers with a secret, which a replay would have to keep.
    idempotent = True

    # Check order -------------------------------------------------------------------------------

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if contains_nul(request.path):
            raise exceptions.ValidationError({"path": [_("NUL characters are not allowed.")]})
        for name, value in request.META.items():
            if name.startswith("HTTP_") and contains_nul(value):
                header = name.removeprefix("HTTP_").replace("_", "-").title()
                raise exceptions.ValidationError({header: [_("NUL characters are not allowed.")]})
        for key, values in request.query_params.lists():
            if contains_nul(key) or any(contains_nul(value) for value in values):
                raise exceptions.ValidationError({key: [_("NUL characters are not allowed.")]})
        self._check_query_parameters(request)
        if (
            request.method == "POST"
            and request.headers.get("Idempotency-Key")
            and self.idempotent
            and request.user.is_authenticated
        ):
            self._idempotency_begin(request)

    def _check_query_parameters(self, request: Any) -> None:
        """A page number or size that is not a positive whole number, or a declared filter sent
        empty (``?participant=``), answers 400 rather than being ignored."""
        filterset = getattr(self, "filterset_class", None)
        filters = set(filterset.base_filters) if filterset is not None else set()
        errors: dict[str, list[str]] = {}
        for key, values in request.query_params.lists():
            if key in self.PAGINATION_PARAMETERS:
                if not all(v.isascii() and v.isdecimal() and v.strip("0") for v in values):
                    errors[key] = [_("Give a positive whole number.")]
            elif key in filters and any(not value.strip() for value in values):
                errors[key] = [_("This filter may not be empty.")]
        if errors:
            raise exceptions.ValidationError(errors)

    def request_body(self, request: Any) -> dict[str, Any]:
        """The parsed JSON object body (415 for another media type, 400 if not an object)."""
        body_error = getattr(self, "_body_error", None)
        if body_error is not None:
            raise body_error
        data = request.data
        if not isinstance(data, dict):
            raise exceptions.ValidationError({"non_field_errors": [_("Send a JSON object.")]})
        return data

    def ensure_media_type(self, request: Any) -> None:
        """415 before 428/412: only look at the media type, do not parse yet."""
        if request.content_type and request.stream is not None:
            media = request.content_type.split(";")[0].strip().lower()
            if media not in ("application/json", ""):
                raise exceptions.UnsupportedMediaType(media)

    def expected_version(self, request: Any, obj: Any, *, required: bool) -> int | None:
        """``If-Match`` → the version the client read. Missing or ``*`` on a PATCH answers 428;
        a stale or malformed one 412, before anything is validated or changed."""
        self.ensure_media_type(request)
        header = request.headers.get("If-Match")
        if header is None or header.strip() == "*":
            if required:
                raise PolkuAPIException(
                    428, "precondition_required", _("Send If-Match with the ETag you read.")
                )
            return None
        match = _IF_MATCH.match(header)
        if not match or int(match.group(1)) != obj.version:
            raise PolkuAPIException(
                412, "precondition_failed", _("The resource has changed since you read it.")
            )
        return int(match.group(1))

    # Idempotency -------------------------------------------------------------------------------

    def _idempotency_begin(self, request: Any) -> None:
        key = request.headers["Idempotency-Key"].strip()[:255]
        try:
            data = request.data
        except (exceptions.ParseError, exceptions.UnsupportedMediaType) as error:
            # The view answers 400 or 415 in its turn (after 404); nothing is recorded. DRF
            # leaves an empty body behind a failed parse, so keep the error to raise it again.
            self._body_error = error
            return
        body_hash = hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS)).hexdigest()
        path = request.path[:500]
        cutoff = timezone.now() - settings.POLKU_IDEMPOTENCY_WINDOW
        IdempotencyRecord.objects.filter(
            user=request.user, key=key, path=path, created_at__lt=cutoff
        ).delete()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=request.user,
                    key=key,
                    path=path,
                    body_hash=body_hash,
                    created_at=timezone.now(),
                )
        except IntegrityError:
            record = IdempotencyRecord.objects.get(user=request.user, key=key, path=path)
            if record.body_hash != body_hash:
                raise PolkuAPIException(
                    422,
                    "idempotency_key_reused",
                    _("This Idempotency-Key was used with another body."),
                ) from None
            if record.state == IdempotencyRecord.State.IN_PROGRESS:
                raise PolkuAPIException(
                    409,
                    "request_in_progress",
                    _("The first request with this key is still running."),
                ) from None
            raise _Replay(self._replay(request, record)) from None
        self._idempotency_record = record

    def _replay(self, request: Any, record: IdempotencyRecord) -> Response:
        """The first answer's status with the resource as the caller may see it *now*: re-read
        through the view's own ``retrieve`` (scoped, access-logged, consent applied). A stored
        body would disclose what withdrawn consent or a lost right hides since, and would keep
        personal data in the key table; so none is stored (ADR 8)."""
        reread = self.reread(request, record.resource_id) if record.resource_id else None
        replay = reread if reread is not None else Response(status=record.response_status)
        replay.status_code = record.response_status or status.HTTP_200_OK
        for name, value in (record.response_headers or {}).items():
            if name != "ETag":  # the re-read's own ETag is the current version
                replay[name] = value
        replay["Idempotent-Replayed"] = "true"
        return replay

    def reread(self, request: Any, resource_id: str) -> Response | None:
        """The resource a POST answered with, read again for a replay: by default through the
        view's own ``retrieve`` (a create, or an action on the resource itself). A view whose
        POST answers with another kind of resource reads it its own way."""
        retrieve = getattr(self, "retrieve", None)
        if retrieve is None:
            return None
        self.action = "retrieve"
        self._rereading = True  # the re-read is logged as the read it is
        # The POST's capability was checked; a read needs the read's (today every role that
        # may write a resource may read it, so this only guards against a future role).
        if not allows(required_capability(self, "GET"), request.user):
            raise exceptions.PermissionDenied()
        return retrieve(request, id=resource_id)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)  # type: ignore[misc]

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        # Answers may carry personal data (and every one names what the caller may see): no
        # shared or browser cache keeps them.
        response["Cache-Control"] = "no-store"
        if response.status_code == 201 and not response.has_header("Location"):
            response["Location"] = self.location_of(request, getattr(response, "data", None))
        if 200 <= response.status_code < 300:
            self._write_read_log(request)
        record = getattr(self, "_idempotency_record", None)
        if record is not None:
            self._idempotency_record = None
            if 200 <= response.status_code < 300:
                data = getattr(response, "data", None)
                record.state = IdempotencyRecord.State.DONE
                record.response_status = response.status_code
                record.resource_id = (
                    str(data["id"])[:64] if isinstance(data, dict) and data.get("id") else None
                )
                record.response_headers = {
                    name: response[name] for name in ("Location",) if response.has_header(name)
                }
                record.save(
                    update_fields=["state", "response_status", "resource_id", "response_headers"]
                )
            else:
                record.delete()
        return response

    #: For a 201 of a custom action: the route name of the created resource's detail, when the
    #: created resource is not this view's own kind (e.g. ``{"consents": "api:consent-detail"}``).
    created_routes: dict[str, str] = {}

    def location_of(self, request: Any, data: Any) -> str:
        """``Location`` of a 201: the created resource's detail route where there is one, else
        the collection it was added to (the request's own path)."""
        identifier = data.get("id") if isinstance(data, dict) else None
        basename = getattr(self, "basename", None)
        action = getattr(self, "action", None)
        route = self.created_routes.get(action or "") or (
            f"api:{basename}-detail" if action == "create" and basename else None
        )
        if identifier and route:
            try:
                return reverse(route, kwargs={"id": identifier})
            except NoReverseMatch:
                pass
        return str(request.path)

    # Helpers -----------------------------------------------------------------------------------

    PAGINATION_PARAMETERS = frozenset({"page", "page_size"})

    def filter_queryset(self, queryset: Any) -> Any:
        """Run the filter backends only when the request carries a filter or an ordering: building
        a FilterSet costs a measurable share of a list request (bench/api.py)."""
        if set(self.request.query_params) <= self.PAGINATION_PARAMETERS:  # type: ignore[attr-defined]
            return queryset
        return super().filter_queryset(queryset)  # type: ignore[misc]

    def with_etag(self, response: Response, obj: Any) -> Response:
        response["ETag"] = f'"{obj.version}"'
        return response

    # Read-access log ---------------------------------------------------------------------------

    def read_log_declaration(self, method: str) -> Declaration | None:
        """What this view declares for ``method`` of its current action (None: nothing)."""
        return declared(self.read_log, getattr(self, "action", None), method)

    def shown(
        self, records: Iterable[Any], *, role: str | None = None, read: ReadLog | None = None
    ) -> None:
        """Report the records this answer shows. When the action declares a ``ReadLog`` (or
        ``read`` names one), the base view appends one access-log event naming the participant
        of each record once the answer succeeds; for ``NO_PERSONAL_DATA`` or ``WRITE_ANSWER``
        nothing is written. ``role`` fixes the label (an employer reading a candidate)."""
        request: Request = self.request  # type: ignore[attr-defined]  # the view's, once mixed in
        method = "GET" if getattr(self, "_rereading", False) else request.method or "GET"
        declaration = read or self.read_log_declaration("GET" if method == "HEAD" else method)
        if declaration is None:
            raise ImproperlyConfigured(
                f"{type(self).__name__}.{getattr(self, 'action', None) or method} declares "
                "nothing in read_log (docs/access.md)"
            )
        if isinstance(declaration, ReadLog):
            subjects = [declaration.subject(record) for record in records]
            self._shown = (declaration, subjects, role)
        self._reported = True

    def shown_all(self, queryset: Any, *, read: ReadLog, role: str | None = None) -> None:
        """Report that the answer shows every participant of ``queryset`` (a Participant
        queryset, scoped and filtered: an export); the event is written in one statement."""
        self._shown = (read, queryset, role)
        self._reported = True

    def shown_no_personal_data(self) -> None:
        """This answer of a logged action shows nobody's personal data (an employer's match
        without a candidate): no event."""
        self._shown = None
        self._reported = True

    def _write_read_log(self, request: Any) -> None:
        shown = self._shown
        if shown is None:
            method = "GET" if request.method == "HEAD" else request.method
            if not getattr(self, "_reported", False) and isinstance(
                self.read_log_declaration(method), ReadLog
            ):
                raise ImproperlyConfigured(
                    f"{type(self).__name__}.{getattr(self, 'action', None) or method} declares a "
                    "ReadLog but never reported what it showed (call self.shown)"
                )
            return
        self._shown = None
        declaration, subjects, role = shown
        roles = roles_of(request.user)
        if isinstance(subjects, list):
            write(
                user=request.user,
                roles=roles,
                declaration=declaration,
                subjects=subjects,
                role=role,
            )
        else:
            write_all(
                user=request.user,
                roles=roles,
                declaration=declaration,
                queryset=subjects,
                role=role,
            )


class PolkuViewSet(PolkuViewMixin, viewsets.GenericViewSet):
    lookup_field = "uuid"
    lookup_url_kwarg = "id"

    def created(self, data: Any, obj: Any) -> Response:
        return self.with_etag(Response(data, status=status.HTTP_201_CREATED), obj)

    def ok(self, data: Any, obj: Any) -> Response:
        return self.with_etag(Response(data), obj)
