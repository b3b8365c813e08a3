from django.urls import path

from security import views

urlpatterns = [
    path("accounts/two-factor/", views.two_factor_verify, name="two-factor-verify"),
    path("accounts/two-factor/set-up/", views.two_factor_setup, name="two-factor-enrol"),
    path("accounts/security/", views.account_security, name="account-security"),
    path(
        "accounts/security/backup-codes/",
        views.backup_codes_new,
        name="backup-codes-new",
    ),
    path(
        "accounts/security/authenticator/remove/",
        views.authenticator_remove,
        name="two-factor-remove",
    ),
    path(
        "accounts/security/sessions/<uuid:public_id>/end/",
        views.session_end,
        name="session-end",
    ),
    path("agency/people/", views.agency_people, name="agency-people"),
    path(
        "agency/people/<uuid:public_id>/activation-code/",
        views.agency_person_code,
        name="agency-person-code",
    ),
    path(
        "agency/people/<uuid:public_id>/reset/",
        views.agency_person_reset,
        name="agency-person-reset",
    ),
]
