"""The referral app's models. Referrals, their events and the access grants they give are
defined here; clients, the law, releases and the logs live in their sub-packages and are
imported here, so that Django finds them and other apps name them as `referrals.models`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.models import Agency
from referrals.clients.models import (
    Client,
    ClientGroupObjectPermission,
    Consent,
    ConsentMethod,
    Language,
    ServiceLanguage,
)
from referrals.law.models import DataCategory, DisclosureRule, LegalBasis
from referrals.logs.models import DisclosureLogEntry, LogPurpose, UseLogEntry
from referrals.releases.models import Release, ReleaseType

# Defined in the sub-packages; imported here so that Django registers them.
__all__ = [
    "Client",
    "ClientGroupObjectPermission",
    "Consent",
    "ConsentMethod",
    "DataCategory",
    "DisclosureLogEntry",
    "DisclosureRule",
    "Language",
    "LegalBasis",
    "LogPurpose",
    "Release",
    "ReleaseType",
    "ServiceLanguage",
    "UseLogEntry",
]


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("referral status", "Draft")
    SENT = "sent", pgettext_lazy("referral status", "Sent")
    OPENED = "opened", pgettext_lazy("referral status", "Opened")
    ACCEPTED = "accepted", pgettext_lazy("referral status", "Accepted")
    RETURNED = "returned", pgettext_lazy("referral status", "Returned")
    WITHDRAWN = "withdrawn", pgettext_lazy("referral status", "Withdrawn")
    CLOSED = "closed", pgettext_lazy("referral status", "Closed")


class Referral(models.Model):
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("client"),
        # Indexed first in referral_client_recipient below.
        db_index=False,
    )
    release = models.ForeignKey(
        Release,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("release"),
    )
    sender_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="referrals_sent", verbose_name=_("sender")
    )
    sender_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referrals_sent",
        verbose_name=_("sent by"),
    )
    recipient_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name=_("recipient"),
    )
    recipient_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals_addressed",
        verbose_name=_("named contact person"),
    )
    basis = models.ForeignKey(
        LegalBasis,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("legal basis"),
    )
    categories = models.ManyToManyField(
        DataCategory, related_name="+", verbose_name=_("data disclosed")
    )
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals_assigned",
        verbose_name=_("responsible person"),
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-sent_at", "-created_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="referral_returned_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(sent_at__isnull=False),
                name="referral_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(sender_agency=models.F("recipient_agency")),
                name="referral_to_another_agency",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient_agency", "status", "-sent_at"]),
            # A name search in the inbox: the few clients of that name, then their
            # referrals to this agency, without reading the agency's whole inbox.
            models.Index(fields=["client", "recipient_agency"], name="referral_client_recipient"),
            # The inbox: an agency's received referrals, newest first.
            models.Index(
                fields=["recipient_agency", "-sent_at"],
                condition=~Q(status="draft"),
                name="referral_inbox",
            ),
            # The reminder scan: referrals still waiting to be opened or accepted.
            models.Index(
                fields=["sent_at"],
                condition=Q(status__in=["sent", "opened"]),
                name="referral_awaiting",
            ),
            models.Index(fields=["sender_agency", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.client} → {self.recipient_agency}"


class ReferralEvent(models.Model):
    """One step of a referral's timeline; both sides see it."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="events", verbose_name=_("referral")
    )
    status = models.CharField(_("new status"), max_length=20, choices=ReferralStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    actor_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")

    def __str__(self) -> str:
        return f"{self.referral_id} {self.status} {self.at:%Y-%m-%d %H:%M}"


class AccessGrant(models.Model):
    """Why an agency may see a client's data: which categories, on what basis, from which
    referral or consent, and until when. Revoking it removes the access at once."""

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="grants", verbose_name=_("client")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="grants", verbose_name=_("recipient agency")
    )
    basis = models.ForeignKey(
        LegalBasis, on_delete=models.PROTECT, related_name="+", verbose_name=_("legal basis")
    )
    categories = models.ManyToManyField(
        DataCategory, related_name="+", verbose_name=_("categories")
    )
    referral = models.ForeignKey(
        Referral,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("referral"),
    )
    consent = models.ForeignKey(
        Consent,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("consent"),
    )
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.CharField(_("why revoked"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        constraints = [
            models.CheckConstraint(
                condition=Q(consent__isnull=False) | Q(referral__isnull=False),
                name="grant_has_a_source",
            ),
        ]
        indexes = [
            models.Index(
                fields=["agency", "client"],
                condition=Q(revoked_at__isnull=True),
                name="grant_active_agency_client",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency} · {self.client} · {self.basis}"
