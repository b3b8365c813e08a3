"""The request a view receives after login_required, typed for mypy.

Its user and acting agency are classes of agencies, named here only for the type checker:
at run time core imports no app above it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from agencies.middleware import Acting
    from agencies.models import User


class AuthenticatedRequest(HttpRequest):
    """The request a login_required view receives, for the type checker."""

    user: User
    acting: Acting
