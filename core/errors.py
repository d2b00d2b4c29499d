"""Domain errors raised by services and selectors.

The API layer maps each to one HTTP status and the error envelope of docs/api.md; services and
selectors know nothing of HTTP. Every error carries a stable machine ``code``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class PolkuError(Exception):
    code = "error"
    default_detail = _("The request could not be completed.")

    def __init__(self, detail: Any = None, *, code: str | None = None) -> None:
        self.detail = detail or self.default_detail
        if code:
            self.code = code
        super().__init__(self.detail)


class NotFound(PolkuError):
    """Missing and out-of-scope both raise this, so existence is never revealed."""

    code = "not_found"
    default_detail = _("Not found.")


class PermissionDenied(PolkuError):
    """The role may never use this resource or action."""

    code = "permission_denied"
    default_detail = _("You do not have permission to perform this action.")


class ValidationFailed(PolkuError):
    """Bad input: ``errors`` maps a field (dotted for nested ones) to its messages."""

    code = "validation_error"
    default_detail = _("Invalid input.")

    def __init__(
        self,
        errors: dict[str, list[Any]] | None = None,
        detail: Any = None,
        *,
        codes: dict[str, list[str]] | None = None,
    ) -> None:
        self.errors = errors or {}
        #: Machine codes per field (``does_not_exist`` …); ``invalid`` where none is given.
        self.codes = codes or {}
        super().__init__(detail)

    @classmethod
    def single(cls, field: str, message: Any, code: str = "invalid") -> ValidationFailed:
        return cls({field: [message]}, codes={field: [code]})


#: The machine code of a field that names an object the caller may not read (DESIGN.md §3).
DOES_NOT_EXIST = "does_not_exist"


def error_codes(errors: dict[str, list[Any]], codes: dict[str, list[str]]) -> dict[str, list[str]]:
    """One machine code per message of ``errors`` (``invalid`` where none is known)."""
    return {
        field: list(codes.get(field, [])[: len(messages)])
        + ["invalid"] * max(0, len(messages) - len(codes.get(field, [])))
        for field, messages in errors.items()
    }


class Conflict(PolkuError):
    """A rule about the state of the data refused the change (HTTP 409)."""

    code = "conflict"
    default_detail = _("The request conflicts with the current state.")


class ConflictWithErrors(Conflict):
    """A state rule refused the change for reasons per field (409 with ``errors``)."""

    def __init__(self, errors: dict[str, list[str]], detail: str | None = None, *, code: str):
        self.errors = errors
        super().__init__(detail, code=code)


class InvalidTransition(Conflict):
    code = "invalid_transition"
    default_detail = _("That status change is not allowed.")


class ConsentRequired(Conflict):
    code = "consent_required"
    default_detail = _("The participant has no valid consent for this disclosure.")


class DuplicateIdentityCode(Conflict):
    code = "duplicate_identity_code"
    default_detail = _("A participant with this personal identity code already exists.")


class ParticipantUnavailable(Conflict):
    """A hire of a participant who is no longer active or job seeking (the detail names no
    status: an employer reads it)."""

    code = "participant_unavailable"
    default_detail = "The candidate is no longer available for hire."


class PreconditionFailed(PolkuError):
    """The caller's version (If-Match) is stale (HTTP 412)."""

    code = "precondition_failed"
    default_detail = _("The resource has changed since you read it.")


def error_payload(error: PolkuError) -> dict[str, Any]:
    """The envelope in the active language (details may be lazy translations until now)."""
    payload: dict[str, Any] = {"code": error.code, "detail": str(error.detail)}
    if isinstance(error, ValidationFailed | ConflictWithErrors):
        payload["errors"] = {
            field: [str(message) for message in messages]
            for field, messages in error.errors.items()
        }
        payload["error_codes"] = error_codes(error.errors, getattr(error, "codes", {}))
    return payload
