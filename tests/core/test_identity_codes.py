"""The Finnish personal identity code (henkilötunnus), docs/domain.md#identity-codes-and-business-ids."""

import datetime

import pytest

from casework import identity_codes
from casework.identity_codes import InvalidIdentityCode

# The docs/domain.md#identity-codes-and-business-ids alphabet, restated here so that the tests do not trust the module's copy.
CHECK_ALPHABET = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def compute_code(born: datetime.date, sign: str, number: int) -> str:
    """A valid code by the docs/domain.md#identity-codes-and-business-ids algorithm (the century sign does not enter the check)."""
    digits = f"{born:%d%m%y}{number:03d}"
    return f"{born:%d%m%y}{sign}{number:03d}{CHECK_ALPHABET[int(digits) % 31]}"


CENTURY_SIGNS = [
    ("+", 1800),
    ("-", 1900),
    ("Y", 1900),
    ("X", 1900),
    ("W", 1900),
    ("V", 1900),
    ("U", 1900),
    ("A", 2000),
    ("B", 2000),
    ("C", 2000),
    ("D", 2000),
    ("E", 2000),
    ("F", 2000),
]


@pytest.mark.parametrize(("sign", "century"), CENTURY_SIGNS)
def test_every_century_sign_is_accepted_with_its_century(sign, century):
    # given a valid code computed for a birth date in the sign's century
    born = datetime.date(century + 87, 7, 4)
    code = compute_code(born, sign, 345)

    # when it is parsed
    parsed = identity_codes.parse(code)

    # then the date of birth lands in that century and nothing is temporary
    assert parsed.value == code
    assert parsed.date_of_birth == born
    assert parsed.individual_number == 345
    assert parsed.is_temporary is False


@pytest.mark.parametrize("sign", ["G", "Z", "/", "*", "T", "0"])
def test_a_character_that_is_no_century_sign_is_refused(sign):
    # given a code whose digits and check character are right but whose sign is not one
    valid = compute_code(datetime.date(1990, 3, 15), "-", 902)
    code = valid[:6] + sign + valid[7:]

    # when / then
    with pytest.raises(InvalidIdentityCode):
        identity_codes.parse(code)


@pytest.mark.parametrize(
    ("code", "born", "number", "is_temporary"),
    [
        ("150390-902D", datetime.date(1990, 3, 15), 902, True),
        ("150390Y903E", datetime.date(1990, 3, 15), 903, True),
        ("010125B981J", datetime.date(2025, 1, 1), 981, True),
        ("010594Y9032", datetime.date(1994, 5, 1), 903, True),
        ("020516C903K", datetime.date(2016, 5, 2), 903, True),
        ("131052-308T", datetime.date(1952, 10, 13), 308, False),
    ],
)
def test_the_verified_examples_of_domain_md_are_valid(code, born, number, is_temporary):
    parsed = identity_codes.parse(code)

    assert parsed.date_of_birth == born
    assert parsed.individual_number == number
    assert parsed.is_temporary is is_temporary
    assert compute_code(born, code[6], number) == code


@pytest.mark.parametrize(
    "code", ["150390-902D", "150390Y903E", "010125B981J", "131052-308T", "010594Y9032"]
)
def test_every_other_check_character_is_refused(code):
    # given a verified code, every other character of the alphabet in the check position fails
    for wrong in CHECK_ALPHABET.replace(code[-1], ""):
        with pytest.raises(InvalidIdentityCode, match="check character"):
            identity_codes.parse(code[:-1] + wrong)


@pytest.mark.parametrize("wrong", ["G", "I", "O", "Q", "Z"])
def test_letters_outside_the_check_alphabet_are_refused(wrong):
    with pytest.raises(InvalidIdentityCode):
        identity_codes.parse("150390-902" + wrong)


@pytest.mark.parametrize(
    ("ddmmyy", "sign"),
    [
        ("310290", "-"),  # 31 February never exists
        ("300290", "A"),
        ("290223", "-"),  # 1923 is not a leap year
        ("290223", "A"),  # 2023 is not a leap year
        ("290200", "-"),  # 1900 is not a leap year (divisible by 100)
        ("290200", "+"),  # nor is 1800
        ("310490", "-"),  # April has 30 days
        ("001090", "-"),  # day 0
        ("011390", "-"),  # month 13
        ("010090", "Y"),  # month 0
    ],
)
def test_impossible_dates_are_refused(ddmmyy, sign):
    # given a code whose check character is right for its digits, but whose date does not exist
    digits = f"{ddmmyy}902"
    code = f"{ddmmyy}{sign}902{CHECK_ALPHABET[int(digits) % 31]}"

    # when / then
    with pytest.raises(InvalidIdentityCode, match="date"):
        identity_codes.parse(code)


@pytest.mark.parametrize(
    ("ddmmyy", "sign", "born"),
    [
        ("290200", "A", datetime.date(2000, 2, 29)),  # 2000 is a leap year (divisible by 400)
        ("290224", "B", datetime.date(2024, 2, 29)),
        ("290296", "-", datetime.date(1996, 2, 29)),
        ("311299", "-", datetime.date(1999, 12, 31)),
        ("010100", "A", datetime.date(2000, 1, 1)),
    ],
)
def test_leap_days_and_year_ends_that_exist_are_accepted(ddmmyy, sign, born):
    code = compute_code(born, sign, 902)
    assert code.startswith(ddmmyy)

    assert identity_codes.parse(code).date_of_birth == born


@pytest.mark.parametrize("number", [0, 1])
def test_individual_numbers_000_and_001_are_refused(number):
    # given a code with a right check character but an individual number never issued
    code = compute_code(datetime.date(1990, 3, 15), "-", number)

    with pytest.raises(InvalidIdentityCode, match="individual number"):
        identity_codes.parse(code)


@pytest.mark.parametrize(
    ("number", "is_temporary"),
    [(2, False), (3, False), (500, False), (899, False), (900, True), (950, True), (999, True)],
)
def test_numbers_900_to_999_are_accepted_and_flagged_temporary(number, is_temporary):
    code = compute_code(datetime.date(1990, 3, 15), "-", number)

    parsed = identity_codes.parse(code)

    assert parsed.individual_number == number
    assert parsed.is_temporary is is_temporary


@pytest.mark.parametrize(
    ("given", "normalised"),
    [
        ("150390y903e", "150390Y903E"),
        ("010125b981j", "010125B981J"),
        ("  150390-902d ", "150390-902D"),
        ("150390-902D\n", "150390-902D"),
    ],
)
def test_lower_case_and_surrounding_space_are_normalised(given, normalised):
    assert identity_codes.normalise(given) == normalised
    assert identity_codes.parse(given).value == normalised


@pytest.mark.parametrize(
    "code",
    [
        "",
        "150390902D",  # no century sign
        "150390-902",  # no check character
        "150390-902DD",
        "15039-0902D",
        "150390 902D",
        "1503900-902D",
        "15O390-902D",  # a letter O for a zero
        "150390-90 2D",
    ],
)
def test_malformed_codes_are_refused(code):
    with pytest.raises(InvalidIdentityCode):
        identity_codes.parse(code)


def test_two_codes_differing_only_in_the_century_sign_are_both_valid_and_distinct():
    # docs/domain.md#identity-codes-and-business-ids: the separator is distinguishing since 2023, with the same check character
    first = identity_codes.parse("010190-999W")
    second = identity_codes.parse("010190Y999W")

    assert first.value != second.value
    assert first.date_of_birth == second.date_of_birth


@pytest.mark.parametrize(
    ("code", "masked"),
    [
        ("150390-902D", "150390-****"),
        ("150390Y903E", "150390-****"),
        ("010125B981J", "010125-****"),
        ("131052-308T", "131052-****"),
    ],
)
def test_masking_shows_only_the_date_as_ddmmyy_and_four_stars(code, masked):
    parsed = identity_codes.parse(code)

    assert parsed.masked == masked
    assert identity_codes.mask(parsed.date_of_birth) == masked
    assert parsed.value[7:] not in parsed.masked
