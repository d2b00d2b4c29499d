"""The Finnish personal identity code (henkilötunnus), docs/domain.md#identity-codes-and-business-ids.

``DDMMYY C NNN Q``: date of birth, century sign, individual number, check character. Every
century sign in use since 2023 is accepted; 900–999 are temporary numbers (flagged, accepted).
The check character ignores the century sign, so the full 11 characters are always compared.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
CENTURY_SIGNS = {
    "+": 1800,
    "-": 1900, "Y": 1900, "X": 1900, "W": 1900, "V": 1900, "U": 1900,
    "A": 2000, "B": 2000, "C": 2000, "D": 2000, "E": 2000, "F": 2000,
}  # fmt: skip
_PATTERN = re.compile(r"^(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])$")


class InvalidIdentityCode(ValueError):
    pass


@dataclass(frozen=True)
class IdentityCode:
    value: str
    date_of_birth: datetime.date
    individual_number: int

    @property
    def is_temporary(self) -> bool:
        return self.individual_number >= 900

    @property
    def masked(self) -> str:
        return mask(self.date_of_birth)


def normalise(value: str) -> str:
    return value.strip().upper()


def parse(value: str) -> IdentityCode:
    """Validate and parse a code; raise ``InvalidIdentityCode`` saying what is wrong."""
    code = normalise(value)
    match = _PATTERN.match(code)
    if not match:
        raise InvalidIdentityCode(
            _("A personal identity code is DDMMYYCNNNQ, e.g. 150390-902D (11 characters).")
        )
    day, month, year, sign, number, check = match.groups()
    if sign not in CENTURY_SIGNS:
        raise InvalidIdentityCode(_("%(sign)s is not a century sign.") % {"sign": repr(sign)})
    try:
        born = datetime.date(CENTURY_SIGNS[sign] + int(year), int(month), int(day))
    except ValueError:
        raise InvalidIdentityCode(
            _("The date in the personal identity code does not exist.")
        ) from None
    individual_number = int(number)
    if individual_number < 2:
        raise InvalidIdentityCode(_("The individual number must be 002–999."))
    if CHECK_CHARACTERS[int(day + month + year + number) % 31] != check:
        raise InvalidIdentityCode(_("The check character of the personal identity code is wrong."))
    return IdentityCode(value=code, date_of_birth=born, individual_number=individual_number)


def mask(date_of_birth: datetime.date) -> str:
    """How every read shows a stored code: ``DDMMYY-****``."""
    return f"{date_of_birth:%d%m%y}-****"
