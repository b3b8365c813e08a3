from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from agencies.forms import LoginForm
from health.views import healthz
from security.views import PasswordChangeView

urlpatterns = [
    path("", include("worklist.urls")),
    path("", include("agencies.urls")),
    path("", include("referrals.urls")),
    path("", include("pathways.urls")),
    path("", include("plans.urls")),
    path("", include("notifications.urls")),
    path("", include("meetings.calendar.urls")),
    path("", include("meetings.urls")),
    path("", include("dpo.urls")),
    path("", include("retention.urls")),
    path("", include("security.urls")),
    path("", include("accessibility.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        # Django's, which also ends the user's other sessions.
        PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
