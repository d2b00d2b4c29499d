"""Every server-rendered page (docs/pages.md): the dashboards, and the home page that sends a
signed-in person to the place their roles open."""

from django.urls import include, path

from web import views

urlpatterns = [
    path("dashboard/", include("web.dashboard.urls")),
    path("workspace/", include("web.workspace.urls")),
    path("employer/", include("web.employer.urls")),
    path("", views.home, name="home"),
]
