"""The data migration that filled ``LatestLanguageLevels`` (assessments 0005) keeps a frozen copy
of the rule instead of importing app code; it must still build the rows the services keep."""

import datetime
import importlib
from types import SimpleNamespace

from django.apps import apps
from django.db import connection

from assessments.models import LatestLanguageLevels
from tests import factories
from tests.assessments.test_latest_levels import derived, oracle, two_people

MIGRATION = importlib.import_module("assessments.migrations.0005_latest_language_levels")


def test_the_migration_builds_the_rows_the_services_keep():
    # given assessments on several days, skills left out and two languages
    people = two_people()
    today = datetime.date.today()
    for days_ago, person, language, speaking, writing in [
        (20, 0, "fi", "A2.1", "A1.3"),
        (10, 0, "fi", "B1.1", None),
        (10, 0, "sv", None, "A1.1"),
        (5, 1, "fi", "C1.1", "B2.2"),
        (5, 1, "fi", None, "B1.2"),
    ]:
        factories.LanguageAssessmentFactory(
            participant=people[person],
            language=language,
            assessed_on=today - datetime.timedelta(days=days_ago),
            speaking=speaking,
            writing=writing,
        )
    kept = derived(people)
    LatestLanguageLevels.objects.all().delete()  # derived data: not guarded, rebuilt below

    # when the migration's forward code runs
    MIGRATION.fill(apps, SimpleNamespace(connection=connection))  # it needs the alias only

    # then
    assert derived(people) == kept == oracle(people)
    assert len(kept) == 3


def test_the_frozen_scale_is_the_scale():
    from assessments import language_levels

    assert MIGRATION.LEVELS == language_levels.LEVELS
    assert MIGRATION.SKILLS == language_levels.SKILLS
