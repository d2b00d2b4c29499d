"""Reviews of agreed plans (681/2023 §22: on changed needs, on the client's request, and at
least every six months)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.errors import Conflict
from core.validation import Errors, today
from plans.models import Plan, PlanReview


def plan_review_create(
    *,
    actor: Any,
    plan: Plan,
    summary: str,
    reviewed_on: datetime.date | None = None,
    changes: str = "",
    client_requested: bool = False,
    county_present: bool = False,
) -> PlanReview:
    """Record a review of an agreed plan (409 ``plan_not_agreed`` for a draft or ended one). The
    day may not be in the future nor before the plan was agreed."""
    reviewed_on = reviewed_on or today()
    with transaction.atomic():
        plan = Plan.objects.get(pk=plan.pk)
        if plan.status != Plan.Status.AGREED:
            raise Conflict(_("Only an agreed plan is reviewed."), code="plan_not_agreed")
        errors = Errors()
        errors.not_in_future("reviewed_on", reviewed_on)
        if plan.agreed_on and reviewed_on < plan.agreed_on:
            errors.add("reviewed_on", _("A review cannot precede the plan's agreement."))
        if not (summary or "").strip():
            errors.add("summary", _("This field may not be blank."))
        errors.raise_if_any()
        review = PlanReview(
            plan=plan,
            participant_id=plan.participant_id,
            municipality_id=plan.municipality_id,
            reviewed_on=reviewed_on,
            summary=summary.strip(),
            changes=(changes or "").strip(),
            client_requested=client_requested,
            county_present=county_present,
        )
        return audit.create(review, actor=actor, reason="plan reviewed")
