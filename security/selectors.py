from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from agencies.models import User
from security.models import AuthenticatorDevice, BackupCode, BackupCodeDevice, UserSession


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
