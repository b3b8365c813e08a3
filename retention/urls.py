from django.urls import path

from retention import views

urlpatterns = [
    path("retention/", views.retention_report, name="retention-report"),
    path("retention/run/", views.retention_run_start, name="retention-run"),
]
