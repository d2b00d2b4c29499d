from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api.assessments import views as assessments
from api.auth.views import TokenView
from api.casework import matches
from api.casework import views as casework
from api.casework.candidates import VacancyCandidatesView
from api.casework.reassign import ParticipantReassignView
from api.i18n.me import MeView
from api.i18n.vocabularies import VocabulariesView
from api.lifecycle.imports import ParticipantImportView
from api.municipalities import views as municipalities
from api.plans import plans
from api.plans import views as plan_views
from api.plans.worklist import WorklistView
from api.reporting import views as reporting


class Router(SimpleRouter):
    """No format suffixes. ``{id}`` is the resource's public UUID (``uuid`` field) for the
    viewsets on ``PolkuViewSet``; municipalities take their three-digit ``{code}`` and licence
    types their ``{code}`` slug instead. The route accepts any segment: an id that is not a UUID
    answers 404 like one out of scope."""


router = Router()
router.register("municipalities", municipalities.MunicipalityViewSet, basename="municipality")
router.register("participants", casework.ParticipantViewSet, basename="participant")
router.register("consents", casework.ConsentViewSet, basename="consent")
router.register("case-notes", casework.CaseNoteViewSet, basename="case-note")
router.register(
    "language-assessments", assessments.LanguageAssessmentViewSet, basename="language-assessment"
)
router.register(
    "skill-assessments", assessments.SkillAssessmentViewSet, basename="skill-assessment"
)
router.register("licence-types", assessments.LicenceTypeViewSet, basename="licence-type")
router.register("trainings", assessments.TrainingViewSet, basename="training")
router.register("enrolments", assessments.EnrolmentViewSet, basename="enrolment")
router.register("licence-cards", assessments.LicenceCardViewSet, basename="licence-card")
router.register("employers", casework.EmployerViewSet, basename="employer")
router.register("vacancies", casework.VacancyViewSet, basename="vacancy")
router.register("matches", matches.MatchViewSet, basename="match")
router.register("outcomes", casework.OutcomeViewSet, basename="outcome")
router.register(
    "service-needs-assessments",
    plan_views.ServiceNeedsAssessmentViewSet,
    basename="service-needs-assessment",
)
router.register("plans", plans.PlanViewSet, basename="plan")
router.register("appointments", plan_views.AppointmentViewSet, basename="appointment")

app_name = "api"
urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's initialisation as a script file (?script): the page
    # runs under the Content-Security-Policy with no inline script (ADR 25).
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="web/swagger_ui.html"
        ),
        name="docs",
    ),
    path(
        "vacancies/<uuid:id>/candidates/",
        VacancyCandidatesView.as_view(),
        name="vacancy-candidates",
    ),
    re_path(
        r"^municipalities/(?P<code>[0-9]{3})/dashboard/$",
        reporting.MunicipalityDashboardView.as_view(),
        name="municipality-dashboard",
    ),
    path("dashboard/", reporting.PilotDashboardView.as_view(), name="pilot-dashboard"),
    path(
        "imports/participants/",
        ParticipantImportView.as_view(),
        name="participant-import",
    ),
    path("vocabularies/", VocabulariesView.as_view(), name="vocabularies"),
    path("me/", MeView.as_view(), name="me"),
    path("reports/esf/", reporting.ESFReportView.as_view(), name="esf-report"),
    path("worklist/", WorklistView.as_view(), name="worklist"),
    path(
        "participants/reassign/",
        ParticipantReassignView.as_view(),
        name="participant-reassign",
    ),
    path("", include(router.urls)),
]
