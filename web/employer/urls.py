"""The employer users' pages (docs/pages.md), mounted at ``/employer/``."""

from django.urls import path

from web.employer import views

app_name = "employer"
urlpatterns = [
    path("", views.vacancy_list, name="vacancies"),
    path("vacancies/new/", views.vacancy_create, name="vacancy-create"),
    path("vacancies/<uuid:vacancy_id>/", views.vacancy_detail, name="vacancy"),
    path("vacancies/<uuid:vacancy_id>/edit/", views.vacancy_edit, name="vacancy-edit"),
    path("vacancies/<uuid:vacancy_id>/close/", views.vacancy_close, name="vacancy-close"),
    path("matches/<uuid:match_id>/answer/", views.candidate_answer, name="candidate-answer"),
]
