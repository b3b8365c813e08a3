from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from agencies.models import Agency, User
from security.models import (
    ActivationCode,
    AuthenticatorDevice,
    BackupCode,
    BackupCodeDevice,
    UserSession,
)


def user_session_list(*, user: User) -> QuerySet[UserSession]:
    """The user's sessions that can still be alive, the most recently used first."""
    now = timezone.now()
    return UserSession.objects.filter(
        user=user,
        # Last seen is refreshed at most once a minute, hence the extra minute.
        last_seen_at__gte=now - timedelta(seconds=settings.POLKU_SESSION_IDLE_SECONDS + 60),
        created_at__gte=now - timedelta(seconds=settings.POLKU_SESSION_MAX_SECONDS),
    ).order_by("-last_seen_at", "-pk")


def user_session_for_user(*, user: User, public_id: UUID) -> UserSession:
    """The access helper for a session row: only the user's own, else 404."""
    try:
        return UserSession.objects.get(user=user, public_id=public_id)
    except UserSession.DoesNotExist:
        raise Http404 from None


def totp_device_for_user(*, user: User) -> AuthenticatorDevice | None:
    device: AuthenticatorDevice | None = (
        AuthenticatorDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    )
    return device


def backup_device_for_user(*, user: User) -> BackupCodeDevice | None:
    device: BackupCodeDevice | None = (
        BackupCodeDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    )
    return device


@dataclass(frozen=True)
class TwoFactorState:
    device: AuthenticatorDevice | None
    backup_codes_left: int


def two_factor_state(*, user: User) -> TwoFactorState:
    return TwoFactorState(
        device=totp_device_for_user(user=user),
        backup_codes_left=BackupCode.objects.filter(
            device__user=user, device__confirmed=True
        ).count(),
    )


@dataclass(frozen=True)
class MemberTwoFactor:
    """One member of an agency as its administrator sees their second factor."""

    user: User
    has_authenticator: bool
    code_outstanding: bool


def agency_members_two_factor(*, agency: Agency, now: datetime) -> list[MemberTwoFactor]:
    """The agency's active members, by name, with whether each has an
    authenticator and an activation code waiting; three queries however many members."""
    users = list(
        User.objects.filter(memberships__agency=agency, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
    ids = [u.pk for u in users]
    with_device = set(
        AuthenticatorDevice.objects.filter(user_id__in=ids, confirmed=True).values_list(
            "user_id", flat=True
        )
    )
    waiting = set(
        ActivationCode.objects.filter(
            user_id__in=ids, used_at=None, revoked_at=None, expires_at__gt=now
        ).values_list("user_id", flat=True)
    )
    return [
        MemberTwoFactor(
            user=u, has_authenticator=u.pk in with_device, code_outstanding=u.pk in waiting
        )
        for u in users
    ]


def agency_member_for_admin(*, agency: Agency, public_id: UUID) -> User:
    """The one access helper for a member on the agency administrator's page: a user who
    is not an active member of the agency is a 404."""
    return get_object_or_404(
        User.objects.filter(memberships__agency=agency, is_active=True).distinct(),
        public_id=public_id,
    )
