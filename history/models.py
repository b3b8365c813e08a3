"""Who changed what, and when, for clients, cases, referrals and plans.

Services write a record in the same transaction as the change they make; the record names
its object by kind and public id, so this app needs none of the apps above it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency


class ObjectKind(models.TextChoices):
    CLIENT = "client", _("Client")
    CASE = "case", _("Case")
    REFERRAL = "referral", _("Referral")
    PLAN = "plan", _("Employment plan")
    ASSESSMENT = "assessment", _("Service-need assessment")
    MEETING = "meeting", _("Network meeting")


class ChangeRecord(models.Model):
    object_kind = models.CharField(_("object"), max_length=20, choices=ObjectKind.choices)
    object_id = models.UUIDField(_("object id"))
    at = models.DateTimeField(_("at"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    # Kept as text too: the record must still say who it was after the user is removed.
    username = models.CharField(_("user name"), max_length=150)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("agency"),
    )
    action = models.CharField(_("action"), max_length=50)
    # Field names and the data category each belongs to, never the values: the history
    # is shown to everyone who may see the object, and values could be withheld from them.
    fields = models.JSONField(_("fields changed"), default=list, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("change record")
        verbose_name_plural = _("change records")
        indexes = [models.Index(fields=["object_kind", "object_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.object_kind} {self.object_id} {self.action}"
