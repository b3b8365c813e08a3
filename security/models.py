import time
import uuid
from binascii import unhexlify

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP

from security.sealing import code_hash_matches, unseal


class UserSession(models.Model):
    """One logged-in session of a user, so that they can see their sessions and end one.

    Rows follow Django's sessions by key; the key itself never leaves the server (the
    pages address a session by its public id). The address is kept only to its /24
    (IPv6: /48) network, enough to tell "the office" from "somewhere else".
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="login_sessions",
        verbose_name=_("user"),
    )
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("logged in"))
    last_seen_at = models.DateTimeField(_("last seen"))
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    ip_network = models.CharField(_("network"), max_length=49, blank=True)

    class Meta:
        verbose_name = _("login session")
        verbose_name_plural = _("login sessions")
        indexes = [models.Index(fields=["user", "-last_seen_at"], name="usersession_user_seen")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_seen_at__gte=models.F("created_at")),
                name="usersession_seen_after_login",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


# Two-factor login (ADR 18) -----------------------------------------------------------
# django-otp's Device keeps the session semantics (django_otp.login puts the device's
# persistent id in the session; OTPSessionMiddleware trusts it), while the secrets are
# stored sealed or hashed, never as django-otp's plugins store them.

TOTP_STEP = 30
TOTP_DIGITS = 6
TOTP_TOLERANCE = 1  # one 30-second step of drift either way


class AuthenticatorDevice(TimestampMixin, ThrottlingMixin, Device):  # type: ignore[misc]  # django-otp is untyped
    """An authenticator app (TOTP, RFC 6238). The key is sealed: MultiFernet ciphertext
    under FIELD_ENCRYPTION_KEYS, re-sealed by `rotate_field_key`."""

    key_sealed: "models.TextField[str, str]" = models.TextField(_("sealed key"))
    last_t: "models.BigIntegerField[int, int]" = models.BigIntegerField(
        _("last time step used"), default=-1, help_text=_("A code is accepted only once.")
    )
    # Steps the phone's clock is off, learnt from the last accepted code (as django-otp's
    # OTP_TOTP_SYNC does), so that a drifting clock keeps working.
    drift: "models.SmallIntegerField[int, int]" = models.SmallIntegerField(_("drift"), default=0)

    class Meta:
        verbose_name = _("authenticator")
        verbose_name_plural = _("authenticators")

    @property
    def key(self) -> str:
        """The hex key, unsealed (only to verify a code)."""
        return unseal(self.key_sealed)

    def totp_match(self, code: str, now: float | None = None) -> tuple[int, int] | None:
        """The time step and drift `code` matches (not a step used already), or None."""
        code = code.strip().replace(" ", "")
        if len(code) != TOTP_DIGITS or not code.isdigit():
            return None
        totp = TOTP(
            unhexlify(self.key.encode()),
            step=TOTP_STEP,
            t0=0,
            digits=TOTP_DIGITS,
            drift=self.drift,
        )
        totp.time = time.time() if now is None else now
        if not totp.verify(int(code), tolerance=TOTP_TOLERANCE, min_t=self.last_t + 1):
            return None
        return int(totp.t()), int(totp.drift)

    def verify_token(self, token: str) -> bool:
        if not self.verify_is_allowed()[0]:
            return False
        match = self.totp_match(str(token))
        if match is None:
            self.throttle_increment(commit=True)
            return False
        self.last_t, self.drift = match
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1))


class BackupCodeDevice(TimestampMixin, ThrottlingMixin, Device):  # type: ignore[misc]  # django-otp is untyped
    """The user's backup codes, each stored only as a salted HMAC; a code works once."""

    class Meta:
        verbose_name = _("backup codes")
        verbose_name_plural = _("backup codes")

    def verify_token(self, token: str) -> bool:
        if not self.verify_is_allowed()[0]:
            return False
        code = "".join(str(token).split()).replace("-", "").lower()
        match = next(
            (row for row in self.codes.all() if code_hash_matches(code, row.code_hash)), None
        )
        # Deleting by id: of two logins with the same code only one deletes the row.
        if match is None or not BackupCode.objects.filter(pk=match.pk).delete()[0]:
            self.throttle_increment(commit=True)
            return False
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1))


class BackupCode(models.Model):
    device = models.ForeignKey(
        BackupCodeDevice, on_delete=models.CASCADE, related_name="codes", verbose_name=_("device")
    )
    code_hash = models.CharField(_("code hash"), max_length=100)

    class Meta:
        verbose_name = _("backup code")
        verbose_name_plural = _("backup codes")

    def __str__(self) -> str:
        return f"{self.device_id}"


class ActivationCode(models.Model):
    """A one-time code an administrator issues so that a user without an authenticator
    may set one up: the password alone never adds a device. Stored only as a salted
    HMAC; valid until `expires_at` (72 hours) and once (claimed with a conditional
    UPDATE on `used_at IS NULL`). A user has at most one outstanding code."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="activation_codes",
        verbose_name=_("user"),
    )
    code_hash = models.CharField(_("code hash"), max_length=100)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued"))
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("activation code")
        verbose_name_plural = _("activation codes")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(used_at__isnull=True, revoked_at__isnull=True),
                name="activationcode_one_outstanding",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("issued_at")),
                name="activationcode_expires_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.issued_at:%Y-%m-%d %H:%M}"


class TwoFactorEventKind(models.TextChoices):
    CODE_ISSUED = "code_issued", _("Activation code issued")
    ENROLLED = "enrolled", _("Authenticator set up")
    REPLACED = "replaced", _("Authenticator replaced")
    REMOVED = "removed", _("Authenticator removed by the user")
    RESET = "reset", _("Two-factor devices reset by an administrator")
    MIGRATED = "migrated", _("Authenticator sealed from the old storage")


class TwoFactorEvent(models.Model):
    """What happened to a user's second factor, and who did it; append-only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="two_factor_events",
        verbose_name=_("user"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    kind = models.CharField(_("event"), max_length=20, choices=TwoFactorEventKind.choices)
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("two-factor event")
        verbose_name_plural = _("two-factor events")
        indexes = [models.Index(fields=["user", "-at"], name="twofactorevent_user_at")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
