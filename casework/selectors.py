from __future__ import annotations

from typing import Any

from casework.models import Employer


def employer_of(user: Any) -> Employer | None:
    """The Employer an employer user belongs to, or None for every other user."""
    membership = getattr(user, "employer_membership", None)
    return membership.employer if membership is not None else None
