import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
