from django.http import HttpRequest

from agencies.middleware import Acting
from agencies.models import User


class AuthenticatedRequest(HttpRequest):
    """The request a login_required view receives, for the type checker."""

    user: User
    acting: Acting
