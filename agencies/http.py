from django.core.exceptions import PermissionDenied

from agencies.models import Agency
from agencies.selectors import membership_works_with_clients
from core.http import AuthenticatedRequest


def client_work_agency(request: AuthenticatedRequest) -> Agency:
    """The agency the user acts for, if their role there works with clients; else 403."""
    membership = request.acting.membership
    if membership is None or not membership_works_with_clients(membership=membership):
        raise PermissionDenied
    return membership.agency
