"""django-filter sets for the list endpoints: exact fields by name, ``<field>_after`` /
``<field>_before`` for dates, ``search`` over names, ``ordering`` (always tie-broken by id so
pages are stable)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from assessments.models import Enrolment, LanguageAssessment, LicenceCard, SkillAssessment, Training
from casework.models import CaseNote, Consent, Employer, Match, Outcome, Participant, Vacancy


class StableOrderingFilter(django_filters.OrderingFilter):
    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        qs = super().filter(qs, value)
        ordering = list(qs.query.order_by) or ["-id"]
        if "id" not in ordering and "-id" not in ordering:
            ordering.append("id")
        return qs.order_by(*ordering)


def date_range(field: str) -> dict[str, django_filters.DateFilter]:
    return {
        f"{field}_after": django_filters.DateFilter(field_name=field, lookup_expr="gte"),
        f"{field}_before": django_filters.DateFilter(field_name=field, lookup_expr="lte"),
    }


class ParticipantFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="search_names", max_length=100)
    status = django_filters.MultipleChoiceFilter(choices=Participant.Status.choices)
    municipality = django_filters.CharFilter(field_name="municipality__code", max_length=3)
    counsellor = django_filters.CharFilter(
        method="by_counsellor",
        max_length=150,
        help_text="A counsellor's username, or none for the unassigned",
    )
    labour_market_status = django_filters.ChoiceFilter(
        choices=Participant.LabourMarketStatus.choices
    )
    locals().update(date_range("enrolled_on"))
    locals().update(date_range("exited_on"))
    ordering = StableOrderingFilter(
        fields=("last_name", "first_name", "enrolled_on", "status", "date_of_birth", "created_at")
    )

    class Meta:
        model = Participant
        fields: list[str] = []

    def by_counsellor(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "none":
            return queryset.filter(counsellor__isnull=True)
        return queryset.filter(counsellor__username=value)

    def search_names(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        query = Q()
        for word in value.split()[:4]:
            query &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        return queryset.filter(query)


def _participant_filter(
    model: type, extra_dates: tuple[str, ...], ordering: tuple[str, ...]
) -> type:
    attributes: dict[str, Any] = {
        "participant": django_filters.UUIDFilter(field_name="participant__uuid"),
        "municipality": django_filters.CharFilter(field_name="municipality__code", max_length=3),
        "ordering": StableOrderingFilter(fields=ordering),
        "Meta": type("Meta", (), {"model": model, "fields": []}),
    }
    for field in extra_dates:
        attributes.update(date_range(field))
    return type(f"{model.__name__}Filter", (django_filters.FilterSet,), attributes)


# Filters added to ``base_filters`` after a FilterSet class exists skip the metaclass, which
# would take the field name from the attribute name: name the field explicitly.
ConsentFilter = _participant_filter(Consent, ("granted_on",), ("granted_on", "created_at"))
CaseNoteFilter = _participant_filter(CaseNote, (), ("occurred_at", "created_at"))
CaseNoteFilter.base_filters.update(
    {
        "occurred_at_after": django_filters.DateFilter(
            field_name="occurred_at", lookup_expr="date__gte"
        ),
        "occurred_at_before": django_filters.DateFilter(
            field_name="occurred_at", lookup_expr="date__lte"
        ),
        "kind": django_filters.ChoiceFilter(field_name="kind", choices=CaseNote.Kind.choices),
    }
)
LanguageAssessmentFilter = _participant_filter(
    LanguageAssessment, ("assessed_on",), ("assessed_on", "created_at")
)
LanguageAssessmentFilter.base_filters["language"] = django_filters.ChoiceFilter(
    field_name="language", choices=LanguageAssessment.Language.choices
)
SkillAssessmentFilter = _participant_filter(
    SkillAssessment, ("assessed_on",), ("assessed_on", "level")
)
LicenceCardFilter = _participant_filter(
    LicenceCard, ("issued_on", "valid_until"), ("issued_on", "valid_until")
)
LicenceCardFilter.base_filters["licence_type"] = django_filters.CharFilter(
    field_name="licence_type__code", max_length=60
)
EnrolmentFilter = _participant_filter(Enrolment, (), ("created_at", "status"))
EnrolmentFilter.base_filters.update(
    {
        "status": django_filters.MultipleChoiceFilter(
            field_name="status", choices=Enrolment.Status.choices
        ),
        "training": django_filters.UUIDFilter(field_name="training__uuid"),
    }
)
OutcomeFilter = _participant_filter(Outcome, ("starts_on",), ("starts_on", "created_at"))
OutcomeFilter.base_filters["kind"] = django_filters.ChoiceFilter(
    field_name="kind", choices=Outcome.Kind.choices
)


class TrainingFilter(django_filters.FilterSet):
    municipality = django_filters.CharFilter(field_name="municipality__code", max_length=3)
    licence_type = django_filters.CharFilter(field_name="licence_type__code", max_length=60)
    locals().update(date_range("starts_on"))
    locals().update(date_range("ends_on"))
    ordering = StableOrderingFilter(fields=("starts_on", "ends_on", "created_at"))

    class Meta:
        model = Training
        fields: list[str] = []


class EmployerFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=100)
    municipality = django_filters.CharFilter(field_name="municipality__code", max_length=3)
    business_id = django_filters.CharFilter(max_length=9)
    ordering = StableOrderingFilter(fields=("name", "created_at"))

    class Meta:
        model = Employer
        fields: list[str] = []


class VacancyFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(field_name="title", lookup_expr="icontains", max_length=100)
    status = django_filters.MultipleChoiceFilter(choices=Vacancy.Status.choices)
    municipality = django_filters.CharFilter(field_name="municipality__code", max_length=3)
    employer = django_filters.UUIDFilter(field_name="employer__uuid")
    occupation_code = django_filters.CharFilter(field_name="occupation_id", max_length=4)
    locals().update(date_range("starts_on"))
    ordering = StableOrderingFilter(fields=("starts_on", "title", "created_at"))

    class Meta:
        model = Vacancy
        fields: list[str] = []


class MatchFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Match.Status.choices)
    vacancy = django_filters.UUIDFilter(field_name="vacancy__uuid")
    participant = django_filters.UUIDFilter(field_name="participant__uuid")
    municipality = django_filters.CharFilter(field_name="municipality__code", max_length=3)
    ordering = StableOrderingFilter(fields=("score", "created_at", "status"))

    class Meta:
        model = Match
        fields: list[str] = []
