"""The counsellors' workspace (docs/pages.md), mounted at ``/workspace/``."""

from django.urls import path

from web.workspace import plans, vacancies, views, writes

app_name = "workspace"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("participants/", views.caseload, name="caseload"),
    path("participants/new/", writes.participant_create, name="participant-create"),
    path("participants/<uuid:participant_id>/", views.participant_detail, name="participant"),
    path(
        "participants/<uuid:participant_id>/language-assessments/new/",
        writes.language_assessment_create,
        name="language-assessment-create",
    ),
    path(
        "participants/<uuid:participant_id>/skill-assessments/new/",
        writes.skill_assessment_create,
        name="skill-assessment-create",
    ),
    path("participants/<uuid:participant_id>/enrolments/new/", writes.enrol, name="enrol"),
    path("participants/<uuid:participant_id>/reassign/", writes.reassign, name="reassign"),
    path(
        "participants/<uuid:participant_id>/consents/new/",
        writes.consent_grant,
        name="consent-grant",
    ),
    path(
        "enrolments/<uuid:enrolment_id>/transition/",
        writes.enrolment_transition,
        name="enrolment-transition",
    ),
    path("consents/<uuid:consent_id>/withdraw/", writes.consent_withdraw, name="consent-withdraw"),
    path("matches/<uuid:match_id>/transition/", writes.match_transition, name="match-transition"),
    path("participants/<uuid:participant_id>/plans/new/", plans.plan_create, name="plan-create"),
    path("plans/<uuid:plan_id>/transition/", plans.plan_transition, name="plan-transition"),
    path(
        "participants/<uuid:participant_id>/appointments/new/",
        plans.appointment_create,
        name="appointment-create",
    ),
    path(
        "appointments/<uuid:appointment_id>/record/",
        plans.appointment_record,
        name="appointment-record",
    ),
    path("vacancies/", vacancies.vacancy_list, name="vacancies"),
    path(
        "vacancies/<uuid:vacancy_id>/candidates/",
        vacancies.vacancy_candidates,
        name="candidates",
    ),
    path("vacancies/<uuid:vacancy_id>/propose/", vacancies.propose, name="propose"),
]
