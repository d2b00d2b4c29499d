"""Plans, their transitions and reviews (docs/domain.md#plans-appointments-and-the-worklist). Thin views: parse, call one selector or
service, shape the answer; every read is access-logged."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from api.fields import validated
from api.plans import filters
from api.plans import serializers as s
from api.plans.docs import operation
from api.resources import ResourceViewSet
from casework.selectors import get_scoped, participant_for_write
from core.access import Capability
from core.read_log import WRITE_ANSWER, ReadLog, reads_of
from plans import selectors, services
from plans.models import Plan

R = Capability.PARTICIPANT_READ
W = Capability.PARTICIPANT_WRITE

#: A review read again for an idempotent replay is logged like the plan's review list.
REVIEW_READ = ReadLog("plans:reviews")

AGREE_RULES = (
    "Agreeing checks every rule at once and answers 409 `plan_incomplete` with `errors` per "
    "field: a long-term and a period goal; every service justified; `rights_explained`; an "
    "integration plan needs a completed assessment with `plan_needed`; a job seeker's plan an "
    "employment or entrepreneurship goal and a job-search obligation (fewer than 4 applications "
    "a month needs a reason); the first integration plan lasts at most 1 year and every "
    "integration plan ends at most 2 years after the first started, plus extensions. Agreeing "
    "ends the participant's previous agreed plan of the same kind."
)


@extend_schema_view(
    list=operation(
        "List plans",
        "Integration and employment plans (draft, agreed, ended).",
        responses=s.PlanSerializer(many=True),
    ),
    retrieve=operation("Read a plan", responses=s.PlanSerializer),
    create=operation(
        "Draft a plan",
        "Creates a `draft`. `warnings` are derived (e.g. `education_goal_missing` under 25).",
        request=s.PlanInputSerializer,
        responses={201: s.PlanSerializer},
    ),
    partial_update=operation(
        "Change a plan",
        "Lists are replaced whole. A draft changes freely; an agreed plan only its services' "
        "`referred_on`/`completed_on`, its goals' `achieved_on`, `extensions` and `ends_on` "
        "(else 409 `plan_not_editable` naming each field; a new end beyond the limits answers "
        "409 `plan_incomplete`); an ended plan nothing. Send If-Match.",
        request=s.PlanUpdateSerializer,
        responses=s.PlanSerializer,
    ),
)
class PlanViewSet(ResourceViewSet):
    required_capabilities = {"GET": R, "POST": W, "PATCH": W}
    action_capabilities = {"transition": W, "reviews": {"GET": R, "POST": W}}
    filterset_class = filters.PlanFilter
    queryset = Plan.objects.none()
    input_serializer = s.PlanInputSerializer
    update_serializer = s.PlanUpdateSerializer
    default_ordering = ("-created_at", "-id")
    read_log = {
        **reads_of("plans"),
        "transition": WRITE_ANSWER,
        "reviews": {"GET": ReadLog("plans:reviews"), "POST": WRITE_ANSWER},
    }

    def scoped_queryset(self) -> Any:
        return selectors.plan_list(user=self.request.user)

    def data(self, obj: Any) -> dict[str, Any]:
        return s.plan_data(obj)

    def create_object(self, request: Any, data: dict[str, Any]) -> Any:
        participant = participant_for_write(
            user=request.user, participant_id=data.pop("participant")
        )
        return services.plan_create(actor=request.user, participant=participant, data=data)

    def update_object(
        self, request: Any, obj: Any, data: dict[str, Any], version: int | None
    ) -> Any:
        return services.plan_update(
            actor=request.user, plan=obj, data=data, expected_version=version
        )

    @operation(
        "Agree or end a plan",
        "`draft → agreed → ended`; `draft → ended` abandons a draft. `on` defaults to today and "
        f"may not be in the future. {AGREE_RULES} If-Match is optional.",
        request=s.PlanTransitionSerializer,
        responses=s.PlanSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def transition(self, request: Any, id: str) -> Response:
        plan = self.get_scoped_object(id)
        version = self.expected_version(request, plan, required=False)
        data = validated(s.PlanTransitionSerializer, self.request_body(request))
        services.plan_transition(
            actor=request.user,
            plan=plan,
            to=data["to"],
            on=data.get("on"),
            reason=data.get("reason", ""),
            expected_version=version,
        )
        plan = self.get_scoped_object(id)
        return self.ok(self.data(plan), plan)

    @operation(
        "List a plan's reviews",
        "Newest first.",
        methods=["GET"],
        responses=s.PlanReviewSerializer(many=True),
        filters=False,
    )
    @operation(
        "Record a review of a plan",
        "Reviews of an agreed plan (at least every 6 months, 681/2023 §22); a draft or ended "
        "plan answers 409 `plan_not_agreed`. `reviewed_on` defaults to today.",
        methods=["POST"],
        request=s.PlanReviewInputSerializer,
        responses={201: s.PlanReviewSerializer},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def reviews(self, request: Any, id: str) -> Response:
        plan = self.get_scoped_object(id)
        if request.method == "POST":
            data = validated(s.PlanReviewInputSerializer, self.request_body(request))
            review = services.plan_review_create(actor=request.user, plan=plan, **data)
            return self.created(s.plan_review_data(review), review)
        reviews = (
            self.paginate_queryset(
                selectors.plan_review_list(user=request.user)
                .filter(plan_id=plan.pk)
                .order_by("-reviewed_on", "-id")
            )
            or []
        )
        self.shown([plan])
        return self.get_paginated_response([s.plan_review_data(r) for r in reviews])

    def reread(self, request: Any, resource_id: str) -> Response | None:
        if self.action != "reviews":
            return super().reread(request, resource_id)
        review = get_scoped(selectors.plan_review_list(user=request.user), resource_id)
        self.shown([review], read=REVIEW_READ)
        return self.ok(s.plan_review_data(review), review)
