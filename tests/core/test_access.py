"""The role label of the read-access log comes from one priority table next to the capabilities."""

import pytest

from core.access import NO_ROLE, ROLE_CAPABILITIES, ROLE_LABEL_PRIORITY, Role, role_label


def test_every_role_has_exactly_one_place_in_the_label_priority():
    assert sorted(ROLE_LABEL_PRIORITY) == sorted(Role)
    assert set(ROLE_CAPABILITIES) == set(Role)


@pytest.mark.parametrize(
    ("roles", "label"),
    [
        ({Role.COUNSELLOR, Role.ADMIN}, "counsellor"),
        ({Role.EMPLOYER, Role.ADMIN}, "employer"),
        ({Role.ADMIN, Role.COORDINATOR}, "admin"),
        ({Role.MANAGER, Role.COORDINATOR}, "coordinator"),
        ({Role.MANAGER}, "manager"),
        (set(), NO_ROLE),
    ],
)
def test_the_label_is_the_first_role_held_in_priority_order(roles, label):
    assert role_label(roles) == label
