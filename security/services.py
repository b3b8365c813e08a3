"""Writes of the login security: sessions, the TOTP device and the backup codes."""

import time
from binascii import unhexlify
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.models import User
from security.models import UserSession

# Session data: when the user logged in and when a request last refreshed the session
# (Unix seconds; the JSON session serializer keeps numbers as they are).
LOGIN_AT = "polku_login_at"
SEEN_AT = "polku_seen_at"
BACKUP_CODE_COUNT = 10
DEVICE_NAME = "Polku"


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


def totp_code_matches(*, key: str, code: str, now: float | None = None) -> int | None:
    """The time step a six-digit code matches for the hex `key` (one step of drift either
    way), or None."""
    code = code.strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return None
    totp = TOTP(unhexlify(key.encode()), step=30, t0=0, digits=6)
    totp.time = time.time() if now is None else now
    if not totp.verify(int(code), tolerance=1):
        return None
    return int(totp.t())


def backup_codes_new(*, device: StaticDevice) -> list[str]:
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def two_factor_enrol(*, user: User, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator app that shows `code` for `key`, and make the backup codes.

    Refused if the user already has a confirmed device: a password alone must never add
    a second one (replacing a device removes the old one first, with the password).
    """
    step = totp_code_matches(key=key, code=code)
    if step is None:
        raise CodeMismatch
    with transaction.atomic():
        # Serialises two enrolments of the same user.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise AlreadyEnrolled
        TOTPDevice.objects.filter(user=user).delete()
        # The code used here is spent: the next login needs a later one.
        device = TOTPDevice.objects.create(
            user=user, name=DEVICE_NAME, key=key, confirmed=True, last_t=step
        )
        backup, _ = StaticDevice.objects.get_or_create(
            user=user, defaults={"name": DEVICE_NAME, "confirmed": True}
        )
        codes = backup_codes_new(device=backup)
    return device, codes


def backup_codes_regenerate(*, user: User) -> list[str]:
    """New backup codes; the old ones stop working."""
    with transaction.atomic():
        backup, _ = StaticDevice.objects.get_or_create(
            user=user, defaults={"name": DEVICE_NAME, "confirmed": True}
        )
        return backup_codes_new(device=backup)


def two_factor_remove(*, user: User, session_key: str) -> None:
    """Remove the authenticator and the backup codes, and end the user's other sessions:
    they were verified by the removed device (security.middleware.OTPSessionMiddleware
    trusts a session's verification). The caller clears its own session's; with 2FA
    required, the next page asks the user to set up a new one."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        user_sessions_end_others(user=user, session_key=session_key)
