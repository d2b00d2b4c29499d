"""Read-only serializers that document the data-lifecycle answers (docs/domain.md#data-lifecycle) in the schema,
and the input serializers of the legal hold."""

from __future__ import annotations

from rest_framework import serializers

from api.casework.serializers import ParticipantSerializer
from api.fields import StrictCharField


class WarningSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[("possible_duplicate", "possible duplicate")])
    participant = serializers.UUIDField(help_text="The participant this one may duplicate")


class ParticipantCreatedSerializer(ParticipantSerializer):
    warnings = WarningSerializer(
        many=True,
        help_text="possible_duplicate: a participant of your municipalities with the same names "
        "(case, accents, hyphens and spaces ignored) and date of birth",
    )


class DuplicateSideSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    municipality = serializers.CharField(help_text="Municipality code")
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    date_of_birth = serializers.DateField()
    status = serializers.CharField()


class DuplicatePairSerializer(serializers.Serializer):
    participant = DuplicateSideSerializer()
    duplicate = DuplicateSideSerializer()
    reason = serializers.ChoiceField(
        choices=[("same_name_and_date_of_birth", "same names and date of birth")]
    )


class LegalHoldInputSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=1000)


class SubjectAccessLogSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    role = serializers.CharField()
    action = serializers.CharField(help_text="What was read, e.g. participants:detail")


class SubjectExportSerializer(serializers.Serializer):
    generated_at = serializers.DateTimeField()
    participant = serializers.DictField(help_text="Every field, the identity code in full")
    records = serializers.DictField(
        child=serializers.ListField(child=serializers.DictField()),
        help_text="Per model label (e.g. casework.casenote, plans.plan): every record attached "
        "to the participant",
    )
    history = serializers.ListField(
        child=serializers.DictField(), help_text="Change history, without staff usernames"
    )
    access_log = SubjectAccessLogSerializer(many=True)
