"""The Finnish business id (Y-tunnus), the pinned check of docs/domain.md."""

import pytest

from casework import business_ids
from casework.business_ids import InvalidBusinessId

WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def remainder(digits: str) -> int:
    return sum(int(digit) * weight for digit, weight in zip(digits, WEIGHTS, strict=True)) % 11


def check_digit(digits: str) -> int:
    """docs/domain.md: r = 0 gives 0, r = 1 is never issued, otherwise 11 − r."""
    r = remainder(digits)
    assert r != 1
    return 0 if r == 0 else 11 - r


def numbers_with_remainder(wanted: int, count: int) -> list[str]:
    found = []
    number = 1000000
    while len(found) < count:
        digits = f"{number:07d}"
        if remainder(digits) == wanted:
            found.append(digits)
        number += 13
    return found


@pytest.mark.parametrize("business_id", ["0112038-9", "1572860-0", "2331972-7"])
def test_the_example_ids_are_valid_by_the_pinned_rule(business_id):
    # given the examples of docs/domain.md, checked against the rule itself
    digits, check = business_id.split("-")
    assert check_digit(digits) == int(check)

    # when / then the module accepts them unchanged
    assert business_ids.parse(business_id) == business_id


@pytest.mark.parametrize("business_id", ["0112038-9", "1572860-0", "2331972-7"])
def test_every_wrong_check_digit_is_refused(business_id):
    digits, check = business_id.split("-")
    for wrong in "0123456789".replace(check, ""):
        with pytest.raises(InvalidBusinessId, match="check digit"):
            business_ids.parse(f"{digits}-{wrong}")


@pytest.mark.parametrize("digits", numbers_with_remainder(0, 3))
def test_remainder_zero_gives_check_digit_zero(digits):
    assert business_ids.parse(f"{digits}-0") == f"{digits}-0"
    with pytest.raises(InvalidBusinessId):
        business_ids.parse(f"{digits}-1")


@pytest.mark.parametrize("digits", numbers_with_remainder(1, 4))
def test_numbers_with_remainder_one_are_refused_whatever_the_check_digit(digits):
    for check in "0123456789":
        with pytest.raises(InvalidBusinessId, match="remainder 1"):
            business_ids.parse(f"{digits}-{check}")


@pytest.mark.parametrize(
    ("given", "normalised"),
    [
        ("112038-9", "0112038-9"),  # an older six-digit id is written with a leading zero
        ("0112038-9", "0112038-9"),
        (" 1572860-0 ", "1572860-0"),
    ],
)
def test_six_digit_ids_are_zero_padded(given, normalised):
    assert business_ids.parse(given) == normalised


def test_a_six_digit_id_is_checked_after_padding():
    # 112038 padded to 0112038 has check digit 9; any other is wrong
    with pytest.raises(InvalidBusinessId):
        business_ids.parse("112038-8")


@pytest.mark.parametrize(
    "value",
    ["", "01120389", "0112038_9", "0112038-", "-9", "12345-6", "12345678-9", "O112038-9",
     "0112038-10", "0112038 - 9"],
)  # fmt: skip
def test_malformed_ids_are_refused(value):
    with pytest.raises(InvalidBusinessId):
        business_ids.parse(value)
