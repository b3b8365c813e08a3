from django.urls import path

from dpo import views

urlpatterns = [
    path("data-protection/use-log/", views.use_log, name="dpo-use-log"),
    path("data-protection/disclosure-log/", views.disclosure_log, name="dpo-disclosure-log"),
    path("data-protection/log-integrity/", views.log_integrity, name="dpo-log-integrity"),
    path(
        "data-protection/clients/<uuid:public_id>/",
        views.client_report,
        name="dpo-client-report",
    ),
    path(
        "data-protection/clients/<uuid:public_id>/report.pdf",
        views.client_report_pdf,
        name="dpo-client-report-pdf",
    ),
    path(
        "data-protection/clients/<uuid:public_id>/report.csv",
        views.client_report_csv,
        name="dpo-client-report-csv",
    ),
]
