"""Writes of the login security: sessions, the TOTP device and the backup codes."""

import secrets
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken

from agencies.models import Membership, Role, User
from security.models import (
    ActivationCode,
    AuthenticatorDevice,
    BackupCode,
    BackupCodeDevice,
    TwoFactorEvent,
    TwoFactorEventKind,
    UserSession,
)
from security.sealing import code_hash, code_hash_matches, seal

# Session data: when the user logged in and when a request last refreshed the session
# (Unix seconds; the JSON session serializer keeps numbers as they are).
LOGIN_AT = "polku_login_at"
SEEN_AT = "polku_seen_at"
BACKUP_CODE_COUNT = 10
DEVICE_NAME = "Polku"
ACTIVATION_CODE_VALID = timedelta(hours=72)
# Twelve characters without look-alikes (no 0/O, 1/I/L): 59 bits, typed in groups of four.
ACTIVATION_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _session_store(session_key: str) -> SessionBase:
    engine = import_module(settings.SESSION_ENGINE)
    store: SessionBase = engine.SessionStore(session_key=session_key)
    return store


def user_session_begin(
    *, user: User, session: SessionBase, user_agent: str, ip_network: str
) -> UserSession:
    """Record a new login: its time in the session and a row the user can see and end."""
    if session.session_key is None:
        # Django's login flushes the session when another user was logged in; give it a key.
        session.save()
    key = session.session_key
    assert key is not None  # noqa: S101 (save() just created it)
    now = timezone.now()
    session[LOGIN_AT] = session[SEEN_AT] = int(now.timestamp())
    with transaction.atomic():
        row, _created = UserSession.objects.update_or_create(
            session_key=key,
            defaults={
                "user": user,
                "created_at": now,
                "last_seen_at": now,
                "user_agent": user_agent[:300],
                "ip_network": ip_network,
            },
        )
    return row


def user_session_touch(
    *, user: User, session: SessionBase, user_agent: str, ip_network: str
) -> None:
    """Note activity in the session and its row (the caller does it at most once a minute)."""
    now = timezone.now()
    session[SEEN_AT] = int(now.timestamp())
    key = session.session_key
    if key is None:
        return
    with transaction.atomic():
        updated = UserSession.objects.filter(session_key=key, user=user).update(last_seen_at=now)
        if not updated:
            # A row ended from elsewhere while the session lived on, or one from before
            # the rows existed: the session is real, so it is listed again.
            login_at = session.get(LOGIN_AT, now.timestamp())
            created_at = datetime.fromtimestamp(login_at, tz=now.tzinfo)
            UserSession.objects.update_or_create(
                session_key=key,
                defaults={
                    "user": user,
                    "created_at": min(created_at, now),
                    "last_seen_at": now,
                    "user_agent": user_agent[:300],
                    "ip_network": ip_network,
                },
            )


def user_session_forget(*, session_key: str | None) -> None:
    """The session is gone (logout): drop its row."""
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def user_session_end(*, user: User, user_session: UserSession) -> None:
    """End one of the user's sessions: the session itself and its row."""
    if user_session.user_id != user.pk:
        raise ValueError("A user ends only their own sessions.")
    with transaction.atomic():
        _session_store(user_session.session_key).delete()
        user_session.delete()


def user_sessions_end_others(
    *, user: User, session_key: str, previous_session_key: str | None = None
) -> int:
    """End every session of the user but the current one (after a password change).

    Changing the password cycles the current session's key, so its row moves from
    `previous_session_key` to `session_key`. Sessions without a row (none should
    exist) still end at their next request: their password hash no longer matches.
    """
    with transaction.atomic():
        if previous_session_key and previous_session_key != session_key:
            UserSession.objects.filter(session_key=previous_session_key, user=user).update(
                session_key=session_key
            )
        others = list(UserSession.objects.filter(user=user).exclude(session_key=session_key))
        for other in others:
            _session_store(other.session_key).delete()
        UserSession.objects.filter(pk__in=[o.pk for o in others]).delete()
    return len(others)


def user_sessions_prune(*, now: datetime | None = None) -> int:
    """Drop the rows of sessions that can no longer be alive, and Django's expired sessions."""
    now = now or timezone.now()
    idle_cutoff = now - timedelta(seconds=settings.POLKU_SESSION_IDLE_SECONDS + 60)
    login_cutoff = now - timedelta(seconds=settings.POLKU_SESSION_MAX_SECONDS)
    deleted, _ = UserSession.objects.filter(last_seen_at__lt=idle_cutoff).delete()
    more, _ = UserSession.objects.filter(created_at__lt=login_cutoff).delete()
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
    return deleted + more


# Two-factor login ------------------------------------------------------------------


class EnrolmentError(Exception):
    pass


class CodeMismatch(EnrolmentError):
    """The code is not the key's code now."""


class AlreadyEnrolled(EnrolmentError):
    """The user has a confirmed authenticator already."""


class ActivationRefused(EnrolmentError):
    """No valid activation code (wrong, used, revoked or older than 72 hours), and no
    verified session of a device being replaced: the password alone adds no device."""


class NotAllowed(Exception):
    """The acting user may not manage this user's second factor."""


def _event(*, user: User, kind: str, actor: User | None, at: datetime | None = None) -> None:
    TwoFactorEvent.objects.create(user=user, actor=actor, kind=kind, at=at or timezone.now())


def totp_code_matches(*, key: str, code: str, now: float | None = None) -> int | None:
    """The time step a six-digit code matches for the hex `key` (one step of drift either
    way), or None."""
    match = AuthenticatorDevice(key_sealed=seal(key)).totp_match(code, now=now)
    return None if match is None else match[0]


def backup_code_random() -> str:
    code: str = StaticToken.random_token()  # eight base32 characters, 40 bits
    return code


def backup_codes_new(*, device: BackupCodeDevice) -> list[str]:
    """Ten new codes, returned once in plain text and stored only as hashes."""
    device.codes.all().delete()
    codes = [backup_code_random() for _ in range(BACKUP_CODE_COUNT)]
    BackupCode.objects.bulk_create(
        [BackupCode(device=device, code_hash=code_hash(c)) for c in codes]
    )
    return codes


def activation_code_normalise(*, code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


def activation_code_may_issue(*, actor: User, user: User) -> bool:
    """Who issues activation codes and resets devices: an administrator (a superuser, or
    staff with the permission to add activation codes) for anyone; an agency
    administrator (Membership role) for the members of their agency. Nobody for
    themselves: that would be the password alone again."""
    if actor.pk == user.pk or not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    if user.is_superuser:
        # Only a superuser resets a superuser: anyone else could take over the account.
        return False
    if actor.is_staff and actor.has_perm("security.add_activationcode"):
        return True
    if user.is_staff:
        return False
    admin_of = Membership.objects.filter(user=actor, role=Role.AGENCY_ADMIN).values("agency")
    targets = Membership.objects.filter(user=user, agency__in=admin_of)
    # Nor does an agency administrator reset another agency administrator.
    return (
        targets.exists()
        and not Membership.objects.filter(user=user, role=Role.AGENCY_ADMIN).exists()
    )


def activation_code_issue(*, user: User, issued_by: User) -> str:
    """A new one-time activation code for `user`, valid for 72 hours; an outstanding
    earlier one is revoked. Returns the code (only now in plain text) for the
    administrator to hand over."""
    if not activation_code_may_issue(actor=issued_by, user=user):
        raise NotAllowed
    code = "".join(secrets.choice(ACTIVATION_ALPHABET) for _ in range(12))
    now = timezone.now()
    with transaction.atomic():
        ActivationCode.objects.filter(user=user, used_at=None, revoked_at=None).update(
            revoked_at=now
        )
        ActivationCode.objects.create(
            user=user,
            code_hash=code_hash(code),
            issued_by=issued_by,
            issued_at=now,
            expires_at=now + ACTIVATION_CODE_VALID,
        )
        _event(user=user, kind=TwoFactorEventKind.CODE_ISSUED, actor=issued_by, at=now)
    return "-".join(code[i : i + 4] for i in range(0, 12, 4))


def activation_code_valid(
    *, user: User, code: str, now: datetime | None = None
) -> ActivationCode | None:
    """The user's outstanding, unexpired activation code that `code` is, or None."""
    now = now or timezone.now()
    normalised = activation_code_normalise(code=code)
    if not normalised:
        return None
    for row in ActivationCode.objects.filter(
        user=user, used_at=None, revoked_at=None, expires_at__gt=now
    ):
        if code_hash_matches(normalised, row.code_hash):
            return row
    return None


def two_factor_enrol(
    *,
    user: User,
    key: str,
    code: str,
    activation_code: str = "",
    replacing: bool = False,
) -> tuple[AuthenticatorDevice, list[str]]:
    """Confirm the authenticator app that shows `code` for `key`, and make the backup codes.

    The password alone is never enough: the user proves more with a one-time
    `activation_code` an administrator issued, or (`replacing`) with a session that the
    device being replaced verified (the caller checks that). The activation code is
    claimed with a conditional UPDATE, so it works once even for two requests at the same
    time. Refused if the user already has a confirmed device.
    """
    step = totp_code_matches(key=key, code=code)
    now = timezone.now()
    with transaction.atomic():
        # Serialises two enrolments of the same user.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if AuthenticatorDevice.objects.filter(user=user, confirmed=True).exists():
            raise AlreadyEnrolled
        activation = None
        if not replacing:
            activation = activation_code_valid(user=user, code=activation_code, now=now)
            if activation is None:
                raise ActivationRefused
        if step is None:
            raise CodeMismatch
        if activation is not None:
            claimed = ActivationCode.objects.filter(
                pk=activation.pk, used_at=None, revoked_at=None, expires_at__gt=now
            ).update(used_at=now)
            if claimed != 1:
                raise ActivationRefused
        AuthenticatorDevice.objects.filter(user=user).delete()
        # The code used here is spent: the next login needs a later one.
        device = AuthenticatorDevice.objects.create(
            user=user, name=DEVICE_NAME, key_sealed=seal(key), confirmed=True, last_t=step
        )
        backup, _ = BackupCodeDevice.objects.get_or_create(
            user=user, defaults={"name": DEVICE_NAME, "confirmed": True}
        )
        codes = backup_codes_new(device=backup)
        _event(
            user=user,
            kind=TwoFactorEventKind.REPLACED if replacing else TwoFactorEventKind.ENROLLED,
            actor=user,
            at=now,
        )
    return device, codes


def backup_codes_regenerate(*, user: User) -> list[str]:
    """New backup codes; the old ones stop working."""
    with transaction.atomic():
        backup, _ = BackupCodeDevice.objects.get_or_create(
            user=user, defaults={"name": DEVICE_NAME, "confirmed": True}
        )
        return backup_codes_new(device=backup)


def _devices_delete(*, user: User) -> None:
    AuthenticatorDevice.objects.filter(user=user).delete()
    BackupCodeDevice.objects.filter(user=user).delete()


def two_factor_remove(*, user: User, session_key: str) -> None:
    """Remove the authenticator and the backup codes, and end the user's other sessions:
    they were verified by the removed device (security.middleware.OTPSessionMiddleware
    trusts a session's verification). The caller clears its own session's; a new device
    then needs an activation code, or the replacement allowance the caller gives a session
    the removed device had verified."""
    with transaction.atomic():
        _devices_delete(user=user)
        user_sessions_end_others(user=user, session_key=session_key)
        _event(user=user, kind=TwoFactorEventKind.REMOVED, actor=user)


def two_factor_reset(*, user: User, actor: User) -> None:
    """An administrator's reset (a lost phone): the user's authenticator, backup codes,
    outstanding activation codes and sessions are gone; setting up a new authenticator
    needs a new activation code."""
    if not activation_code_may_issue(actor=actor, user=user):
        raise NotAllowed
    now = timezone.now()
    with transaction.atomic():
        _devices_delete(user=user)
        ActivationCode.objects.filter(user=user, used_at=None, revoked_at=None).update(
            revoked_at=now
        )
        user_sessions_end_others(user=user, session_key="")
        _event(user=user, kind=TwoFactorEventKind.RESET, actor=actor, at=now)
