"""Fill ``Participant.duplicate_key`` for the participants that existed before it.

The normalisation is copied here (as of version 1 of casework.duplicates) so that a later change
of the module cannot change what this migration did; the keyed hash is the kernel's.
"""

import unicodedata

from django.db import migrations

KEY_PREFIX = "polku-duplicate-key-v1:"
BATCH = 2000


def _normalise(value):
    decomposed = unicodedata.normalize("NFKD", (value or "").casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c.isalnum())


def backfill(apps, schema_editor):
    from core import crypto

    Participant = apps.get_model("casework", "Participant")
    last_id = 0
    while True:
        batch = list(
            Participant.objects.filter(id__gt=last_id, duplicate_key__isnull=True)
            .order_by("id")
            .only("id", "first_name", "last_name", "date_of_birth")[:BATCH]
        )
        if not batch:
            return
        for participant in batch:
            first = _normalise(participant.first_name)
            last = _normalise(participant.last_name)
            if first and last and participant.date_of_birth:
                participant.duplicate_key = crypto.keyed_hash(
                    f"{KEY_PREFIX}{first}|{last}|{participant.date_of_birth.isoformat()}"
                )
        Participant.objects.bulk_update(batch, ["duplicate_key"])
        last_id = batch[-1].id


def clear(apps, schema_editor):
    Participant = apps.get_model("casework", "Participant")
    Participant.objects.exclude(duplicate_key=None).update(duplicate_key=None)


class Migration(migrations.Migration):
    dependencies = [("casework", "0006_participant_duplicate_key")]

    operations = [migrations.RunPython(backfill, clear)]
