"""The law as data: data categories, legal bases and the default disclosure matrix."""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from agencies.models import AgencyKind, LocalizedName


class DataCategory(LocalizedName):
    """A kind of client data that is disclosed, or not, as a whole (docs/design.md §3)."""

    IDENTITY = "identity"
    CONTACT = "contact"
    RELEASE = "release"
    SENTENCE = "sentence"
    HEALTH = "health"
    SERVICE_NEEDS = "service_needs"
    EMPLOYMENT_PLAN = "employment_plan"

    code = models.SlugField(_("code"), max_length=40, unique=True)
    ordering = models.PositiveSmallIntegerField(_("ordering"), default=0)

    class Meta:
        ordering = ["ordering"]
        verbose_name = _("data category")
        verbose_name_plural = _("data categories")


class LegalBasis(LocalizedName):
    """A provision that allows disclosure, or the client's consent."""

    CONSENT = "consent"

    code = models.SlugField(_("code"), max_length=40, unique=True)
    is_consent = models.BooleanField(_("rests on consent"), default=False)
    description_fi = models.TextField(_("description in Finnish"), blank=True)
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    ordering = models.PositiveSmallIntegerField(_("ordering"), default=0)

    class Meta:
        ordering = ["ordering"]
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")
        constraints = [
            models.UniqueConstraint(
                fields=["is_consent"], condition=Q(is_consent=True), name="legal_basis_one_consent"
            )
        ]


class DisclosureRule(models.Model):
    """One cell of the disclosure matrix: under `basis`, a `discloser_kind` agency may give a
    `recipient_kind` agency the data of `category`, without the client's consent."""

    basis = models.ForeignKey(
        LegalBasis, on_delete=models.CASCADE, related_name="rules", verbose_name=_("legal basis")
    )
    discloser_kind = models.CharField(
        _("discloser kind"), max_length=30, choices=AgencyKind.choices
    )
    recipient_kind = models.CharField(
        _("recipient kind"), max_length=30, choices=AgencyKind.choices
    )
    category = models.ForeignKey(
        DataCategory, on_delete=models.CASCADE, related_name="rules", verbose_name=_("category")
    )
    limitation_fi = models.CharField(_("limitation in Finnish"), max_length=300, blank=True)
    limitation_sv = models.CharField(_("limitation in Swedish"), max_length=300, blank=True)
    limitation_en = models.CharField(_("limitation in English"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("disclosure rule")
        verbose_name_plural = _("disclosure rules")
        constraints = [
            models.UniqueConstraint(
                fields=["basis", "discloser_kind", "recipient_kind", "category"],
                name="disclosure_rule_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.basis}: {self.discloser_kind} → {self.recipient_kind}: {self.category}"

    @property
    def limitation(self) -> str:
        language = (get_language() or "fi")[:2]
        return str(getattr(self, f"limitation_{language}", "") or self.limitation_fi)
