"""The Finnish sub-level scale and its CEFR and YKI roll-ups (docs/domain.md)."""

import pytest

from assessments import language_levels

SCALE = ["A1.1", "A1.2", "A1.3", "A2.1", "A2.2", "B1.1", "B1.2",
         "B2.1", "B2.2", "C1.1", "C1.2", "C2.1", "C2.2"]  # fmt: skip

ROLL_UP = {
    "A1.1": ("A1", 1),
    "A1.2": ("A1", 1),
    "A1.3": ("A1", 1),
    "A2.1": ("A2", 2),
    "A2.2": ("A2", 2),
    "B1.1": ("B1", 3),
    "B1.2": ("B1", 3),
    "B2.1": ("B2", 4),
    "B2.2": ("B2", 4),
    "C1.1": ("C1", 5),
    "C1.2": ("C1", 5),
    "C2.1": ("C2", 6),
    "C2.2": ("C2", 6),
}


def test_the_scale_is_exactly_a1_1_to_c2_2_in_order():
    assert list(language_levels.LEVELS) == SCALE
    assert [value for value, _label in language_levels.LEVEL_CHOICES] == SCALE


def test_the_skills_are_the_four_yki_sub_tests():
    assert language_levels.SKILLS == ("reading", "listening", "speaking", "writing")


@pytest.mark.parametrize(("level", "expected"), ROLL_UP.items())
def test_each_level_rolls_up_to_cefr_and_yki(level, expected):
    cefr, yki = expected

    assert language_levels.cefr(level) == cefr
    assert language_levels.yki(level) == yki


def test_no_level_rolls_up_to_nothing():
    assert language_levels.cefr(None) is None
    assert language_levels.yki(None) is None


@pytest.mark.parametrize(("position", "level"), list(enumerate(SCALE)))
def test_rank_is_the_position_on_the_scale(position, level):
    assert language_levels.rank(level) == position


@pytest.mark.parametrize(
    ("lower", "higher", "distance"),
    [
        ("A1.1", "A1.1", 0),
        ("A1.3", "A2.1", 1),  # across a CEFR boundary is one sub-level
        ("A2.1", "B1.1", 2),
        ("A2.2", "B1.1", 1),
        ("B1.1", "B2.2", 3),
        ("A1.1", "C2.2", 12),
    ],
)
def test_rank_differences_count_sub_levels(lower, higher, distance):
    assert language_levels.rank(higher) - language_levels.rank(lower) == distance


@pytest.mark.parametrize("level", SCALE)
def test_every_level_of_the_scale_is_a_level(level):
    assert language_levels.is_level(level) is True


@pytest.mark.parametrize(
    "value", ["A1", "B1", "C2.3", "A2.3", "a1.1", "0", "", " A1.1", None, 3, "A1.1 "]
)
def test_anything_else_is_not_a_level(value):
    assert language_levels.is_level(value) is False


@pytest.mark.parametrize("value", ["A1", "C2.3", "a1.1"])
def test_rank_of_an_unknown_level_fails_loudly(value):
    with pytest.raises(KeyError):
        language_levels.rank(value)
