"""``core.sql.planner_settings``: the settings hold inside the block and never outlive it."""

import pytest
from django.db import connection, transaction

from core.sql import planner_settings

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="planner settings are PostgreSQL's"
)


def _setting(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return cursor.fetchone()[0]


def test_inside_an_outer_transaction_the_previous_values_come_back():
    with transaction.atomic():
        before = _setting("work_mem"), _setting("enable_nestloop"), _setting("jit")
        with planner_settings(enable_nestloop="off", work_mem="64MB"):
            assert (_setting("work_mem"), _setting("enable_nestloop"), _setting("jit")) == (
                "64MB",
                "off",
                "off",
            )
        assert (_setting("work_mem"), _setting("enable_nestloop"), _setting("jit")) == before


def test_an_error_inside_the_block_leaves_the_previous_values_too():
    with transaction.atomic():
        before = _setting("enable_nestloop")
        with pytest.raises(ZeroDivisionError), planner_settings(enable_nestloop="off"):
            1 / 0  # noqa: B018
        assert _setting("enable_nestloop") == before
