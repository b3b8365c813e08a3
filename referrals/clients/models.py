"""Clients, their encrypted identity code, and their consents."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase

from agencies.models import Agency, AgencyKind, Municipality
from referrals.law.models import DataCategory


class Language(models.TextChoices):
    FINNISH = "fi", _("Finnish")
    SWEDISH = "sv", _("Swedish")
    SAMI = "se", _("Sámi")
    ENGLISH = "en", _("English")
    RUSSIAN = "ru", _("Russian")
    ESTONIAN = "et", _("Estonian")
    ARABIC = "ar", _("Arabic")
    SOMALI = "so", _("Somali")
    ROMANI = "rom", _("Romani")
    OTHER = "other", _("Other")


class ServiceLanguage(models.TextChoices):
    FINNISH = "fi", _("Finnish")
    SWEDISH = "sv", _("Swedish")
    ENGLISH = "en", _("English")


class Client(models.Model):
    """A person on a path. The identity code is kept only encrypted, beside a blind index."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    hetu_encrypted = models.TextField(_("personal identity code (encrypted)"), blank=True)
    hetu_index = models.CharField(
        _("identity code index"), max_length=64, null=True, blank=True, unique=True, editable=False
    )
    temporary_id = models.CharField(_("temporary identifier"), max_length=40, blank=True)
    first_name = models.CharField(_("first names"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    birth_date = models.DateField(_("date of birth"))
    home_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="clients",
        verbose_name=_("home municipality"),
    )
    mother_tongue = models.CharField(
        _("mother tongue"), max_length=10, choices=Language.choices, default=Language.FINNISH
    )
    service_language = models.CharField(
        _("service language"),
        max_length=2,
        choices=ServiceLanguage.choices,
        default=ServiceLanguage.FINNISH,
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    address_protected = models.BooleanField(
        _("non-disclosure for personal safety (turvakielto)"),
        default=False,
        help_text=_("Contact details are then shown only to the agency that recorded them."),
    )
    recorded_by = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="recorded_clients",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        constraints = [
            models.CheckConstraint(
                condition=Q(hetu_index__isnull=False) | ~Q(temporary_id=""),
                name="client_has_an_identifier",
            ),
            models.CheckConstraint(
                condition=Q(hetu_index__isnull=True, hetu_encrypted="")
                | (Q(hetu_index__isnull=False) & ~Q(hetu_encrypted="")),
                name="client_hetu_and_index_together",
            ),
            models.UniqueConstraint(
                fields=["temporary_id"],
                condition=~Q(temporary_id=""),
                name="client_temporary_id_unique",
            ),
        ]
        indexes = [models.Index(fields=["recorded_by", "last_name"])]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name}"


class ClientGroupObjectPermission(GroupObjectPermissionBase):
    """Guardian's direct foreign-key permission table for clients (one row per agency group)."""

    content_object = models.ForeignKey(Client, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("In writing")
    ELECTRONIC = "electronic", _("Electronically")
    ORAL = "oral", _("Orally, recorded by staff")


class Consent(models.Model):
    """The client's consent to disclose `categories` to one agency or to a kind of agency."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="consents", verbose_name=_("client")
    )
    recorded_by = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recipient_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents_received",
        verbose_name=_("recipient agency"),
    )
    recipient_kind = models.CharField(
        _("recipient kind"), max_length=30, choices=AgencyKind.choices, blank=True
    )
    categories = models.ManyToManyField(
        DataCategory, related_name="+", verbose_name=_("categories")
    )
    given_on = models.DateField(_("given on"))
    method = models.CharField(_("how it was given"), max_length=20, choices=ConsentMethod.choices)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-given_on", "-created_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=(Q(recipient_agency__isnull=False) & Q(recipient_kind=""))
                | (Q(recipient_agency__isnull=True) & ~Q(recipient_kind="")),
                name="consent_one_recipient",
                violation_error_message=_("Choose either one agency or a kind of agency."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("given_on")),
                name="consent_valid_after_given",
                violation_error_message=_("The consent cannot end before it was given."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} → {self.recipient_agency or self.get_recipient_kind_display()}"
