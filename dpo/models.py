"""Seals over the use and disclosure logs: a hash chain per agency and day that shows
whether a row was changed, removed or slipped in after it was sealed
(docs/adr/0019-logs-the-application-cannot-rewrite.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency


class LogKind(models.TextChoices):
    USE = "use", _("Use log")
    DISCLOSURE = "disclosure", _("Disclosure log")


class LogSeal(models.Model):
    """The rows of one log written by `agency` (the discloser, for the disclosure log)
    with `start <= at < end`, all on the Helsinki day `day`, in id order.

    `digest` is an HMAC of `previous` (the digest of the agency's seal before this one),
    the window and every row's SHA-256; `manifest` holds each row's id and the first
    8 bytes of its SHA-256, so that a broken seal names the first row that differs.
    Append-only like the logs: the application's database role may only insert and read.
    """

    log = models.CharField(_("log"), max_length=10, choices=LogKind.choices)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    day = models.DateField(_("day"))
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    rows = models.PositiveIntegerField(_("rows"))
    last_id = models.BigIntegerField(_("last row"))
    manifest = models.BinaryField(_("manifest"))
    previous = models.CharField(_("previous digest"), max_length=64)
    # The day of the seal `previous` names (None at the chain's start): when retention has
    # removed it, the chain may start here; a seal of a later day must still be there.
    previous_day = models.DateField(_("day of the previous seal"), null=True)
    digest = models.CharField(_("digest"), max_length=64)
    sealed_at = models.DateTimeField(_("sealed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("log seal")
        verbose_name_plural = _("log seals")
        constraints = [
            # One chain per log and agency: two sealers never fork it.
            models.UniqueConstraint(fields=["log", "agency", "start"], name="dpo_seal_start"),
            models.UniqueConstraint(fields=["log", "agency", "previous"], name="dpo_seal_previous"),
        ]
        indexes = [models.Index(fields=["log", "agency", "-end"], name="dpo_seal_latest")]

    def __str__(self) -> str:
        return f"{self.log} {self.agency_id} {self.day} ≤{self.last_id}"


class LogCheck(models.Model):
    """The latest verification of one agency's chain of one log (`verify_logs`, nightly),
    for the data protection officer's page."""

    log = models.CharField(_("log"), max_length=10, choices=LogKind.choices)
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="+", verbose_name=_("agency")
    )
    checked_at = models.DateTimeField(_("checked at"))
    intact = models.BooleanField(_("intact"))
    seals = models.PositiveIntegerField(_("seals"))
    rows = models.PositiveIntegerField(_("rows"))
    chain_from = models.DateField(_("chain from"), null=True)
    sealed_until = models.DateTimeField(_("sealed until"), null=True)
    problem = models.CharField(_("problem"), max_length=30, blank=True)
    problem_day = models.DateField(_("day of the problem"), null=True)
    problem_row = models.BigIntegerField(_("first row that differs"), null=True)

    class Meta:
        verbose_name = _("log check")
        verbose_name_plural = _("log checks")
        constraints = [
            models.UniqueConstraint(fields=["log", "agency"], name="dpo_check_one_per_chain")
        ]

    def __str__(self) -> str:
        return f"{self.log} {self.agency_id} {'ok' if self.intact else self.problem}"
