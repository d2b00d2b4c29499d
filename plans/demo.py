"""The demo's worklist story (``manage.py seed_demo``, DESIGN §10): after the casework is
loaded, each demo counsellor's caseload gets service-needs assessments, plans in every state,
reviews and appointments, so that their worklist opens with some items overdue, some due soon,
and some participants clear. Deterministic (a fixed seed and rotation); called once by
seed_demo through ``PlansConfig.demo_story`` (casework may not import plans)."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.db import transaction

from casework import services as casework_services
from casework.models import Participant
from core import audit
from plans.models import Appointment, Plan, PlanReview, ServiceNeedsAssessment

REASON = "demo data"
DAY = datetime.timedelta(days=1)

ITEMS = {
    "literacy": "Reads and writes in the Latin script.",
    "language_skills": "Finnish about A1.3 by the counsellor's estimate.",
    "study_and_work_skills": "Used to classroom study; several years of work.",
    "service_needs_and_goals": "Work in the sector of earlier experience; Finnish first.",
    "education_and_work_history": "Upper secondary school; work in services.",
    "strengths": "Customer service, reliability.",
    "life_situation": "Settled in the municipality; family needs met.",
    "other_needs": "None found.",
}


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=datetime.UTC)


class _Story:
    def __init__(self, actor: Any, today: datetime.date) -> None:
        self.actor = actor
        self.today = today
        self.stories: Counter[str] = Counter()

    def create(self, instance: Any) -> Any:
        return audit.create(instance, actor=self.actor, reason=REASON)

    def assessment(self, person: Participant, completed_days_ago: int) -> Any:
        completed = self.today - completed_days_ago * DAY
        return self.create(
            ServiceNeedsAssessment(
                participant=person,
                municipality_id=person.municipality_id,
                started_on=completed - 3 * DAY,
                completed_on=completed,
                language_used="fi",
                interpreter_used=True,
                plan_needed=True,
                informed_on=completed,
                further_steps=["language_test"],
                **ITEMS,
            )
        )

    def plan(
        self, person: Participant, *, status: str, agreed_days_ago: int, unreferred: int = 0,
        ends_in_days: int = 300,
    ) -> Plan:  # fmt: skip
        agreed = self.today - agreed_days_ago * DAY
        services = [
            {
                "kind": "integration_training",
                "description": "Integration training in Finnish",
                "provider": "Gradia",
                "starts_on": (agreed + 20 * DAY).isoformat(),
                "ends_on": (agreed + 200 * DAY).isoformat(),
                "hours": 700,
                "justification": "Finnish is needed for the employment goal.",
                "referred_on": None if unreferred else (agreed + 7 * DAY).isoformat(),
                "completed_on": None,
            }
        ]
        return self.create(
            Plan(
                participant=person,
                municipality_id=person.municipality_id,
                kind="integration",
                status=status,
                starts_on=agreed,
                ends_on=self.today + ends_in_days * DAY,
                agreed_on=agreed if status != "draft" else None,
                ended_on=self.today - 10 * DAY if status == "ended" else None,
                goals=[
                    {
                        "horizon": "long_term",
                        "kind": "employment",
                        "text": "Work in services.",
                        "achieved_on": None,
                    },
                    {
                        "horizon": "period",
                        "kind": "language",
                        "text": "Finnish A2.1.",
                        "achieved_on": None,
                    },
                ],  # fmt: skip
                services=services,
                follow_up="A meeting with the counsellor every month.",
                rights_explained=True,
                unreferred_services=unreferred,
            )
        )

    def appointment(self, person: Participant, kind: str, status: str, days_ago: int) -> None:
        self.create(
            Appointment(
                participant=person,
                municipality_id=person.municipality_id,
                kind=kind,
                starts_at=_at(self.today - days_ago * DAY),
                channel="in_person",
                status=status,
                summary="" if status != "held" else "Went through the plan and the next steps.",
            )
        )

    def tell(self, index: int, person: Participant) -> None:
        scenario = (0, 1, 2, 3, 6, 4, 5, 7)[index % 8]  # the plan states early on
        if scenario == 0:  # assessment done three weeks ago, plan overdue
            self.assessment(person, 21)
            self.stories["plan overdue"] += 1
        elif scenario == 1:  # plan agreed 5½ months ago, a service not yet referred
            self.assessment(person, 175)
            self.plan(person, status="agreed", agreed_days_ago=170, unreferred=1)
            self.appointment(person, "guidance", "held", 40)
            self.stories["referral overdue, review due soon"] += 1
        elif scenario == 2:  # everything in order
            self.assessment(person, 70)
            plan = self.plan(person, status="agreed", agreed_days_ago=60)
            self.create(
                PlanReview(
                    plan=plan,
                    participant=person,
                    municipality_id=person.municipality_id,
                    reviewed_on=self.today - 5 * DAY,
                    summary="Integration training started; goals unchanged.",
                )
            )
            self.appointment(person, "plan_review", "held", 5)
            self.stories["clear"] += 1
        elif scenario == 3:  # job search started last week: initial interview due soon
            casework_services.participant_update(
                actor=self.actor,
                participant=person,
                data={"job_seeker_since": self.today - 5 * DAY},
                reason=REASON,
            )
            self.appointment(person, "initial_interview", "planned", -3)
            self.stories["initial interview due soon"] += 1
        elif scenario == 4:  # missed an appointment last week
            self.appointment(person, "guidance", "missed", 6)
            self.stories["missed appointment"] += 1
        elif scenario == 5:  # assessment done five days ago, plan being drafted
            self.assessment(person, 5)
            self.plan(person, status="draft", agreed_days_ago=0)
            self.stories["plan due soon"] += 1
        elif scenario == 6:  # first plan ended; the second ends in three weeks
            self.assessment(person, 400)
            self.plan(person, status="ended", agreed_days_ago=390)
            self.plan(person, status="agreed", agreed_days_ago=9, ends_in_days=20)
            self.appointment(person, "guidance", "held", 9)
            self.stories["plan ending"] += 1
        else:  # job seeker whose three-monthly discussion is due soon
            casework_services.participant_update(
                actor=self.actor,
                participant=person,
                data={"job_seeker_since": self.today - 120 * DAY},
                reason=REASON,
            )
            self.appointment(person, "initial_interview", "held", 115)
            self.appointment(person, "job_search_discussion", "held", 80)
            self.stories["job-search discussion due soon"] += 1


def load_demo_plans(*, actor: Any, today: datetime.date) -> Counter[str]:
    """Give every demo counsellor's active caseload its worklist story; returns how many
    participants got each story."""
    story = _Story(actor, today)
    with transaction.atomic():
        people = Participant.objects.filter(
            counsellor__isnull=False, status__in=("referred", "active", "job_seeking")
        ).order_by("counsellor_id", "id")
        seen: Counter[int | None] = Counter()
        for person in people:
            index = seen[person.counsellor_id]
            seen[person.counsellor_id] += 1
            story.tell(index, person)
    return story.stories
