from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from agencies.middleware import ACTIVE_AGENCY_SESSION_KEY
from agencies.models import User
from agencies.selectors import membership_works_with_clients, user_memberships
from worklist.selectors import worklist_counts_cached


@receiver(user_logged_in, dispatch_uid="worklist-counts-at-login")
def worklist_counts_at_login(
    sender: type[User], request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    """Count the worklist once at login for the agency the person will act for, so that
    the navigation of the pages that follow finds its figures kept (agencies.middleware
    picks the agency the same way)."""
    memberships = list(user_memberships(user=user))
    wanted = request.session.get(ACTIVE_AGENCY_SESSION_KEY) if request is not None else None
    membership = next(
        (m for m in memberships if str(m.agency.public_id) == wanted),
        next(iter(memberships), None),
    )
    if membership is not None and membership_works_with_clients(membership=membership):
        worklist_counts_cached(user=user, agency=membership.agency, today=timezone.localdate())
