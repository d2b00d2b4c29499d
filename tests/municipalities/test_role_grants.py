"""Role grants: the audited RoleGrant rows, their mirror in guardian groups, and the municipal
scope a user's grants give. ``access_of`` memoises on the user object, so every check reads a
freshly fetched user."""

import pytest
from django.contrib.auth import get_user_model

from casework.access import access_of, municipality_ids_for
from core import audit
from core.actors import system_actor
from core.errors import Conflict, ValidationFailed
from municipalities import services
from municipalities.models import Municipality, MunicipalityGroupObjectPermission, RoleGrant
from tests import factories
from tests.helpers import snapshot

User = get_user_model()


def fresh(user):
    return User.objects.get(pk=user.pk)


def ids(*codes):
    return frozenset(Municipality.objects.filter(code__in=codes).values_list("id", flat=True))


def all_ids():
    return frozenset(Municipality.objects.values_list("id", flat=True))


@pytest.fixture
def admin():
    return factories.admin_user()


@pytest.fixture
def user():
    return factories.UserFactory()


@pytest.mark.parametrize("role", ["counsellor", "manager", "coordinator"])
def test_role_grant_creates_an_audited_row_and_joins_the_group(admin, user, role, jamsa):
    grant = services.role_grant(
        actor=admin, user=user, role=role, municipality=jamsa, reason="new hire"
    )

    stored = RoleGrant.objects.get(pk=grant.pk)
    assert (stored.user_id, stored.role, stored.municipality_id) == (user.pk, role, jamsa.pk)
    assert stored.is_active is True
    assert stored.revoked_at is None
    assert stored.version == 1
    rows = list(stored.history.all())
    assert len(rows) == 1
    assert rows[0].history_user_id == admin.pk
    assert rows[0].history_change_reason == "new hire"
    # the user joins the (municipality, role) group, which holds the permission on Jämsä
    group = fresh(user).groups.get()
    assert group.name == f"{role}@182"
    assert MunicipalityGroupObjectPermission.objects.filter(
        group=group, content_object=jamsa, permission__codename=f"act_as_{role}"
    ).exists()
    assert fresh(user).has_perm(f"municipalities.act_as_{role}", jamsa)
    assert not fresh(user).has_perm(f"municipalities.act_as_{role}", factories.municipality("992"))


def test_role_grant_has_a_default_reason(admin, user, jamsa):
    grant = services.role_grant(actor=admin, user=user, role="manager", municipality=jamsa)

    assert grant.history.get().history_change_reason


@pytest.mark.parametrize("role", ["counsellor", "manager", "coordinator"])
def test_the_scope_answers_the_granted_municipalities_per_role(admin, user, role):
    services.role_grant(
        actor=admin, user=user, role=role, municipality=factories.municipality("182")
    )
    services.role_grant(
        actor=admin, user=user, role=role, municipality=factories.municipality("249")
    )

    scope = access_of(fresh(user))

    assert scope.municipality_ids(role) == ids("182", "249")
    assert scope.municipal_roles == {role}
    assert scope.is_pilot_coordinator is False
    for other_role in {"counsellor", "manager", "coordinator"} - {role}:
        assert municipality_ids_for(fresh(user), other_role) == frozenset()


def test_a_user_with_several_roles_has_a_scope_per_role(admin, user):
    services.role_grant(
        actor=admin, user=user, role="counsellor", municipality=factories.municipality("182")
    )
    services.role_grant(
        actor=admin, user=user, role="manager", municipality=factories.municipality("992")
    )
    services.role_grant(
        actor=admin, user=user, role="manager", municipality=factories.municipality("931")
    )

    assert municipality_ids_for(fresh(user), "counsellor") == ids("182")
    assert municipality_ids_for(fresh(user), "manager") == ids("992", "931")
    assert municipality_ids_for(fresh(user)) == ids("182", "992", "931")
    assert municipality_ids_for(fresh(user), "counsellor", "manager") == ids("182", "992", "931")
    assert municipality_ids_for(fresh(user), "coordinator") == frozenset()
    assert access_of(fresh(user)).municipal_roles == {"counsellor", "manager"}


def test_a_pilot_wide_coordinator_sees_every_municipality(admin, user):
    services.role_grant(actor=admin, user=user, role="coordinator", municipality=None)

    scope = access_of(fresh(user))

    assert scope.is_pilot_coordinator is True
    assert scope.municipality_ids("coordinator") == all_ids()
    assert len(all_ids()) == 9
    assert scope.municipal_roles == {"coordinator"}
    assert municipality_ids_for(fresh(user), "counsellor") == frozenset()
    assert municipality_ids_for(fresh(user), "manager") == frozenset()
    assert fresh(user).groups.get().name == "coordinator@pilot"


def test_a_pilot_wide_coordinator_covers_a_municipality_added_later(admin, user):
    services.role_grant(actor=admin, user=user, role="coordinator", municipality=None)
    muurame = audit.create(
        Municipality(code="500", name_fi="Muurame", region_code="13"),
        actor=system_actor(),
        reason="test data",
    )

    assert muurame.pk in municipality_ids_for(fresh(user), "coordinator")


def test_a_municipal_coordinator_is_not_pilot_wide(admin, user, jamsa):
    services.role_grant(actor=admin, user=user, role="coordinator", municipality=jamsa)

    scope = access_of(fresh(user))

    assert scope.is_pilot_coordinator is False
    assert scope.municipality_ids("coordinator") == ids("182")


def test_users_without_grants_and_inactive_users_have_no_scope(admin, user, jamsa):
    assert municipality_ids_for(fresh(user)) == frozenset()

    services.role_grant(actor=admin, user=user, role="counsellor", municipality=jamsa)
    user.is_active = False
    user.save()

    assert municipality_ids_for(fresh(user)) == frozenset()
    assert access_of(fresh(user)).municipal_roles == frozenset()


def test_role_revoke_removes_the_scope_and_keeps_the_row(admin, user, jamsa, aanekoski):
    grant = services.role_grant(actor=admin, user=user, role="counsellor", municipality=jamsa)
    services.role_grant(actor=admin, user=user, role="counsellor", municipality=aanekoski)
    colleague = factories.counsellor("182")

    services.role_revoke(actor=admin, grant=grant, reason="moved to another job")

    stored = RoleGrant.objects.get(pk=grant.pk)
    assert stored.is_active is False
    assert stored.revoked_at is not None
    assert stored.version == 2
    latest = stored.history.order_by("-history_id").first()
    assert stored.history.count() == 2
    assert latest.history_user_id == admin.pk
    assert latest.history_change_reason == "moved to another job"
    assert municipality_ids_for(fresh(user), "counsellor") == ids("992")
    assert list(fresh(user).groups.values_list("name", flat=True)) == ["counsellor@992"]
    assert not fresh(user).has_perm("municipalities.act_as_counsellor", jamsa)
    # the colleague in the same (municipality, role) group keeps their scope
    assert municipality_ids_for(fresh(colleague), "counsellor") == ids("182")


def test_revoking_a_pilot_wide_coordinator_removes_every_municipality(admin, user, jamsa):
    pilot = services.role_grant(actor=admin, user=user, role="coordinator", municipality=None)
    services.role_grant(actor=admin, user=user, role="coordinator", municipality=jamsa)

    services.role_revoke(actor=admin, grant=pilot)

    scope = access_of(fresh(user))
    assert scope.is_pilot_coordinator is False
    assert scope.municipality_ids("coordinator") == ids("182")


def test_a_grant_is_revoked_only_once(admin, user, jamsa):
    grant = services.role_grant(actor=admin, user=user, role="manager", municipality=jamsa)
    services.role_revoke(actor=admin, grant=grant)
    before = snapshot(grant)

    with pytest.raises(Conflict) as error:
        services.role_revoke(actor=admin, grant=grant)

    assert error.value.code == "already_revoked"
    assert snapshot(grant) == before


def test_a_revoked_role_can_be_granted_again(admin, user, jamsa):
    grant = services.role_grant(actor=admin, user=user, role="manager", municipality=jamsa)
    services.role_revoke(actor=admin, grant=grant)

    services.role_grant(actor=admin, user=user, role="manager", municipality=jamsa)

    assert RoleGrant.objects.filter(user=user).count() == 2
    assert municipality_ids_for(fresh(user), "manager") == ids("182")


@pytest.mark.parametrize(("role", "code"), [("counsellor", "182"), ("manager", "992"),
                                            ("coordinator", "182"), ("coordinator", None)])  # fmt: skip
def test_a_duplicate_grant_is_a_conflict(admin, user, role, code):
    municipality = factories.municipality(code) if code else None
    grant = services.role_grant(actor=admin, user=user, role=role, municipality=municipality)
    before = snapshot(grant)

    with pytest.raises(Conflict) as error:
        services.role_grant(actor=admin, user=user, role=role, municipality=municipality)

    assert error.value.code == "already_granted"
    assert RoleGrant.objects.filter(user=user).count() == 1
    assert snapshot(grant) == before


@pytest.mark.parametrize("role", ["counsellor", "manager"])
def test_only_a_coordinator_may_be_pilot_wide(admin, user, role):
    with pytest.raises(ValidationFailed) as error:
        services.role_grant(actor=admin, user=user, role=role, municipality=None)

    assert "municipality" in error.value.errors
    assert not RoleGrant.objects.filter(user=user).exists()
    assert not fresh(user).groups.exists()


@pytest.mark.parametrize("role", ["employer", "admin", "Counsellor", ""])
def test_an_unknown_role_is_refused(admin, user, role, jamsa):
    with pytest.raises(ValidationFailed) as error:
        services.role_grant(actor=admin, user=user, role=role, municipality=jamsa)

    assert "role" in error.value.errors
    assert not RoleGrant.objects.filter(user=user).exists()


@pytest.mark.parametrize(("role", "code"), [("counsellor", "182"), ("manager", "992"),
                                            ("coordinator", "182"), ("coordinator", None)])  # fmt: skip
def test_an_employer_user_cannot_get_a_grant(admin, role, code):
    employer_user = factories.employer_user()
    municipality = factories.municipality(code) if code else None

    with pytest.raises(ValidationFailed) as error:
        services.role_grant(actor=admin, user=employer_user, role=role, municipality=municipality)

    assert "user" in error.value.errors
    assert not RoleGrant.objects.filter(user=employer_user).exists()
    assert not fresh(employer_user).groups.exists()
    assert municipality_ids_for(fresh(employer_user)) == frozenset()
