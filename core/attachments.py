"""Which records belong to a participant, found in the model registry (docs/domain.md#data-lifecycle).

The data subject's export and the retention job both need "every record attached to a
participant"; a hand-kept list would silently miss the next model someone adds (the plans of
DESIGN §10 were added after both were designed). So the list is derived: every concrete model
with a foreign-key path to ``casework.Participant`` — directly, or through one attached model (a
plan's reviews) — except the history tables and the few models listed in ``NOT_PERSONAL_RECORDS``
with the reason. The participant model is named by its label, so ``core`` imports no domain app.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models
from simple_history.models import HistoricalChanges

PARTICIPANT = "casework.Participant"

#: Models with a path to a participant that are not records about the person. Each says why.
NOT_PERSONAL_RECORDS: dict[str, str] = {
    "casework.ParticipantUserObjectPermission": "guardian's mirror of the audited "
    "ParticipantCover rows (which are exported and anonymised)",
    "assessments.LatestLanguageLevels": "derived from the language assessments in the same "
    "transaction (which are exported); recomputed, not a record of its own",
}


@dataclass(frozen=True)
class Attachment:
    model: type[models.Model]
    #: The lookup from the model to the participant, e.g. ``participant`` or ``plan__participant``.
    path: str

    @property
    def label(self) -> str:
        return self.model._meta.label

    def filter_for(self, participant_ids: list[int]) -> models.QuerySet[Any]:
        return self.model._default_manager.filter(**{f"{self.path}__in": participant_ids})


def participant_model() -> type[models.Model]:
    return apps.get_model(PARTICIPANT)


def _candidates() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if not model._meta.abstract
        and not model._meta.proxy
        and not issubclass(model, HistoricalChanges)
    ]


def _paths_to(target: type[models.Model], model: type[models.Model]) -> list[str]:
    return [
        field.name
        for field in model._meta.fields
        if (field.many_to_one or field.one_to_one) and field.related_model is target
    ]


@cache
def attached_models() -> tuple[Attachment, ...]:
    """Every model holding records about a participant, with its shortest path, ordered by label.
    (Cached: the registry does not change once Django is set up.)"""
    participant = participant_model()
    found: dict[type[models.Model], str] = {}
    models_ = _candidates()
    for model in models_:
        paths = _paths_to(participant, model)
        if paths and model._meta.label not in NOT_PERSONAL_RECORDS:
            found[model] = "participant" if "participant" in paths else paths[0]
    for model in models_:  # one step further: records attached through an attached record
        if model in found or model is participant or model._meta.label in NOT_PERSONAL_RECORDS:
            continue
        for parent, parent_path in list(found.items()):
            paths = _paths_to(parent, model)
            if paths:
                found[model] = f"{paths[0]}__{parent_path}"
                break
    return tuple(
        Attachment(model, path)
        for model, path in sorted(found.items(), key=lambda item: item[0]._meta.label)
    )
