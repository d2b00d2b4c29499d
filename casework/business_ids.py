"""The Finnish business id (Y-tunnus), docs/domain.md: ``NNNNNNN-C`` with a weighted mod-11 check."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

_PATTERN = re.compile(r"^(\d{6,7})-(\d)$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


class InvalidBusinessId(ValueError):
    pass


def parse(value: str) -> str:
    """Return the normalised business id (seven digits, older six-digit ids zero-padded)."""
    match = _PATTERN.match(value.strip())
    if not match:
        raise InvalidBusinessId(_("A business id is NNNNNNN-C, e.g. 0112038-9."))
    digits, check = match.group(1).zfill(7), int(match.group(2))
    remainder = sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=True)) % 11
    if remainder == 1:
        raise InvalidBusinessId(_("No business id is issued with this number (remainder 1)."))
    expected = 0 if remainder == 0 else 11 - remainder
    if check != expected:
        raise InvalidBusinessId(_("The check digit of the business id is wrong."))
    return f"{digits}-{check}"
