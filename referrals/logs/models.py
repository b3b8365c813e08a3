"""The use log and the disclosure log: append-only, in the same transaction as what they record."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from referrals.clients.models import Client, Consent
from referrals.law.models import LegalBasis


class LogPurpose(models.TextChoices):
    REFERRAL = "referral", _("Handling a referral")
    CASE_WORK = "case_work", _("Case work on the client's path")
    CLIENT_RECORD = "client_record", _("Keeping the client record")
    INBOX = "inbox", _("Reviewing incoming referrals")
    ASSESSMENT = "assessment", _("Assessing the service need")
    PLAN = "plan", _("Employment planning")
    MEETING = "meeting", _("Network meeting")
    SUPERVISION = "supervision", _("Data protection supervision")
    IDENTITY_LOOKUP = "identity_lookup", _("Looking up an identity code")


class UseLogEntry(models.Model):
    """Act 703/2023 §10 use log: who saw which data of whom, why and when."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    username = models.CharField(_("user name"), max_length=150)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="use_log", verbose_name=_("client")
    )
    categories = models.JSONField(_("categories shown"), default=list)
    purpose = models.CharField(_("purpose"), max_length=30, choices=LogPurpose.choices)
    path = models.CharField(_("page"), max_length=300)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("use log entry")
        verbose_name_plural = _("use log")
        # By client for the client log report, by agency for the data protection officer.
        indexes = [models.Index(fields=["client", "-at"]), models.Index(fields=["agency", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.client_id}"


class DisclosureLogEntry(models.Model):
    """Act 703/2023 §10 disclosure log: what was disclosed to whom, on what basis."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="disclosure_log", verbose_name=_("client")
    )
    categories = models.JSONField(_("categories disclosed"), default=list)
    discloser_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("discloser")
    )
    discloser_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("disclosed by"),
    )
    recipient_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("recipient")
    )
    basis = models.ForeignKey(
        LegalBasis, on_delete=models.PROTECT, related_name="+", verbose_name=_("legal basis")
    )
    consent = models.ForeignKey(
        Consent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent"),
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referral"),
    )
    purpose = models.CharField(_("purpose"), max_length=30, choices=LogPurpose.choices)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("disclosure log entry")
        verbose_name_plural = _("disclosure log")
        indexes = [
            models.Index(fields=["client", "-at"]),
            models.Index(fields=["discloser_agency", "-at"]),
            models.Index(fields=["recipient_agency", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.discloser_agency_id}→{self.recipient_agency_id}"
