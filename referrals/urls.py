from django.urls import path

from referrals import views

urlpatterns = [
    path("clients/<uuid:public_id>/", views.client_detail, name="client-detail"),
    path("clients/<uuid:public_id>/consents/new/", views.consent_new, name="consent-new"),
    path(
        "consents/<uuid:public_id>/withdraw/",
        views.consent_withdraw_view,
        name="consent-withdraw",
    ),
    path("clients/<uuid:public_id>/referrals/new/", views.referral_new, name="referral-new"),
    path("referrals/inbox/", views.inbox, name="inbox"),
    path("referrals/outbox/", views.outbox, name="outbox"),
    path("referrals/<uuid:public_id>/", views.referral_detail, name="referral-detail"),
    path(
        "referrals/<uuid:public_id>/<slug:action>/",
        views.referral_move,
        name="referral-move",
    ),
]
