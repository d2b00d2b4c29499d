"""Rules of the code base that tests enforce (STYLE.md, tests/architecture/): history on every
domain model, writes only through the audit and access helpers, the one-way import direction,
complete migrations and tenant-first indexes."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models
from simple_history.models import HistoricalChanges, registered_models

from assessments.models import (
    Enrolment,
    LanguageAssessment,
    LicenceCard,
    SkillAssessment,
    Training,
)
from casework.models import CaseNote, Consent, Employer, Match, Outcome, Participant, Vacancy
from core.models import AuditedModel
from municipalities.models import Municipality
from plans.models import Appointment, Plan, PlanReview, ServiceNeedsAssessment

# (a) Every domain model has history ---------------------------------------------------------------

DOMAIN_APPS = ("core", "municipalities", "assessments", "casework", "plans")

#: Concrete models of the domain apps that deliberately have no simple-history. Each says why.
#: (The api app's ApiToken and IdempotencyRecord are infrastructure, not domain records, and live
#: outside the domain apps; reporting owns no domain data.)
NOT_AUDITED = {
    # ISCO-08 reference data: loaded once by a data migration, never written afterwards.
    "assessments.Occupation",
    # Derived from the (audited) language assessments in the same transaction; recomputable.
    "assessments.LatestLanguageLevels",
    # The read-access log is itself the audit record: append-only, written by core.access_log.
    "core.AccessEvent",
    "core.AccessEventSubject",
    # The audit record of a history erasure under retention (core.anonymise): itself the record.
    "core.HistoryErasure",
    # Finnish working days, derived from the holidays library (core.working_days): reference
    # data rewritten whole by a migration and `manage.py refresh_calendar`, never edited.
    "core.CalendarDay",
    # A random cache key per user, replaced by the services that change what the user may access
    # (their own rows carry the history); no content of its own.
    "core.AccessStamp",
    # guardian's direct-foreign-key permission tables: mirrors of the audited RoleGrant and
    # ParticipantCover rows, written only by core.access.
    "municipalities.MunicipalityUserObjectPermission",
    "municipalities.MunicipalityGroupObjectPermission",
    "casework.ParticipantUserObjectPermission",
}


def label(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


def is_history_table(model: type[models.Model]) -> bool:
    return issubclass(model, HistoricalChanges)


def domain_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in DOMAIN_APPS
        and not model._meta.abstract
        and not model._meta.proxy
        and not is_history_table(model)
    ]


def audited_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if issubclass(model, AuditedModel)]


def test_the_audited_models_are_found():
    found = {label(model) for model in audited_models()}

    assert {"casework.Participant", "municipalities.RoleGrant", "assessments.LicenceCard"} <= found


@pytest.mark.parametrize("model", audited_models(), ids=label)
def test_every_audited_model_has_a_registered_history(model):
    assert hasattr(model, "history")
    history_model = model.history.model
    assert registered_models.get(model._meta.db_table) is model
    assert apps.get_model(model._meta.app_label, history_model.__name__) is history_model
    history_fields = {field.name for field in history_model._meta.get_fields()}
    assert {"history_user", "history_change_reason", "history_date", "version"} <= history_fields


@pytest.mark.parametrize("model", domain_models(), ids=label)
def test_every_domain_model_is_audited_or_allowed_without_history(model):
    assert issubclass(model, AuditedModel) or label(model) in NOT_AUDITED, (
        f"{label(model)} has no history: inherit core.models.AuditedModel, or add it with a "
        "reason to NOT_AUDITED"
    )


def test_the_allow_list_names_only_existing_unaudited_models():
    by_label = {label(model): model for model in domain_models()}

    for name in NOT_AUDITED:
        assert name in by_label, f"{name} is no longer a model: drop it from NOT_AUDITED"
        assert not issubclass(by_label[name], AuditedModel)


# Source scanning helpers --------------------------------------------------------------------------

ROOT = Path(apps.get_app_config("core").path).parent
#: ``web`` (the pages) sits on top: it may reuse the API's output shaping (ADR 0026), never the
#: other way round.
LAYERS = ("core", "municipalities", "assessments", "casework", "plans", "reporting", "api", "web")
RANK = {app: position for position, app in enumerate(LAYERS)}


def source_files(app: str, *, include_migrations: bool = True) -> list[Path]:
    files = []
    for path in sorted((ROOT / app).rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "__pycache__" in parts:
            continue
        if not include_migrations and "migrations" in parts:
            continue
        files.append(path)
    return files


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


# (b) Writes only through the audit and access helpers ----------------------------------------------

#: Calls that bypass history or the access policy when made outside core/.
FORBIDDEN_CALLS = {"update", "bulk_create", "bulk_update", "assign_perm", "remove_perm"}
#: Functions that must not even be imported outside core/.
FORBIDDEN_IMPORTS = {
    "guardian.shortcuts": {"assign_perm", "remove_perm"},
    "simple_history.utils": {"bulk_create_with_history", "bulk_update_with_history"},
}


def imported_names(tree: ast.Module) -> dict[str, str]:
    """Local name → the module (or module.attribute) it was imported from."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def is_core(dotted: str | None) -> bool:
    return bool(dotted) and (dotted == "core" or dotted.startswith("core."))


def forbidden_writes(source: str, filename: str = "<source>") -> list[str]:
    """Every bypassing call in ``source``, as ``file:line: call``.

    ``x.update(...)`` counts only without positional arguments: ``QuerySet.update`` takes keyword
    arguments only, while ``dict.update(other)`` and ``set.update(other)`` take one positionally.
    The core helpers of the same names (``audit.bulk_create``, ``audit.bulk_update``) are the
    sanctioned way and are allowed when the receiver was imported from ``core``.
    """
    tree = ast.parse(source, filename=filename)
    names = imported_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in FORBIDDEN_IMPORTS:
            for alias in node.names:
                if alias.name in FORBIDDEN_IMPORTS[node.module]:
                    found.append(f"{filename}:{node.lineno}: import {alias.name}")
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        if isinstance(function, ast.Attribute) and function.attr in FORBIDDEN_CALLS:
            if function.attr == "update" and node.args:
                continue
            receiver = function.value
            if isinstance(receiver, ast.Name) and is_core(names.get(receiver.id)):
                continue
            found.append(f"{filename}:{node.lineno}: .{function.attr}(")
        elif isinstance(function, ast.Name) and function.id in FORBIDDEN_CALLS:
            if is_core(names.get(function.id)):
                continue
            found.append(f"{filename}:{node.lineno}: {function.id}(")
    return found


@pytest.mark.parametrize(
    ("source", "is_forbidden"),
    [
        ("Participant.objects.filter(pk=1).update(status='exited')", True),
        ("Participant.objects.update(**values)", True),
        ("queryset.update(version=F('version') + 1)", True),
        ("Employer.objects.bulk_create(rows)", True),
        ("Employer.objects.bulk_update(rows, ['name'])", True),
        ("from guardian.shortcuts import assign_perm\nassign_perm('p', user, obj)", True),
        ("from guardian import shortcuts\nshortcuts.remove_perm('p', user, obj)", True),
        ("from simple_history.utils import bulk_create_with_history", True),
        ("values.update(other)", False),
        ("errors.update({'a': 1})", False),
        ("locals().update(date_range('x'))", False),
        ("from core import audit\naudit.bulk_create(Employer, rows, actor=a, reason='r')", False),
        ("from core import audit\naudit.bulk_update(Employer, rows, [], actor=a, reason='r')", False),
        ("from core.audit import bulk_create\nbulk_create(Employer, rows, actor=a, reason='r')", False),
        ("from core.access import grant_object_permission\ngrant_object_permission('p', g, m)", False),
    ],
)  # fmt: skip
def test_the_write_scanner_tells_bypasses_from_sanctioned_calls(source, is_forbidden):
    assert bool(forbidden_writes(source)) is is_forbidden


WRITE_SCANNED_APPS = (
    "municipalities",
    "assessments",
    "casework",
    "plans",
    "reporting",
    "api",
    "web",
)


@pytest.mark.parametrize("app", WRITE_SCANNED_APPS)
def test_no_bare_update_bulk_write_or_guardian_call_outside_core(app):
    files = source_files(app, include_migrations=False)
    assert files, f"no sources found for {app}"

    found = []
    for path in files:
        found += forbidden_writes(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))

    assert found == [], "write through core.audit / core.access instead:\n" + "\n".join(found)


# (c) Import direction: api → reporting → plans → casework → assessments → municipalities → core -----------


def imported_apps(tree: ast.Module, module_app: str) -> list[tuple[int, str]]:
    """(line, app) for every import of one of the layered apps, anywhere in the module."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append((node.lineno, alias.name.split(".")[0]))
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # a relative import stays inside its own package
                found.append((node.lineno, module_app))
            elif node.module:
                found.append((node.lineno, node.module.split(".")[0]))
    return [(line, app) for line, app in found if app in RANK]


def upward_imports(source: str, module_app: str, filename: str = "<source>") -> list[str]:
    tree = ast.parse(source, filename=filename)
    return [
        f"{filename}:{line}: {module_app} imports {app}"
        for line, app in imported_apps(tree, module_app)
        if RANK[app] > RANK[module_app]
    ]


@pytest.mark.parametrize(
    ("module_app", "source", "is_upward"),
    [
        ("assessments", "from casework.models import Participant", True),
        ("core", "import municipalities.models", True),
        ("casework", "def f():\n    from api import errors", True),
        ("reporting", "from api.pagination import PolkuPagination", True),
        ("municipalities", "from assessments import services", True),
        ("casework", "from assessments.models import LicenceType", False),
        ("casework", "from plans.models import Plan", True),
        ("plans", "from reporting import dashboards", True),
        ("plans", "from casework.models import Participant", False),
        ("reporting", "from plans.models import Plan", False),
        ("api", "from reporting import models\nfrom core import audit", False),
        ("assessments", "from . import language_levels", False),
        ("core", "from django.db import models", False),
        ("api", "from api.errors import exception_handler", False),
        ("api", "from web.pages import page", True),
        ("web", "from casework.selectors import participant_get", False),
    ],
)
def test_the_import_scanner_tells_upward_from_downward(module_app, source, is_upward):
    assert bool(upward_imports(source, module_app)) is is_upward


@pytest.mark.parametrize("app", LAYERS)
def test_modules_import_only_downwards(app):
    files = source_files(app)
    assert files, f"no sources found for {app}"

    found = []
    for path in files:
        found += upward_imports(path.read_text(encoding="utf-8"), app, str(path.relative_to(ROOT)))

    assert found == [], (
        "imports flow api → reporting → plans → casework → assessments → municipalities → core; point "
        "upwards only by string reference:\n" + "\n".join(found)
    )


# (d) Migrations are complete ----------------------------------------------------------------------


def test_makemigrations_reports_no_changes():
    output = io.StringIO()
    try:
        call_command(
            "makemigrations", "--check", "--dry-run", stdout=output, stderr=output, verbosity=1
        )
    except SystemExit:
        pytest.fail("models and migrations disagree:\n" + output.getvalue())


# (e) Every tenant table has an index led by the municipality --------------------------------------

TENANT_MODELS = [
    Participant,
    Consent,
    CaseNote,
    LanguageAssessment,
    SkillAssessment,
    Enrolment,
    LicenceCard,
    Match,
    Outcome,
    Training,
    Vacancy,
    Employer,
    ServiceNeedsAssessment,
    Plan,
    PlanReview,
    Appointment,
]


def models_with_a_municipality() -> list[type[models.Model]]:
    result = []
    for model in domain_models():
        try:
            field = model._meta.get_field("municipality")
        except Exception:  # noqa: BLE001 - FieldDoesNotExist: not a tenant table
            continue
        if field.is_relation and field.related_model is Municipality:
            result.append(model)
    return result


def test_every_named_tenant_table_carries_the_municipality():
    assert set(TENANT_MODELS) <= set(models_with_a_municipality())


@pytest.mark.parametrize(
    "model",
    sorted({*TENANT_MODELS, *models_with_a_municipality()}, key=label),
    ids=label,
)
def test_every_tenant_table_has_an_index_led_by_the_municipality(model):
    declared = [index for index in model._meta.indexes if index.fields]
    leading = [index for index in declared if index.fields[0] == "municipality"]
    assert leading, f"{label(model)} needs Meta.indexes entry whose first field is municipality"

    # and the index exists in the database with municipality_id first
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    for index in leading:
        assert index.name in constraints, f"{index.name} is not in the database"
        assert constraints[index.name]["columns"][0] == "municipality_id"
