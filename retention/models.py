"""How long each data category is kept, and the record of what retention did.

The periods are data (administrators edit them when the law changes); the shipped
defaults follow Act 381/2023 §12 and Act 1301/2021 §31 (docs/adr/0012-retention.md).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from referrals.models import Client, DataCategory


class CountedFrom(models.TextChoices):
    RELATIONSHIP_END = "relationship_end", _("The end of the client relationship")
    RELEASE = "release", _("The release")


class RetentionRule(models.Model):
    """A category's data is kept `years` after the client relationship ends or after the
    client's (latest) release; `provision_*` cites the law the period comes from."""

    category = models.OneToOneField(
        DataCategory,
        on_delete=models.CASCADE,
        related_name="retention_rule",
        verbose_name=_("data category"),
    )
    years = models.PositiveSmallIntegerField(_("years kept"))
    counted_from = models.CharField(_("counted from"), max_length=30, choices=CountedFrom.choices)
    provision_fi = models.CharField(_("provision in Finnish"), max_length=200)
    provision_sv = models.CharField(_("provision in Swedish"), max_length=200)
    provision_en = models.CharField(_("provision in English"), max_length=200)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["category__ordering"]
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(years__gte=1) & Q(years__lte=100),
                name="retention_rule_years_sensible",
                violation_error_message=_("Data is kept from 1 to 100 years."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.years} · {self.provision}"

    @property
    def provision(self) -> str:
        language = (get_language() or "fi")[:2]
        return str(getattr(self, f"provision_{language}", "") or self.provision_fi)


class RunStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("retention run", "Requested")
    RUNNING = "running", pgettext_lazy("retention run", "Running")
    DONE = "done", pgettext_lazy("retention run", "Done")
    FAILED = "failed", pgettext_lazy("retention run", "Failed")


class RetentionRun(models.Model):
    """One real run of retention: asked for by the data protection officer, or by the
    nightly schedule (no user). It holds counts only, never client data."""

    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_agency = models.ForeignKey(
        Agency,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agency"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.REQUESTED
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    # The exception's class name only: its message could quote client data.
    error = models.CharField(_("error"), max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        constraints = [
            # At most one run works at a time, however many workers take the task.
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="running"), name="retention_one_running"
            ),
            models.CheckConstraint(
                condition=Q(status="requested") | Q(started_at__isnull=False),
                name="retention_run_started_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d %H:%M} {self.status}"


class ClientAnonymisation(models.Model):
    """The client was anonymised: the row stays for the logs and statistics that refer
    to it, and retention does not look at it again."""

    client = models.OneToOneField(
        Client, on_delete=models.CASCADE, related_name="anonymisation", verbose_name=_("client")
    )
    run = models.ForeignKey(
        RetentionRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="anonymisations",
        verbose_name=_("retention run"),
    )
    at = models.DateTimeField(_("anonymised at"), auto_now_add=True)

    class Meta:
        verbose_name = _("client anonymisation")
        verbose_name_plural = _("client anonymisations")

    def __str__(self) -> str:
        return f"{self.client_id} {self.at:%Y-%m-%d}"
