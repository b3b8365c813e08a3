import base64
import math
import time
from binascii import unhexlify
from typing import Any
from uuid import UUID

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import DEVICE_ID_SESSION_KEY, verify_token
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from agencies.models import Agency, Role
from core.http import AuthenticatedRequest
from security.forms import CodeForm, EnrolForm, PasswordConfirmForm
from security.http import is_verified
from security.models import AuthenticatorDevice, BackupCodeDevice
from security.ratelimit import ACTIVATION, rate_limit_hit
from security.selectors import (
    agency_member_for_admin,
    agency_members_two_factor,
    backup_device_for_user,
    totp_device_for_user,
    two_factor_state,
    user_session_for_user,
    user_session_list,
)
from security.services import (
    DEVICE_NAME,
    ActivationRefused,
    AlreadyEnrolled,
    CodeMismatch,
    NotAllowed,
    activation_code_issue,
    backup_codes_regenerate,
    two_factor_enrol,
    two_factor_remove,
    two_factor_reset,
    user_session_end,
    user_sessions_end_others,
)

# The secret of an enrolment in progress: kept in the session, not in a half-made device.
ENROL_KEY = "polku_totp_enrol_key"
# Until when (Unix seconds) this session may set up a new authenticator without an
# activation code: the user removed the device that had verified the session.
REPLACE_UNTIL = "polku_totp_replace_until"
REPLACE_SECONDS = 15 * 60
ENROL_ERRORS = {
    "attempts": gettext_lazy("Too many attempts. Wait a quarter of an hour and try again."),
    "activation": gettext_lazy(
        "The activation code is not valid: it is wrong, already used or older "
        "than 72 hours. Ask your administrator for a new one."
    ),
    "code": gettext_lazy(
        "The code does not match. Check that the phone's clock is right and "
        "enter the code the app shows now."
    ),
}


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url: str, request: HttpRequest) -> str:
    wanted = request.GET.get("next")
    return f"{url}?{request.GET.urlencode()}" if wanted else url


def _code_check(
    request: AuthenticatedRequest, device: AuthenticatorDevice, form: CodeForm
) -> AuthenticatorDevice | BackupCodeDevice | None:
    """The device whose code the form holds; None, with the error on the form, when the
    code is wrong or too many were."""
    user = request.user
    code = form.cleaned_data["code"]
    backup = backup_device_for_user(user=user)
    # Six digits are the app's; anything else can only be a backup code.
    target: AuthenticatorDevice | BackupCodeDevice | None = (
        device if code.isdigit() and len(code) == 6 else backup
    )
    if target is not None and not target.verify_is_allowed()[0]:
        form.add_error("code", _("Too many wrong codes in a row. Wait a minute and try again."))
        return None
    matched = verify_token(user, target.persistent_id, code) if target is not None else None
    if matched is None:
        form.add_error("code", _("The code is not correct or has already been used."))
    return matched


def _backup_code_warning(request: AuthenticatedRequest, device: BackupCodeDevice) -> None:
    left = device.codes.count()
    messages.warning(
        request,
        ngettext(
            "You used a backup code; %(left)s is left. Make new ones on the login security page.",
            "You used a backup code; %(left)s are left. Make new ones on the "
            "login security page if you are running out.",
            left,
        )
        % {"left": left},
    )


@never_cache
@login_required
def two_factor_verify(request: AuthenticatedRequest) -> HttpResponse:
    """After the password: a code from the authenticator app, or a backup code."""
    if is_verified(request.user):
        return HttpResponseRedirect(_next_url(request))
    device = totp_device_for_user(user=request.user)
    if device is None:
        return redirect(_with_next(resolve_url("two-factor-enrol"), request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        matched = _code_check(request, device, form)
        if matched is not None:
            otp_login(request, matched)
            if isinstance(matched, BackupCodeDevice):
                _backup_code_warning(request, matched)
            return HttpResponseRedirect(_next_url(request))
    return render(
        request,
        "security/verify.html",
        {"form": form, "next": _next_url(request)},
    )


def _qr_svg(url: str, label: str) -> SafeString:
    # Inline SVG: no request to any other server, and nothing the CSP has to allow.
    svg = segno.make(url, error="m").svg_inline(
        scale=5, border=4, dark="#1b1f24", light="#ffffff", svgclass="qr__code", lineclass=None
    )
    svg = svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
    return format_html('<div class="qr" role="img" aria-label="{}">{}</div>', label, mark_safe(svg))  # noqa: S308 (segno's own markup)


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _enrol(
    request: AuthenticatedRequest, form: EnrolForm, key: str, replacing: bool
) -> HttpResponse | None:
    """Set up the authenticator and show the backup codes, once; None, with the error on
    the form, when the codes do not match or the activation code is refused."""
    user = request.user
    if not replacing and not rate_limit_hit(rule=ACTIVATION, identity=str(user.pk)):
        form.add_error("activation_code", ENROL_ERRORS["attempts"])
        return None
    try:
        device, codes = two_factor_enrol(
            user=user,
            key=key,
            code=form.cleaned_data["code"],
            activation_code=form.cleaned_data.get("activation_code", ""),
            replacing=replacing,
        )
    except AlreadyEnrolled:
        return redirect("two-factor-verify")
    except ActivationRefused:
        form.add_error("activation_code", ENROL_ERRORS["activation"])
        return None
    except CodeMismatch:
        form.add_error("code", ENROL_ERRORS["code"])
        return None
    del request.session[ENROL_KEY]
    request.session.pop(REPLACE_UNTIL, None)
    otp_login(request, device)
    return render(
        request,
        "security/backup_codes.html",
        {"codes": codes, "next": _next_url(request), "enrolled": True},
    )


@never_cache
@login_required
def two_factor_setup(request: AuthenticatedRequest) -> HttpResponse:
    """Set up the authenticator app: a QR code and the secret as text, then a code to
    confirm it, then the backup codes, shown once."""
    user = request.user
    if totp_device_for_user(user=user) is not None:
        if is_verified(user):
            return redirect("account-security")
        return redirect(_with_next(resolve_url("two-factor-verify"), request))
    key = request.session.get(ENROL_KEY)
    if not key:
        key = request.session[ENROL_KEY] = random_hex(20)
    replacing = request.session.get(REPLACE_UNTIL, 0) > time.time()
    form = EnrolForm(request.POST or None, needs_activation=not replacing)
    if request.method == "POST" and form.is_valid():
        done = _enrol(request, form, key, replacing)
        if done is not None:
            return done
    unsaved = TOTPDevice(user=user, name=DEVICE_NAME, key=key)
    secret = base64.b32encode(unhexlify(key)).decode()
    return render(
        request,
        "security/enrol.html",
        {
            "form": form,
            "qr": _qr_svg(unsaved.config_url, _("QR code for the authenticator app")),
            "secret": _grouped(secret),
            "next": _next_url(request),
            "needs_activation": not replacing,
        },
    )


@login_required
def account_security(request: AuthenticatedRequest) -> HttpResponse:
    """The user's second factor and login sessions."""
    return render(
        request,
        "security/account.html",
        {
            "state": two_factor_state(user=request.user),
            "sessions": user_session_list(user=request.user),
            "current_key": request.session.session_key,
            "required": settings.POLKU_REQUIRE_2FA,
        },
    )


def _password_confirmed(request: AuthenticatedRequest) -> tuple[bool, BaseForm]:
    form = PasswordConfirmForm(request.POST or None, request=request, user=request.user)
    return request.method == "POST" and form.is_valid(), form


@never_cache
@login_required
def backup_codes_new(request: AuthenticatedRequest) -> HttpResponse:
    if totp_device_for_user(user=request.user) is None:
        return redirect("account-security")
    confirmed, form = _password_confirmed(request)
    if confirmed:
        codes = backup_codes_regenerate(user=request.user)
        return render(request, "security/backup_codes.html", {"codes": codes, "enrolled": False})
    return render(
        request,
        "security/password_confirm.html",
        {
            "form": form,
            "title": _("Make new backup codes"),
            "intro": _("The new codes replace the old ones, which stop working."),
            "button": _("Make new backup codes"),
        },
    )


@login_required
def authenticator_remove(request: AuthenticatedRequest) -> HttpResponse:
    if totp_device_for_user(user=request.user) is None:
        return redirect("account-security")
    confirmed, form = _password_confirmed(request)
    if confirmed:
        # A session the removed device verified proves more than the password: it may set
        # up the new device without an activation code, for a while.
        replacing = is_verified(request.user)
        two_factor_remove(user=request.user, session_key=request.session.session_key or "")
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
        if replacing:
            request.session[REPLACE_UNTIL] = int(time.time()) + REPLACE_SECONDS
        if not replacing:
            message = _(
                "The authenticator was removed. To set up a new one, ask your administrator "
                "for an activation code."
            )
        elif settings.POLKU_REQUIRE_2FA:
            message = _("The authenticator was removed. Set up the new one now.")
        else:
            message = _("The authenticator and the backup codes were removed.")
        messages.success(request, message)
        return redirect("two-factor-enrol" if settings.POLKU_REQUIRE_2FA else "account-security")
    return render(
        request,
        "security/password_confirm.html",
        {
            "form": form,
            "title": _("Remove or replace the authenticator"),
            "intro": _(
                "The authenticator app and the backup codes stop working. Set up the new "
                "authenticator within 15 minutes; later, or from a session you did not "
                "verify with a code, it needs an activation code from your administrator."
            ),
            "button": _("Remove the authenticator"),
        },
    )


@login_required
@require_POST
def session_end(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    user_session = user_session_for_user(user=request.user, public_id=public_id)
    if user_session.session_key == request.session.session_key:
        messages.error(request, _("This is the session you are using. Log out to end it."))
    else:
        user_session_end(user=request.user, user_session=user_session)
        messages.success(request, _("The session was ended."))
    return redirect("account-security")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, which also ends the user's other sessions."""

    def form_valid(self, form: Any) -> HttpResponse:
        previous_key = self.request.session.session_key
        response = super().form_valid(form)  # saves; update_session_auth_hash cycles the key
        session_key = self.request.session.session_key
        if session_key is not None:
            user_sessions_end_others(
                user=form.user, session_key=session_key, previous_session_key=previous_key
            )
        return response


def lockout(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer to a locked username (AXES_LOCKOUT_CALLABLE)."""
    return render(
        request,
        "security/lockout.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60),
        },
        status=429,
    )


def _agency_admin(request: AuthenticatedRequest) -> Agency:
    """The agency whose members the person administers: acting as its agency administrator."""
    membership = request.acting.membership
    if membership is None or membership.role != Role.AGENCY_ADMIN:
        raise PermissionDenied
    return membership.agency


@login_required
def agency_people(request: AuthenticatedRequest) -> HttpResponse:
    """An agency administrator's list of its members and their second factor."""
    agency = _agency_admin(request)
    members = agency_members_two_factor(agency=agency, now=timezone.now())
    return render(request, "security/agency_people.html", {"agency": agency, "members": members})


@never_cache
@login_required
@require_POST
def agency_person_code(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """Issue a member an activation code, shown once on this response and never stored."""
    agency = _agency_admin(request)
    member = agency_member_for_admin(agency=agency, public_id=public_id)
    try:
        code = activation_code_issue(user=member, issued_by=request.user)
    except NotAllowed as error:
        raise PermissionDenied from error
    return render(
        request,
        "security/agency_person_code.html",
        {"agency": agency, "member": member, "code": code},
    )


@login_required
@require_POST
def agency_person_reset(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """Remove a member's authenticator, backup codes and sessions (a lost phone)."""
    agency = _agency_admin(request)
    member = agency_member_for_admin(agency=agency, public_id=public_id)
    try:
        two_factor_reset(user=member, actor=request.user)
    except NotAllowed as error:
        raise PermissionDenied from error
    messages.success(
        request,
        _("%(name)s's two-factor login was reset: they need a new activation code.")
        % {"name": member.display_name},
    )
    return redirect("agency-people")
