"""Session limits, the two-factor gate and the rate limits, in this order after
authentication (see MIDDLEWARE in config/settings.py)."""

import time
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from security.http import client_ip, ip_network, is_verified
from security.ratelimit import (
    ACCESSIBILITY_FEEDBACK,
    IDENTITY_LOOKUP,
    LOGIN_IP,
    LOGIN_USERNAME,
    SEARCH,
    rate_limit_hit,
)
from security.services import LOGIN_AT, SEEN_AT, user_session_touch

# Pages an unverified user may open: logging in and out, the verification itself, the
# language choice, the health check and the accessibility statement, which is for anyone
# (static files never reach the middleware).
TWO_FACTOR_EXEMPT = frozenset(
    {
        "login",
        "logout",
        "set_language",
        "healthz",
        "two-factor-verify",
        "two-factor-enrol",
        "accessibility-statement",
    }
)

Handler = Callable[[HttpRequest], HttpResponse]


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that also works for htmx requests, which would swap the target page
    into a fragment of the current one."""
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _with_next(url: str, request: HttpRequest) -> str:
    if request.method == "GET" and request.headers.get("HX-Request") != "true":
        return f"{url}?{urlencode({'next': request.get_full_path()})}"
    return url


class SessionLimitsMiddleware:
    """End a session after POLKU_SESSION_IDLE_SECONDS without requests or
    POLKU_SESSION_MAX_SECONDS after the login, and note activity at most once a minute
    (one UPDATE a minute, not one a request)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(timezone.now().timestamp())
            session = request.session
            login_at: int | None = session.get(LOGIN_AT)
            if login_at is None or now - login_at > settings.POLKU_SESSION_MAX_SECONDS:
                # No login time: a session from before the limits; it ends like an old one.
                return self._end(request, _("Your session lasted its longest time. Log in again."))
            seen_at: int = session.get(SEEN_AT, login_at)
            if now - seen_at > settings.POLKU_SESSION_IDLE_SECONDS:
                return self._end(
                    request, _("You were logged out after a while without activity. Log in again.")
                )
            if now - seen_at >= settings.POLKU_SESSION_TOUCH_SECONDS:
                user_session_touch(
                    user=request.user,
                    session=session,
                    user_agent=request.META.get("HTTP_USER_AGENT", ""),
                    ip_network=ip_network(client_ip(request)),
                )
        return self.get_response(request)

    def _end(self, request: HttpRequest, message: str) -> HttpResponse:
        logout(request)
        messages.info(request, message)
        return _redirect(request, _with_next(resolve_url(settings.LOGIN_URL), request))


class TwoFactorMiddleware:
    """With POLKU_REQUIRE_2FA, a logged-in user opens no page before a code from their
    authenticator (or a backup code) has verified the session."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if not settings.POLKU_REQUIRE_2FA:
            return None
        user = request.user
        if not user.is_authenticated or is_verified(user):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in TWO_FACTOR_EXEMPT:
            request.two_factor_pending = True  # type: ignore[attr-defined]
            return None
        return _redirect(request, _with_next(reverse("two-factor-verify"), request))


class RateLimitMiddleware:
    """Rate limits on logging in (per address and per username), on name searches (per
    user) and on accessibility feedback (per address, as it needs no login), applied by URL
    name so that the apps need not know of them."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        name = match.view_name if match is not None else ""
        hits: list[tuple[str, str]] = []
        if name in {"login", "admin:login"} and request.method == "POST":
            hits.append((LOGIN_IP, client_ip(request) or "-"))
            username = request.POST.get("username", "").strip().lower()
            if username:
                hits.append((LOGIN_USERNAME, username))
        elif name == "accessibility-statement" and request.method == "POST":
            hits.append((ACCESSIBILITY_FEEDBACK, client_ip(request) or "-"))
        elif (
            name == "release-new"
            and request.method == "POST"
            and request.user.is_authenticated
            and request.POST.get("hetu", "").strip()
        ):
            # Whether a code belongs to a client of another agency is an answer too.
            hits.append((IDENTITY_LOOKUP, str(request.user.pk)))
        elif (
            name in SEARCH_PAGES
            and request.user.is_authenticated
            and any(request.GET.get(param) for param in SEARCH_PAGES[name])
        ):
            hits.append((SEARCH, str(request.user.pk)))
        # Every counter counts, even when an earlier one is already over its limit.
        allowed = [rate_limit_hit(rule=rule, identity=identity) for rule, identity in hits]
        if all(allowed):
            return None
        response = render(request, "security/rate_limited.html", status=429)
        response["Retry-After"] = str(
            max(settings.POLKU_RATE_LIMITS[rule][1] for rule, _identity in hits)
        )
        return response


# Pages whose searches count, and the parameters that make a request a search.
SEARCH_PAGES = {
    "directory": ("q", "municipality", "kind", "agency", "topic"),
    "inbox": ("q",),
}


# When the session's verifying device was last confirmed to exist.
OTP_CHECKED_AT = "polku_otp_checked_at"
DEVICE_RECHECK_SECONDS = 300


class OTPSessionMiddleware:
    """In place of django-otp's OTPMiddleware, which reads the verifying device from the
    database on every request (one query more on every page).

    The session holds a device's id only after its code was verified (django_otp.login),
    and removing an authenticator ends the user's other sessions and clears this one's, so
    the id in the session says the user is verified. The device is still read every five
    minutes, so one removed in the admin stops verifying within that time.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None:
            request.user = SimpleLazyObject(  # type: ignore[assignment]
                partial(self._verified_user, request, user)
            )
        return self.get_response(request)

    @staticmethod
    def _verified_user(request: HttpRequest, user: Any) -> Any:
        user.otp_device = None
        persistent_id = (
            request.session.get(DEVICE_ID_SESSION_KEY) if user.is_authenticated else None
        )
        if persistent_id and time.time() - request.session.get(OTP_CHECKED_AT, 0) > (
            DEVICE_RECHECK_SECONDS
        ):
            device = Device.from_persistent_id(persistent_id)
            if device is None or device.user_id != user.pk:
                request.session.pop(DEVICE_ID_SESSION_KEY, None)
                persistent_id = None
            else:
                request.session[OTP_CHECKED_AT] = time.time()
        verified = bool(persistent_id)
        user.is_verified = lambda: verified
        return user
