"""Writes for participants and everything attached to them, employers, vacancies, matches and
outcomes. Each service takes the actor explicitly, owns its transaction, validates the domain
rules and records one history row per changed record with a reason (core.audit)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import language_levels
from assessments.models import LicenceType
from assessments.services import occupation_unit_group
from casework import business_ids, duplicates, identity_codes, matching
from casework.access import counsellor_municipality_ids
from casework.models import (
    CaseNote,
    Consent,
    Employer,
    EmployerMembership,
    Match,
    Outcome,
    Participant,
    ParticipantCover,
    Vacancy,
    VacancyLicenceRequirement,
    consent_valid_on_q,
)
from core import audit, crypto, iso_codes
from core.access import grant_object_permission, revoke_object_permission
from core.access_cache import invalidate_access
from core.errors import (
    Conflict,
    ConsentRequired,
    DuplicateIdentityCode,
    InvalidTransition,
    ParticipantUnavailable,
    PermissionDenied,
    ValidationFailed,
)
from core.validation import Errors, today, validate_fields

_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{4,24}$")

# Participants -------------------------------------------------------------------------------------

PARTICIPANT_EDITABLE = (
    "first_name",
    "last_name",
    "date_of_birth",
    "gender",
    "native_language",
    "citizenship",
    "arrival_date",
    "education_level",
    "labour_market_status",
    "phone",
    "email",
    "available_from",
    "enrolled_on",
    "counsellor",
    "external_id",
    "first_permit_on",
    "job_seeker_since",
    "service_language",
    "interpreter_language",
)


def _validate_participant(
    participant: Participant, identity: identity_codes.IdentityCode | None
) -> None:
    errors = Errors()
    for field in ("first_name", "last_name"):
        if not (getattr(participant, field) or "").strip():
            errors.add(field, _("This field may not be blank."))
    born = participant.date_of_birth
    if born is not None:
        if born > today():
            errors.add("date_of_birth", _("The date of birth cannot be in the future."))
        elif born < datetime.date(1900, 1, 1):
            errors.add("date_of_birth", _("The date of birth is before 1900."))
    if identity is not None and born is not None and identity.date_of_birth != born:
        errors.add(
            "personal_identity_code", _("The identity code does not agree with date_of_birth.")
        )
    if participant.native_language and not iso_codes.is_language(participant.native_language):
        errors.add(
            "native_language", _("Use ISO 639-1, or ISO 639-3 where there is no 639-1 code.")
        )
    if participant.citizenship and not iso_codes.is_country(participant.citizenship):
        errors.add("citizenship", _("Use an ISO 3166 alpha-2 country code (XX for stateless)."))
    if participant.education_level is not None and not 0 <= participant.education_level <= 8:
        errors.add("education_level", _("The ISCED level is 0–8."))
    errors.not_in_future("arrival_date", participant.arrival_date)
    if participant.arrival_date and born and participant.arrival_date < born:
        errors.add("arrival_date", _("The arrival date cannot precede the date of birth."))
    errors.not_in_future("enrolled_on", participant.enrolled_on)
    if participant.enrolled_on and born and participant.enrolled_on < born:
        errors.add("enrolled_on", _("The enrolment cannot precede the date of birth."))
    for field in ("first_permit_on", "job_seeker_since"):
        errors.not_in_future(field, getattr(participant, field))
        if getattr(participant, field) and born and getattr(participant, field) < born:
            errors.add(field, _("The date cannot precede the date of birth."))
    language = participant.interpreter_language
    if language is not None and not iso_codes.is_language(language):
        errors.add(
            "interpreter_language", _("Use ISO 639-1, or ISO 639-3 where there is no 639-1 code.")
        )
    if participant.phone and not _PHONE.match(participant.phone):
        errors.add("phone", _("Enter a phone number, e.g. +358 40 123 4567."))
    if participant.email:
        try:
            validate_email(participant.email)
        except DjangoValidationError:
            errors.add("email", _("Enter a valid email address."))
    errors.raise_if_any()
    validate_fields(
        participant,
        exclude=[
            "municipality",
            "counsellor",
            "identity_code_encrypted",
            "identity_code_hash",
            "email",
        ],
    )


def _parse_identity_code(value: str | None) -> identity_codes.IdentityCode | None:
    if not value:
        return None
    try:
        return identity_codes.parse(value)
    except identity_codes.InvalidIdentityCode as error:
        raise ValidationFailed.single("personal_identity_code", str(error)) from None


def _store_identity_code(
    participant: Participant, identity: identity_codes.IdentityCode | None
) -> None:
    if identity is None:
        participant.identity_code_encrypted = ""
        participant.identity_code_hash = None
        participant.identity_code_is_temporary = False
        return
    participant.identity_code_encrypted = crypto.encrypt(identity.value)
    participant.identity_code_hash = crypto.keyed_hash(identity.value)
    participant.identity_code_is_temporary = identity.is_temporary


def _store_duplicate_key(participant: Participant) -> None:
    """Keep the possible-duplicate key in step with the names and date of birth."""
    participant.duplicate_key = duplicates.duplicate_key(
        participant.first_name, participant.last_name, participant.date_of_birth
    )


def _check_identity_unique(
    identity: identity_codes.IdentityCode | None, exclude_pk: int | None
) -> None:
    if identity is None:
        return
    clash = Participant.objects.filter(identity_code_hash=crypto.keyed_hash(identity.value))
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise DuplicateIdentityCode()


def _check_counsellor(counsellor: Any, municipality_id: int) -> None:
    if counsellor is None:
        return
    if municipality_id not in counsellor_municipality_ids(counsellor):
        raise ValidationFailed.single(  # as for an unknown username: no probing staff names
            "counsellor", _("Object does not exist."), code="does_not_exist"
        )


def participant_create(
    *,
    actor: Any,
    municipality: Any,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date,
    gender: str,
    labour_market_status: str,
    personal_identity_code: str | None = None,
    native_language: str = "",
    citizenship: str = "",
    arrival_date: datetime.date | None = None,
    education_level: int | None = None,
    phone: str = "",
    email: str = "",
    available_from: datetime.date | None = None,
    enrolled_on: datetime.date | None = None,
    counsellor: Any = None,
    external_id: str | None = None,
    first_permit_on: datetime.date | None = None,
    job_seeker_since: datetime.date | None = None,
    service_language: str = Participant.ServiceLanguage.FINNISH,
    interpreter_language: str | None = None,
    reason: str = "participant created",
) -> Participant:
    """Create a participant in ``referred`` status (enrolled today unless told otherwise).

    The identity code is validated, must agree with the date of birth, is stored encrypted
    beside its keyed hash, and a second participant with the same code answers
    ``duplicate_identity_code`` without saying where the first one is."""
    identity = _parse_identity_code(personal_identity_code)
    enrolled = enrolled_on or today()
    participant = Participant(
        municipality=municipality,
        first_name=(first_name or "").strip(),
        last_name=(last_name or "").strip(),
        date_of_birth=date_of_birth,
        gender=gender,
        labour_market_status=labour_market_status,
        native_language=native_language or "",
        citizenship=(citizenship or "").upper(),
        arrival_date=arrival_date,
        education_level=education_level,
        phone=phone or "",
        email=email or "",
        available_from=available_from,
        enrolled_on=enrolled,
        status=Participant.Status.REFERRED,
        status_changed_on=enrolled,
        counsellor=counsellor,
        external_id=external_id or None,
        first_permit_on=first_permit_on,
        job_seeker_since=job_seeker_since,
        service_language=service_language or Participant.ServiceLanguage.FINNISH,
        interpreter_language=interpreter_language or None,
    )
    _validate_participant(participant, identity)
    _check_counsellor(counsellor, municipality.pk)
    _store_identity_code(participant, identity)
    _store_duplicate_key(participant)
    with transaction.atomic():
        _check_identity_unique(identity, None)
        try:
            with transaction.atomic():
                return audit.create(participant, actor=actor, reason=reason)
        except IntegrityError:
            if identity is not None:
                raise DuplicateIdentityCode() from None
            raise


def participant_update(
    *,
    actor: Any,
    participant: Participant,
    data: dict[str, Any],
    expected_version: int | None = None,
    reason: str = "participant details changed",
    locked: bool = False,
) -> Participant:
    """Change a participant's details (not status, municipality or version: those are the
    server's). A change that changes nothing leaves the version alone. ``locked``: the caller
    read ``participant`` under its row lock in the transaction it runs in (the PATCH view), so
    it is not read again."""
    with transaction.atomic():
        if not locked:
            participant = Participant.objects.get(pk=participant.pk)
        audit.check_version(participant, expected_version)
        values = {k: v for k, v in data.items() if k in PARTICIPANT_EDITABLE}
        for key in ("first_name", "last_name"):
            if isinstance(values.get(key), str):
                values[key] = values[key].strip()
        if "citizenship" in values and values["citizenship"]:
            values["citizenship"] = values["citizenship"].upper()
        if "interpreter_language" in values:
            values["interpreter_language"] = values["interpreter_language"] or None
        if values.get("service_language", "") is None:
            values["service_language"] = Participant.ServiceLanguage.FINNISH
        for key in ("native_language", "citizenship", "phone", "email"):
            if key in values and values[key] is None:
                values[key] = ""
        if "external_id" in values:
            values["external_id"] = values["external_id"] or None
        changed = audit.apply_changes(participant, values)
        identity = None
        if "personal_identity_code" in data:
            new_code = data["personal_identity_code"] or None
            identity = _parse_identity_code(new_code)
            new_hash = crypto.keyed_hash(identity.value) if identity else None
            if new_hash != participant.identity_code_hash:
                _store_identity_code(participant, identity)
                changed.append("identity_code_hash")
        elif participant.identity_code_hash and "date_of_birth" in changed:
            identity = identity_codes.parse(crypto.decrypt(participant.identity_code_encrypted))
        if not changed:
            return participant
        _validate_participant(participant, identity)
        _store_duplicate_key(participant)
        if "counsellor" in changed:
            _check_counsellor(participant.counsellor, participant.municipality_id)
        if "identity_code_hash" in changed:
            _check_identity_unique(identity, participant.pk)
        try:
            with transaction.atomic():
                return audit.save_changes(
                    participant, actor=actor, reason=reason, expected_version=expected_version
                )
        except IntegrityError:
            raise DuplicateIdentityCode() from None


def participant_identity_code(participant: Participant) -> str | None:
    """The full identity code, decrypted (for the data subject's export only)."""
    if not participant.identity_code_encrypted:
        return None
    return crypto.decrypt(participant.identity_code_encrypted)


def participant_transition(
    *,
    actor: Any,
    participant: Participant,
    to: str,
    on: datetime.date | None = None,
    reason: str = "",
    exit_reason: str = "",
    expected_version: int | None = None,
) -> Participant:
    """Move a participant along the lifecycle of docs/domain.md. ``on`` may not be in the future
    nor before the previous change; ``exited`` is final and needs an ``exit_reason``."""
    if to not in Participant.Status.values:
        raise ValidationFailed.single("to", _("Unknown status %(status)s.") % {"status": repr(to)})
    on = on or today()
    with transaction.atomic():
        participant = Participant.objects.get(pk=participant.pk)
        audit.check_version(participant, expected_version)
        errors = Errors()
        errors.not_in_future("on", on)
        if on < participant.status_changed_on:
            errors.add(
                "on",
                _("The date cannot be before the previous change (%(date)s).")
                % {"date": participant.status_changed_on},
            )
        if to == Participant.Status.EXITED:
            if not exit_reason:
                errors.add("exit_reason", _("An exit needs an exit_reason."))
            elif exit_reason not in Participant.ExitReason.values:
                errors.add(
                    "exit_reason",
                    _("Unknown exit reason %(value)s.") % {"value": repr(exit_reason)},
                )
        elif exit_reason:
            errors.add("exit_reason", _("Only an exit takes an exit_reason."))
        errors.raise_if_any()
        if to not in Participant.TRANSITIONS[participant.status]:
            raise InvalidTransition(
                _("A participant cannot move from %(from)s to %(to)s.")
                % {"from": participant.status, "to": to}
            )
        participant.status = to
        participant.status_changed_on = on
        if to == Participant.Status.EXITED:
            participant.exited_on = on
            participant.exit_reason = exit_reason
        return audit.save_changes(participant, actor=actor, reason=reason or f"status {to}")


def participant_cover_grant(
    *,
    actor: Any,
    participant: Participant,
    user: Any,
    ends_on: datetime.date | None = None,
    reason: str = "",
) -> ParticipantCover:
    """Let ``user`` (a counsellor colleague) act on one participant outside their
    municipalities until ``ends_on`` (inclusive). The cover lapses on its own after that day:
    the access layer reads only covers whose ``ends_on`` has not passed (docs/access.md)."""
    errors = Errors()
    if ends_on is not None and ends_on < today():
        errors.add("ends_on", _("The cover cannot end in the past."))
    if not getattr(user, "is_active", False) or not counsellor_municipality_ids(user):
        errors.add("user", _("A cover can only be given to a counsellor."))
    errors.raise_if_any()
    with transaction.atomic():
        cover = audit.create(
            ParticipantCover(
                participant=participant,
                municipality_id=participant.municipality_id,
                user=user,
                ends_on=ends_on,
            ),
            actor=actor,
            reason=reason or "covering a colleague's participant",
        )
        grant_object_permission("casework.cover_participant", user, participant)
        invalidate_access(user)
    return cover


def participant_cover_revoke(*, actor: Any, cover: ParticipantCover) -> ParticipantCover:
    with transaction.atomic():
        cover = ParticipantCover.objects.select_related("participant", "user").get(pk=cover.pk)
        if not cover.is_active:
            raise Conflict(_("The cover was already ended."), code="already_revoked")
        cover.is_active = False
        audit.save_changes(cover, actor=actor, reason="cover ended")
        if not ParticipantCover.objects.filter(
            participant=cover.participant, user=cover.user, is_active=True
        ).exists():
            revoke_object_permission("casework.cover_participant", cover.user, cover.participant)
        invalidate_access(cover.user)
    return cover


# Consents -----------------------------------------------------------------------------------------


def consent_create(
    *,
    actor: Any,
    participant: Participant,
    purpose: str,
    granted_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
) -> Consent:
    granted = granted_on or today()
    errors = Errors()
    if purpose not in Consent.Purpose.values:
        errors.add("purpose", _("Unknown purpose %(value)s.") % {"value": repr(purpose)})
    errors.not_in_future("granted_on", granted)
    if expires_on is not None and expires_on < granted:
        errors.add("expires_on", _("A consent cannot expire before it is granted."))
    if participant.status == Participant.Status.EXITED:
        errors.add("participant", _("The participant has exited."))
    errors.raise_if_any()
    with transaction.atomic():
        return audit.create(
            Consent(
                participant=participant,
                municipality_id=participant.municipality_id,
                purpose=purpose,
                granted_on=granted,
                expires_on=expires_on,
                recorded_by=actor,
            ),
            actor=actor,
            reason="consent recorded",
        )


def consent_withdraw(
    *,
    actor: Any,
    consent: Consent,
    on: datetime.date | None = None,
    reason: str = "consent withdrawn",
    expected_version: int | None = None,
) -> Consent:
    """Withdraw a consent. It stops every further disclosure at once: from the day of the
    withdrawal the consent is no longer valid."""
    withdrawn = on or today()
    with transaction.atomic():
        consent = Consent.objects.get(pk=consent.pk)
        audit.check_version(consent, expected_version)
        if consent.withdrawn_on is not None:
            raise Conflict(_("The consent was already withdrawn."), code="already_withdrawn")
        errors = Errors()
        errors.not_in_future("on", withdrawn)
        if withdrawn < consent.granted_on:
            errors.add("on", _("A consent cannot be withdrawn before it was granted."))
        errors.raise_if_any()
        consent.withdrawn_on = withdrawn
        return audit.save_changes(consent, actor=actor, reason=reason)


def participant_has_valid_consent(
    participant: Participant, purpose: str, on: datetime.date
) -> bool:
    return Consent.objects.filter(
        consent_valid_on_q(on), participant=participant, purpose=purpose
    ).exists()


# Case notes ---------------------------------------------------------------------------------------


def case_note_create(
    *, actor: Any, participant: Participant, kind: str, occurred_at: datetime.datetime, text: str
) -> CaseNote:
    note = CaseNote(
        participant=participant,
        municipality_id=participant.municipality_id,
        kind=kind,
        occurred_at=occurred_at,
        text=(text or "").strip(),
        author=actor,
    )
    _validate_case_note(note)
    with transaction.atomic():
        return audit.create(note, actor=actor, reason="case note written")


def _validate_case_note(note: CaseNote) -> None:
    errors = Errors()
    if not (note.text or "").strip():
        errors.add("text", _("This field may not be blank."))
    if note.occurred_at and timezone.localdate(note.occurred_at) > today():
        errors.add("occurred_at", _("A contact cannot be recorded in the future."))
    errors.raise_if_any()
    validate_fields(note, exclude=["participant", "municipality", "author"])


def case_note_update(
    *,
    actor: Any,
    note: CaseNote,
    data: dict[str, Any],
    expected_version: int | None = None,
    reason: str = "case note corrected",
) -> CaseNote:
    values = {k: v for k, v in data.items() if k in ("kind", "occurred_at", "text")}
    if isinstance(values.get("text"), str):
        values["text"] = values["text"].strip()
    return audit.update(
        CaseNote,
        note.pk,
        values,
        actor=actor,
        reason=reason,
        expected_version=expected_version,
        validate=_validate_case_note,
    )


# Employers ----------------------------------------------------------------------------------------


def _business_id(value: str) -> str:
    try:
        return business_ids.parse(value or "")
    except business_ids.InvalidBusinessId as error:
        raise ValidationFailed.single("business_id", str(error)) from None


def employer_create(
    *, actor: Any, business_id: str, name: str, municipality: Any, industry: str = ""
) -> Employer:
    employer = Employer(
        business_id=_business_id(business_id),
        name=(name or "").strip(),
        municipality=municipality,
        industry=industry or "",
    )
    if not employer.name:
        raise ValidationFailed.single("name", _("This field may not be blank."))
    validate_fields(employer, exclude=["municipality"])
    with transaction.atomic():
        if Employer.objects.filter(business_id=employer.business_id).exists():
            raise Conflict(
                _("An employer with this business id exists."), code="duplicate_business_id"
            )
        return audit.create(employer, actor=actor, reason="employer created")


def employer_update(
    *,
    actor: Any,
    employer: Employer,
    data: dict[str, Any],
    expected_version: int | None = None,
    reason: str = "employer changed",
) -> Employer:
    values = {k: v for k, v in data.items() if k in ("name", "industry", "municipality")}
    if isinstance(values.get("name"), str):
        values["name"] = values["name"].strip()
    if "business_id" in data:
        values["business_id"] = _business_id(data["business_id"])
    if "name" in values and not (values["name"] or "").strip():
        raise ValidationFailed.single("name", _("This field may not be blank."))
    with transaction.atomic():
        employer = Employer.objects.get(pk=employer.pk)
        audit.check_version(employer, expected_version)
        if not audit.apply_changes(employer, values):
            return employer
        validate_fields(employer, exclude=["municipality"])
        if (
            Employer.objects.filter(business_id=employer.business_id)
            .exclude(pk=employer.pk)
            .exists()
        ):
            raise Conflict(
                _("An employer with this business id exists."), code="duplicate_business_id"
            )
        return audit.save_changes(
            employer, actor=actor, reason=reason, expected_version=expected_version
        )


def employer_membership_set(*, actor: Any, user: Any, employer: Employer) -> EmployerMembership:
    """Link an employer user to exactly one employer (the admin's path). An employer user holds
    no other role."""
    if user.role_grants.filter(is_active=True).exists():
        raise ValidationFailed.single(
            "user", _("A user with a municipal role cannot be an employer user.")
        )
    with transaction.atomic():
        membership = EmployerMembership.objects.filter(user=user).first()
        if membership is None:
            invalidate_access(user)
            return audit.create(
                EmployerMembership(user=user, employer=employer),
                actor=actor,
                reason="employer user linked",
            )
        if membership.employer_id == employer.pk:
            return membership
        membership.employer = employer
        invalidate_access(user)
        return audit.save_changes(membership, actor=actor, reason="employer user moved")


# Vacancies ----------------------------------------------------------------------------------------


def _language_requirements(value: Any) -> dict[str, str]:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ValidationFailed.single("language_requirements", _('Give {"speaking": "A2.1", …}.'))
    errors = Errors()
    for skill, level in value.items():
        if skill not in language_levels.SKILLS:
            errors.add(
                f"language_requirements.{skill}",
                _("Unknown skill (reading, listening, speaking, writing)."),
            )
        elif not language_levels.is_level(level):
            errors.add(f"language_requirements.{skill}", _("Use a level from A1.1 to C2.2."))
    errors.raise_if_any()
    return {skill: value[skill] for skill in language_levels.SKILLS if skill in value}


def _licence_types(codes: Any) -> list[LicenceType]:
    if codes in (None, ""):
        return []
    if not isinstance(codes, list | tuple) or not all(isinstance(code, str) for code in codes):
        raise ValidationFailed.single("required_licences", _("Give a list of licence type codes."))
    found = {lt.code: lt for lt in LicenceType.objects.filter(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise ValidationFailed.single(
            "required_licences",
            _("Unknown licence types: %(codes)s.") % {"codes": ", ".join(missing)},
        )
    return [found[code] for code in dict.fromkeys(codes)]


def _validate_vacancy(vacancy: Vacancy) -> None:
    errors = Errors()
    if not (vacancy.title or "").strip():
        errors.add("title", _("This field may not be blank."))
    if vacancy.positions is None or vacancy.positions < 1:
        errors.add("positions", _("A vacancy has at least one position."))
    if vacancy.language not in ("fi", "sv", "en"):
        errors.add("language", _("The language is fi, sv or en."))
    errors.raise_if_any()
    validate_fields(
        vacancy, exclude=["employer", "municipality", "occupation", "language_requirements"]
    )


def _set_required_licences(vacancy: Vacancy, licence_types: list[LicenceType], actor: Any) -> bool:
    current = {req.licence_type_id: req for req in vacancy.licence_requirements.all()}
    wanted = {lt.pk for lt in licence_types}
    if set(current) == wanted:
        return False
    for licence_type_id, requirement in current.items():
        if licence_type_id not in wanted:
            audit.delete(requirement, actor=actor, reason="licence requirement removed")
    for licence_type in licence_types:
        if licence_type.pk not in current:
            audit.create(
                VacancyLicenceRequirement(vacancy=vacancy, licence_type=licence_type),
                actor=actor,
                reason="licence requirement added",
            )
    return True


def vacancy_create(
    *,
    actor: Any,
    employer: Employer,
    municipality: Any,
    title: str,
    occupation_code: str,
    starts_on: datetime.date,
    positions: int = 1,
    language: str = "fi",
    language_requirements: dict[str, str] | None = None,
    required_licences: list[str] | None = None,
) -> Vacancy:
    occupation = occupation_unit_group(occupation_code)
    if occupation is None:
        raise ValidationFailed.single("occupation_code", _("This field is required."))
    vacancy = Vacancy(
        employer=employer,
        municipality=municipality,
        title=(title or "").strip(),
        occupation=occupation,
        starts_on=starts_on,
        positions=positions,
        language=language or "fi",
        language_requirements=_language_requirements(language_requirements),
    )
    licence_types = _licence_types(required_licences)
    _validate_vacancy(vacancy)
    with transaction.atomic():
        audit.create(vacancy, actor=actor, reason="vacancy created")
        _set_required_licences(vacancy, licence_types, actor)
    return vacancy


def vacancy_update(
    *,
    actor: Any,
    vacancy: Vacancy,
    data: dict[str, Any],
    expected_version: int | None = None,
    reason: str = "vacancy changed",
) -> Vacancy:
    values = {k: v for k, v in data.items() if k in ("title", "starts_on", "positions", "language")}
    if isinstance(values.get("title"), str):
        values["title"] = values["title"].strip()
    if "occupation_code" in data:
        values["occupation"] = occupation_unit_group(data["occupation_code"])
        if values["occupation"] is None:
            raise ValidationFailed.single("occupation_code", _("This field may not be null."))
    if "language_requirements" in data:
        values["language_requirements"] = _language_requirements(data["language_requirements"])
    licence_types = (
        _licence_types(data["required_licences"]) if "required_licences" in data else None
    )
    with transaction.atomic():
        vacancy = Vacancy.objects.get(pk=vacancy.pk)
        audit.check_version(vacancy, expected_version)
        changed = audit.apply_changes(vacancy, values)
        if changed:
            _validate_vacancy(vacancy)
        licences_changed = (
            _set_required_licences(vacancy, licence_types, actor)
            if licence_types is not None
            else False
        )
        if changed or licences_changed:
            audit.save_changes(
                vacancy, actor=actor, reason=reason, expected_version=expected_version
            )
        return vacancy


def vacancy_transition(
    *, actor: Any, vacancy: Vacancy, to: str, reason: str = "", expected_version: int | None = None
) -> Vacancy:
    """``open ↔ filled``, ``open | filled → closed`` (closed is final)."""
    if to not in Vacancy.Status.values:
        raise ValidationFailed.single("to", _("Unknown status %(status)s.") % {"status": repr(to)})
    with transaction.atomic():
        vacancy = Vacancy.objects.get(pk=vacancy.pk)
        audit.check_version(vacancy, expected_version)
        if to not in Vacancy.TRANSITIONS[vacancy.status]:
            raise InvalidTransition(
                _("A vacancy cannot move from %(from)s to %(to)s.")
                % {"from": vacancy.status, "to": to}
            )
        vacancy.status = to
        vacancy.status_reason = reason
        return audit.save_changes(vacancy, actor=actor, reason=reason or f"vacancy {to}")


# Matches ------------------------------------------------------------------------------------------


def match_create(
    *,
    actor: Any,
    vacancy: Vacancy,
    participant: Participant,
    reason: str = "",
) -> Match:
    """A counsellor proposes a participant for a vacancy (status ``proposed``). One open match
    per vacancy and participant; only an active or job-seeking participant can be proposed. The
    score and explanation are the matching service's for the pair (``matching.explain_pair``,
    the same as the vacancy's candidate suggestion), never a caller's."""
    errors = Errors()
    if vacancy.status != Vacancy.Status.OPEN:
        errors.add("vacancy", _("The vacancy is not open."))
    if participant.status not in matching.ELIGIBLE_STATUSES:
        errors.add(
            "participant",
            _("Only an active or job-seeking participant can be proposed (this one is %(status)s).")
            % {"status": participant.status},
        )
    errors.raise_if_any()
    suggestion = matching.explain_pair(vacancy, participant, today=today())
    with transaction.atomic():
        if Match.objects.filter(
            vacancy=vacancy, participant=participant, status__in=Match.OPEN_STATUSES
        ).exists():
            raise Conflict(
                _("The participant already has an open match for this vacancy."),
                code="duplicate_match",
            )
        try:
            with transaction.atomic():
                return audit.create(
                    Match(
                        vacancy=vacancy,
                        participant=participant,
                        municipality_id=participant.municipality_id,
                        employer_id=vacancy.employer_id,
                        score=suggestion.score,
                        explanation=matching.explanation_of(suggestion),
                        reason=reason or "",
                    ),
                    actor=actor,
                    reason=reason or "match proposed",
                )
        except IntegrityError:
            raise Conflict(
                _("The participant already has an open match for this vacancy."),
                code="duplicate_match",
            ) from None


def match_transition(
    *,
    actor: Any,
    match: Match,
    to: str,
    as_employer: bool,
    reason: str = "",
    reason_code: str = "",
    starts_on: datetime.date | None = None,
    contract_type: str = "",
    hours_per_week: Decimal | float | None = None,
    expected_version: int | None = None,
) -> Match:
    """Move a match along its lifecycle (docs/domain.md). Counsellors share (only with a valid
    ``share_with_employers`` consent), record a decline and withdraw; employers invite to
    interview, hire and reject. ``hired`` creates the Outcome, moves the participant (who must be
    active or job seeking, else 409 ``participant_unavailable``) to ``employed`` and, when hires
    fill all of the vacancy's positions, the vacancy to ``filled``, in the same transaction.

    Each transition's ``reason`` is kept in its own history row: the match's ``reason`` stays the
    proposal's. An employer's non-empty reason is also kept in ``employer_reason``, the only free
    text an employer reads back (ADR 13)."""
    if to not in Match.Status.values:
        raise ValidationFailed.single("to", _("Unknown status %(status)s.") % {"status": repr(to)})
    errors = Errors()
    if to in Match.NEGATIVE_STATUSES:
        if not reason_code:
            errors.add(
                "reason_code",
                _("A match that ends %(status)s needs a reason_code.") % {"status": to},
            )
        elif reason_code not in Match.ReasonCode.values:
            errors.add(
                "reason_code", _("Unknown reason code %(value)s.") % {"value": repr(reason_code)}
            )
    elif reason_code:
        errors.add("reason_code", _("Only rejected, declined and withdrawn take a reason_code."))
    if to == Match.Status.HIRED:
        if contract_type and contract_type not in Outcome.ContractType.values:
            errors.add(
                "contract_type",
                _("Unknown contract type %(value)s.") % {"value": repr(contract_type)},
            )
        if hours_per_week is not None and not 0 <= Decimal(str(hours_per_week)) <= 80:
            errors.add("hours_per_week", _("Hours per week are 0–80."))
    errors.raise_if_any()
    with transaction.atomic():
        match = Match.objects.select_related("participant", "vacancy").get(pk=match.pk)
        audit.check_version(match, expected_version)
        table = Match.EMPLOYER_TRANSITIONS if as_employer else Match.COUNSELLOR_TRANSITIONS
        other = Match.COUNSELLOR_TRANSITIONS if as_employer else Match.EMPLOYER_TRANSITIONS
        if to not in table.get(match.status, frozenset()):
            if to in other.get(match.status, frozenset()):
                raise PermissionDenied(_("Your role cannot move a match to %(to)s.") % {"to": to})
            raise InvalidTransition(
                _("A match cannot move from %(from)s to %(to)s.") % {"from": match.status, "to": to}
            )
        if to == Match.Status.SHARED and not participant_has_valid_consent(
            match.participant, Consent.Purpose.SHARE_WITH_EMPLOYERS, today()
        ):
            raise ConsentRequired()
        participant = match.participant
        if to == Match.Status.HIRED and participant.status not in matching.ELIGIBLE_STATUSES:
            raise ParticipantUnavailable()
        match.status = to
        match.reason_code = reason_code or ""
        if as_employer and reason:
            match.employer_reason = reason
        if to == Match.Status.SHARED and match.reached_shared_on is None:
            match.reached_shared_on = today()
        audit.save_changes(match, actor=actor, reason=reason or f"match {to}")
        if to == Match.Status.HIRED:
            audit.create(
                Outcome(
                    participant=participant,
                    municipality_id=participant.municipality_id,
                    kind=Outcome.Kind.EMPLOYMENT,
                    employer_id=match.employer_id,
                    occupation_id=match.vacancy.occupation_id,
                    contract_type=contract_type or "",
                    hours_per_week=Decimal(str(hours_per_week))
                    if hours_per_week is not None
                    else None,
                    starts_on=starts_on or match.vacancy.starts_on,
                    match=match,
                ),
                actor=actor,
                reason="hired through a match",
            )
            participant_transition(
                actor=actor,
                participant=participant,
                to=Participant.Status.EMPLOYED,
                on=max(today(), participant.status_changed_on),
                reason="hired through a match",
            )
            _fill_vacancy_when_hires_fill_it(actor=actor, vacancy_id=match.vacancy_id)
        return match


def _fill_vacancy_when_hires_fill_it(*, actor: Any, vacancy_id: int) -> None:
    """Inside a hire's transaction: an open vacancy whose hires reach its positions moves to
    ``filled`` (the row lock makes two concurrent last hires count each other)."""
    vacancy = Vacancy.objects.select_for_update().get(pk=vacancy_id)
    if vacancy.status != Vacancy.Status.OPEN:
        return
    hires = Match.objects.filter(vacancy_id=vacancy_id, status=Match.Status.HIRED).count()
    if hires >= vacancy.positions:
        vacancy_transition(
            actor=actor,
            vacancy=vacancy,
            to=Vacancy.Status.FILLED,
            reason=f"all {vacancy.positions} position(s) filled by hires",
        )


# Outcomes -----------------------------------------------------------------------------------------

OUTCOME_EDITABLE = ("kind", "employer", "contract_type", "hours_per_week", "starts_on", "ends_on",
                    "follow_up_4_weeks", "follow_up_6_months")  # fmt: skip


def _validate_outcome(outcome: Outcome) -> None:
    errors = Errors()
    if outcome.ends_on and outcome.starts_on and outcome.ends_on < outcome.starts_on:
        errors.add("ends_on", _("An outcome cannot end before it starts."))
    if outcome.hours_per_week is not None and not 0 <= outcome.hours_per_week <= 80:
        errors.add("hours_per_week", _("Hours per week are 0–80."))
    errors.raise_if_any()
    validate_fields(
        outcome, exclude=["participant", "municipality", "employer", "occupation", "match"]
    )


def outcome_create(
    *,
    actor: Any,
    participant: Participant,
    kind: str,
    starts_on: datetime.date,
    employer: Employer | None = None,
    occupation_code: str | None = None,
    contract_type: str = "",
    hours_per_week: Decimal | float | None = None,
    ends_on: datetime.date | None = None,
    follow_up_4_weeks: str = "",
    follow_up_6_months: str = "",
) -> Outcome:
    outcome = Outcome(
        participant=participant,
        municipality_id=participant.municipality_id,
        kind=kind,
        employer=employer,
        occupation=occupation_unit_group(occupation_code),
        contract_type=contract_type or "",
        hours_per_week=Decimal(str(hours_per_week)) if hours_per_week is not None else None,
        starts_on=starts_on,
        ends_on=ends_on,
        follow_up_4_weeks=follow_up_4_weeks or "",
        follow_up_6_months=follow_up_6_months or "",
    )
    _validate_outcome(outcome)
    with transaction.atomic():
        return audit.create(outcome, actor=actor, reason="outcome recorded")


def outcome_update(
    *,
    actor: Any,
    outcome: Outcome,
    data: dict[str, Any],
    expected_version: int | None = None,
    reason: str = "outcome changed",
) -> Outcome:
    values = {k: v for k, v in data.items() if k in OUTCOME_EDITABLE}
    for key in ("contract_type", "follow_up_4_weeks", "follow_up_6_months"):
        if key in values and values[key] is None:
            values[key] = ""
    if "hours_per_week" in values and values["hours_per_week"] is not None:
        values["hours_per_week"] = Decimal(str(values["hours_per_week"]))
    if "occupation_code" in data:
        values["occupation"] = occupation_unit_group(data["occupation_code"])
    return audit.update(
        Outcome,
        outcome.pk,
        values,
        actor=actor,
        reason=reason,
        expected_version=expected_version,
        validate=_validate_outcome,
    )
