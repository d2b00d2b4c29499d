"""The dashboard pages (docs/domain.md#dashboards-and-the-esf-report "Pages"), mounted at ``/dashboard/``."""

from django.urls import path

from web.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard_index, name="index"),
    path("pilot/", views.pilot_dashboard_page, name="pilot"),
    path("pilot/<slug:table>.csv", views.pilot_dashboard_csv, name="pilot-csv"),
    path("<str:code>/", views.municipality_dashboard_page, name="municipality"),
    path("<str:code>/<slug:table>.csv", views.municipality_dashboard_csv, name="municipality-csv"),
]
