from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from agencies.middleware import Acting
from agencies.models import Agency, User
from agencies.selectors import membership_works_with_clients


class AuthenticatedRequest(HttpRequest):
    """The request a login_required view receives, for the type checker."""

    user: User
    acting: Acting


def client_work_agency(request: AuthenticatedRequest) -> Agency:
    """The agency the user acts for, if their role there works with clients; else 403."""
    membership = request.acting.membership
    if membership is None or not membership_works_with_clients(membership=membership):
        raise PermissionDenied
    return membership.agency
