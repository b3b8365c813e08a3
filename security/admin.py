"""The administrator's side of two-factor login (ADR 18): issue a one-time activation
code, reset a user's devices, and read what happened. Everything goes through
security.services; the secrets are never shown (a code only once, when it is issued)."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.admin import UserAdmin
from agencies.models import User
from security.models import ActivationCode, TwoFactorEvent
from security.services import (
    ACTIVATION_CODE_VALID,
    NotAllowed,
    activation_code_issue,
    two_factor_reset,
)

# django-otp's own models store the secrets in plain text: none are made through the
# admin (the migration sealed the old ones into security's models).
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TwoFactorEvent)
class TwoFactorEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "kind", "actor")
    list_filter = ("kind",)
    search_fields = ("user__username", "actor__username")
    list_select_related = ("user", "actor")
    date_hierarchy = "at"


@admin.register(ActivationCode)
class ActivationCodeAdmin(ReadOnlyAdmin):
    list_display = ("user", "issued_by", "issued_at", "expires_at", "used_at", "revoked_at")
    search_fields = ("user__username",)
    list_select_related = ("user", "issued_by")
    exclude = ("code_hash",)


def _may_manage(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_superuser or user.has_perm("security.add_activationcode"))


class TwoFactorUserAdmin(UserAdmin):
    actions = ["issue_activation_code", "reset_two_factor"]

    def has_two_factor_permission(self, request: HttpRequest) -> bool:
        return _may_manage(request)

    @admin.action(
        description=gettext_lazy("Issue an activation code for two-factor login"),
        permissions=["two_factor"],
    )
    def issue_activation_code(
        self, request: HttpRequest, queryset: QuerySet[User]
    ) -> HttpResponse | None:
        issued: list[tuple[User, str]] = []
        for user in queryset.order_by("username"):
            try:
                issued.append(
                    (user, activation_code_issue(user=user, issued_by=request.user))  # type: ignore[arg-type]
                )
            except NotAllowed:
                self.message_user(
                    request,
                    _("You may not issue an activation code for %(user)s.") % {"user": user},
                    messages.ERROR,
                )
        if not issued:
            return None
        return TemplateResponse(
            request,
            "security/admin_activation_codes.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Activation codes"),
                "issued": issued,
                "hours": int(ACTIVATION_CODE_VALID.total_seconds() // 3600),
                "opts": self.model._meta,
            },
        )

    @admin.action(
        description=gettext_lazy("Reset two-factor devices"),
        permissions=["two_factor"],
    )
    def reset_two_factor(
        self, request: HttpRequest, queryset: QuerySet[User]
    ) -> HttpResponse | None:
        users = list(queryset.order_by("username"))
        if request.POST.get("confirmed") != "yes":
            return TemplateResponse(
                request,
                "security/admin_reset_confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Reset two-factor devices"),
                    "users": users,
                    "action": "reset_two_factor",
                    "opts": self.model._meta,
                },
            )
        done = 0
        for user in users:
            try:
                two_factor_reset(user=user, actor=request.user)  # type: ignore[arg-type]
            except NotAllowed:
                self.message_user(
                    request,
                    _("You may not reset the devices of %(user)s.") % {"user": user},
                    messages.ERROR,
                )
            else:
                done += 1
        if done:
            self.message_user(
                request,
                _(
                    "Two-factor devices reset for %(count)s user(s). They need a new "
                    "activation code to set up an authenticator."
                )
                % {"count": done},
                messages.SUCCESS,
            )
        return None


admin.site.unregister(User)
admin.site.register(User, TwoFactorUserAdmin)
