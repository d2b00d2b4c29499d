"""Read-only serializers that document the data-lifecycle answers (DESIGN.md §12) in the schema,
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
