"""What agreeing a plan checks (docs/domain.md#plans-appointments-and-the-worklist; ADR 15 gives each rule its source). The service
gathers the facts from the database and these functions answer the errors per field, all at once,
so the counsellor sees everything missing in one answer (409 ``plan_incomplete``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from core.validation import Errors
from plans import rules


@dataclass(frozen=True)
class Facts:
    """What the rules need beyond the plan itself."""

    job_seeker: bool
    #: A completed service-needs assessment with ``plan_needed`` true (§14, §16).
    assessed_as_needing_a_plan: bool
    #: The start of the participant's earliest other integration plan that was ever agreed;
    #: None when this is the first one (§23).
    first_plan_started_on: datetime.date | None
    date_of_birth: datetime.date | None


def extension_limit(
    base: datetime.date,
    extensions: list[dict[str, Any]],
    date_of_birth: datetime.date | None,
    errors: Errors,
) -> datetime.date:
    """The latest end the extensions allow, beyond ``base`` (the first plan's start + 2 years).

    Extensions are taken in the order of their ``until``: each one carries the limit from where
    the previous one left it to its ``until``. The discretionary ones (§23(2)) may add at most
    two years together; the studies extension (§31) at most one year and only under 25; the
    illness/parental one (§23(3)) as long as the prevention lasted (its reason says how long)."""
    limit = base
    discretionary_days = 0
    allowance = (rules.add_years(base, 2) - base).days
    for index, extension in sorted(
        enumerate(extensions), key=lambda pair: pair[1].get("until") or ""
    ):
        until = rules.as_date(extension.get("until"))
        code = extension.get("reason_code")
        field = f"extensions.{index}"
        if until is None:
            continue
        if until <= limit:
            errors.add(f"{field}.until", _("An extension must reach beyond %(limit)s.") % {
                "limit": limit.isoformat()})  # fmt: skip
            continue
        length = (until - limit).days
        if code in rules.DISCRETIONARY_EXTENSIONS:
            discretionary_days += length
            if discretionary_days > allowance:
                errors.add(
                    f"{field}.until",
                    _("The discretionary extensions together may add at most 2 years."),
                )
        elif code == rules.STUDIES_EXTENSION:
            if not rules.is_under(date_of_birth, 25, limit):
                errors.add(f"{field}.reason_code", _("Only a client under 25 gets this extension."))
            if until > rules.add_years(limit, 1):
                errors.add(f"{field}.until", _("The studies extension adds at most 1 year."))
        elif code == rules.ILLNESS_EXTENSION and not (extension.get("reason") or "").strip():
            errors.add(f"{field}.reason", _("Say what prevented the plan and for how long."))
        limit = until
    return limit


def duration_errors(plan: Any, facts: Facts, errors: Errors) -> None:
    """§23: the first integration plan lasts at most one year; every integration plan ends at
    most two years after the first one started, plus its extensions."""
    starts_on, ends_on = plan.starts_on, plan.ends_on
    if starts_on is None:
        errors.add("starts_on", _("An agreed plan needs a start date."))
    if ends_on is None:
        errors.add("ends_on", _("An agreed plan needs an end date."))
    if starts_on is None or ends_on is None or plan.kind != "integration":
        return
    first_start = facts.first_plan_started_on
    if first_start is None or first_start > starts_on:
        first_start = starts_on
        if ends_on > rules.add_years(starts_on, 1):
            errors.add("ends_on", _("The first integration plan lasts at most 1 year."))
    limit = extension_limit(
        rules.add_years(first_start, 2), plan.extensions or [], facts.date_of_birth, errors
    )
    if ends_on > limit:
        errors.add(
            "ends_on",
            _(
                "Integration plans end at most 2 years after the first one started "
                "(%(start)s), plus extensions: at the latest %(limit)s."
            )
            % {"start": first_start.isoformat(), "limit": limit.isoformat()},
        )


def agree_errors(plan: Any, facts: Facts) -> dict[str, list[str]]:
    """Every rule a plan must meet to be agreed, as ``{field: [message, …]}`` (empty: agreeable)."""
    errors = Errors()
    horizons = {goal.get("horizon") for goal in plan.goals or []}
    if "long_term" not in horizons:
        errors.add("goals", _("Add at least one long-term goal."))
    if "period" not in horizons:
        errors.add("goals", _("Add at least one goal for the plan period."))
    for index, service in enumerate(plan.services or []):
        if not (service.get("justification") or "").strip():
            errors.add(
                f"services.{index}.justification",
                _("Justify every agreed service against the goals."),
            )
    if not plan.rights_explained:
        errors.add("rights_explained", _("Explain the client's rights and duties first."))
    if plan.kind == "integration" and not facts.assessed_as_needing_a_plan:
        errors.add(
            "service_needs_assessment",
            _("An integration plan needs a completed assessment that found a plan needed."),
        )
    if facts.job_seeker:
        if not any(goal.get("kind") in rules.WORK_GOAL_KINDS for goal in plan.goals or []):
            errors.add(
                "goals", _("A job seeker's plan needs an employment or entrepreneurship goal.")
            )
        obligation = plan.job_search_obligation
        if obligation is None:
            errors.add(
                "job_search_obligation", _("A job seeker's plan sets a job-search obligation.")
            )
        elif (
            obligation["applications"] * rules.DEFAULT_PERIOD_MONTHS
            < (rules.DEFAULT_APPLICATIONS * obligation["period_months"])
            and not (obligation.get("reason") or "").strip()
        ):
            errors.add(
                "job_search_obligation.reason",
                _("Fewer than 4 applications a month needs a reason."),
            )
    duration_errors(plan, facts, errors)
    return errors.errors
