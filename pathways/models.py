import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, AgencyKind, LocalizedName
from referrals.models import Client, Release


class AnchorKind(models.TextChoices):
    RELEASE_DATE = "release_date", _("Release date")
    REFERRAL_DATE = "referral_date", _("Referral date")
    KELA_INSTRUCTION = "kela_instruction", _("Kela's instruction date")
    CASE_START = "case_start", _("Case start")


class PathwayTemplate(LocalizedName):
    """A path as data: its stages and their windows around an anchor date.

    A case keeps the version it started on; a new version is a new row with the same
    code.
    """

    ADULT_RELEASE = "release-adult"
    YOUTH_RELEASE = "release-youth"

    code = models.SlugField(_("code"), max_length=50)
    version = models.PositiveIntegerField(_("version"), default=1)
    description_fi = models.TextField(_("description in Finnish"), blank=True)
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    anchor = models.CharField(_("anchor"), max_length=30, choices=AnchorKind.choices)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("pathway template")
        verbose_name_plural = _("pathway templates")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="pathway_template_version_unique"
            )
        ]


class StageTemplate(LocalizedName):
    template = models.ForeignKey(
        PathwayTemplate, on_delete=models.CASCADE, related_name="stages", verbose_name=_("pathway")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    responsible_kind = models.CharField(
        _("responsible agency kind"), max_length=30, choices=AgencyKind.choices
    )
    # Day offsets from the anchor; negative is before it (e.g. -90 … -30).
    window_start = models.SmallIntegerField(_("window opens (days from anchor)"))
    window_end = models.SmallIntegerField(_("window closes (days from anchor)"))
    is_anchor = models.BooleanField(_("is the anchor event"), default=False)

    class Meta:
        ordering = ["template", "order"]
        verbose_name = _("stage template")
        verbose_name_plural = _("stage templates")
        constraints = [
            models.UniqueConstraint(
                fields=["template", "order"], name="stage_template_order_unique"
            ),
            models.CheckConstraint(
                condition=Q(window_end__gte=models.F("window_start")),
                name="stage_template_window_not_inverted",
                violation_error_message=_("A stage's window cannot close before it opens."),
            ),
        ]


class CaseStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class Case(models.Model):
    """A client's path. Access to it follows access to its client."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="cases", verbose_name=_("client")
    )
    template = models.ForeignKey(
        PathwayTemplate, on_delete=models.PROTECT, related_name="cases", verbose_name=_("pathway")
    )
    release = models.OneToOneField(
        Release,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case",
        verbose_name=_("release"),
    )
    started_by = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="cases_started", verbose_name=_("started by")
    )
    started_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("started by"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.ACTIVE
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [models.Index(fields=["started_by", "status"])]

    def __str__(self) -> str:
        return f"{self.client} · {self.template}"
