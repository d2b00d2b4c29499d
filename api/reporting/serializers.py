"""Output shapes of the dashboards and the ESF+ report, for the OpenAPI schema (docs/domain.md#dashboards-and-the-esf-report).
The answers themselves are built by ``reporting``; these serializers only document them. Every
count may be ``null``: a suppressed cell, listed in ``suppressed_cells``."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from assessments.language_levels import SKILLS
from casework.models import Match, Outcome, Participant
from plans.worklist.rules import Rule
from reporting.dashboards import CEFR_LEVELS, FUNNEL_STEPS
from reporting.esf import COLUMNS


def _count(help_text: str = "") -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=0, allow_null=True, help_text=help_text or "Persons; null when suppressed"
    )


def _counts(name: str, keys: tuple[str, ...] | list[str], help_text: str = "") -> Any:
    """A serializer class with one nullable count per key."""
    fields: dict[str, Any] = {key: _count(help_text) for key in keys}
    return type(name, (serializers.Serializer,), fields)


class DashboardScopeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["municipality", "pilot"])
    code = serializers.CharField(allow_null=True, help_text="Municipality code; null for the pilot")
    name = serializers.CharField()


PeriodSerializer = type(
    "PeriodSerializer",
    (serializers.Serializer,),
    {
        "from": serializers.DateField(
            allow_null=True, help_text="First day of the first month (enrolment month)"
        ),
        "to": serializers.DateField(allow_null=True, help_text="Last day of the last month"),
    },
)

FunnelSerializer = _counts("FunnelSerializer", FUNNEL_STEPS)
ParticipantsByStatusSerializer = _counts(
    "ParticipantsByStatusSerializer", Participant.Status.values
)
LevelCountsSerializer = _counts("LevelCountsSerializer", [*CEFR_LEVELS, "not_assessed"])
LanguageLevelsSerializer = type(
    "LanguageLevelsSerializer",
    (serializers.Serializer,),
    {skill: LevelCountsSerializer() for skill in SKILLS},
)
MatchesByStatusSerializer = _counts(
    "MatchesByStatusSerializer", Match.Status.values, "Matches; null when suppressed"
)
OutcomesByKindSerializer = _counts("OutcomesByKindSerializer", Outcome.Kind.values)
OutcomesByContractTypeSerializer = _counts(
    "OutcomesByContractTypeSerializer", Outcome.ContractType.values
)


class PassRateSerializer(serializers.Serializer):
    finished = _count("Persons who passed or failed a training of this type")
    passed = _count("Persons who passed one")
    rate = serializers.FloatField(
        allow_null=True,
        min_value=0,
        max_value=1,
        help_text="passed / finished; null under 5 persons or when a count is suppressed",
    )


class TrendMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    enrolled = _count()
    employed = _count("Persons whose first employment started this month")
    exited = _count()


DeadlinesSerializer = _counts(
    "DeadlinesSerializer",
    [rule.value for rule in Rule],
    "Persons with an overdue item under this rule; null when suppressed",
)


class DashboardSerializer(serializers.Serializer):
    scope = DashboardScopeSerializer()
    period = PeriodSerializer()
    computed_at = serializers.DateTimeField()
    funnel = FunnelSerializer()
    participants_by_status = ParticipantsByStatusSerializer()
    language_levels = LanguageLevelsSerializer(
        help_text="Latest Finnish level per skill, rolled up to CEFR"
    )
    licence_cards_by_type = serializers.DictField(
        child=_count(), help_text="Persons holding a card, by licence type code"
    )
    training_pass_rates = serializers.DictField(
        child=PassRateSerializer(), help_text="By licence type code"
    )
    matches_by_status = MatchesByStatusSerializer()
    outcomes_by_kind = OutcomesByKindSerializer()
    outcomes_by_contract_type = OutcomesByContractTypeSerializer()
    median_days_to_employment = serializers.FloatField(allow_null=True)
    monthly_trend = TrendMonthSerializer(many=True, help_text="24 months, oldest first")
    unmet_licence_demand = serializers.DictField(
        child=_count(),
        help_text="Active or job-seeking persons without a valid card that open vacancies "
        "require, by licence type code",
    )
    deadlines = DeadlinesSerializer(
        help_text="Persons with at least one overdue worklist item under each rule (DESIGN §10)"
    )
    suppressed_cells = serializers.ListField(
        child=serializers.CharField(), help_text="Dotted paths of the cells set to null"
    )


class ReportScopeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["municipality", "municipalities", "pilot"])
    code = serializers.CharField(allow_null=True)
    name = serializers.CharField()
    municipalities = serializers.ListField(child=serializers.CharField())


class ReportRowSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    code = serializers.CharField(allow_null=True, help_text="ESF+ indicator code where pinned")
    stage = serializers.ChoiceField(choices=["entry", "exit"])
    label = serializers.CharField()


for _column in COLUMNS:
    ReportRowSerializer._declared_fields[_column] = _count()


class ESFReportSerializer(serializers.Serializer):
    scope = ReportScopeSerializer()
    period = PeriodSerializer()
    computed_at = serializers.DateTimeField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = ReportRowSerializer(many=True)
    suppressed_cells = serializers.ListField(child=serializers.CharField())
    suppression_rule = serializers.CharField()
