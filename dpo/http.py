from django.core.exceptions import PermissionDenied

from agencies.models import Agency, Role
from core.http import AuthenticatedRequest


def dpo_agency(request: AuthenticatedRequest) -> Agency:
    """The agency whose logs the user supervises: the one they act for, if their role
    there is data protection officer; anyone else gets a 403."""
    membership = request.acting.membership
    if membership is None or membership.role != Role.DATA_PROTECTION_OFFICER:
        raise PermissionDenied
    return membership.agency
