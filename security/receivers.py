"""Django's login() and logout() have no other hook than these signals, and every way in
goes through them: the login page, the admin's login and the test client's force_login.
The receivers only hand over to the session services."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest

from agencies.models import User
from security.http import client_ip, ip_network
from security.services import user_session_begin, user_session_forget


@receiver(user_logged_in, dispatch_uid="security.session_begin")
def _session_begin(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    user_session_begin(
        user=user,
        session=request.session,
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        ip_network=ip_network(client_ip(request)),
    )


@receiver(user_logged_out, dispatch_uid="security.session_forget")
def _session_forget(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        user_session_forget(session_key=request.session.session_key)
