"""A client's path: the case, its stages, checklist ticks and the timeline."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.models import Agency
from pathways.templates.models import ChecklistItem, PathwayTemplate, StageTemplate
from referrals.events import PathEvent
from referrals.models import Client, Release

# Crockford's base32 without I, L, O and U: read aloud or typed, nothing is mistaken.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def case_reference_new() -> str:
    """P- and eight random characters (40 bits): a collision among millions of cases is
    unlikely, and the unique constraint refuses the rare one."""
    return "P-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


class CaseStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class CaseOutcome(models.TextChoices):
    """The outcome of Kela's guidance path (docs/design.md §4)."""

    REGISTERED = "registered", _("Applied and registered as a full-time job seeker")
    NOT_REGISTERED = "not_registered", _("Did not register within the month")
    REASONABLENESS = "reasonableness", _("Reasonableness considerations recorded")


class Case(models.Model):
    """A client's path. Access to it follows access to its client."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    # A short reference that names the case in e-mails and lists without personal data.
    reference = models.CharField(
        _("reference"), max_length=12, unique=True, default=case_reference_new, editable=False
    )
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
    # When the path ended: retention counts from the end of the client relationship.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The date the stage windows count from: the release date, Kela's instruction date,
    # the referral date or the start, by the template's anchor kind. Services keep it
    # equal to the release's date when that moves.
    anchor_date = models.DateField(_("anchor date"))
    outcome = models.CharField(_("outcome"), max_length=30, choices=CaseOutcome.choices, blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True)
    outcome_recorded_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["started_by", "status"]),
            models.Index(
                fields=["template", "anchor_date"],
                condition=Q(status="active"),
                name="case_active_anchor",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="reasonableness") | ~Q(outcome_note=""),
                name="case_reasonableness_has_note",
                violation_error_message=_("Describe the reasonableness considerations."),
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False)
                | Q(status="active", closed_at__isnull=True),
                name="case_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} · {self.template}"


class StageStatus(models.TextChoices):
    NOT_STARTED = "not_started", pgettext_lazy("stage status", "Not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("stage status", "In progress")
    DONE = "done", pgettext_lazy("stage status", "Done")
    SKIPPED = "skipped", pgettext_lazy("stage status", "Skipped")


class CaseStage(models.Model):
    """A stage of one case. Its window is computed from the case's anchor date, so it
    follows the release date when that moves."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="stages", verbose_name=_("case")
    )
    stage = models.ForeignKey(
        StageTemplate, on_delete=models.PROTECT, related_name="+", verbose_name=_("stage")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=StageStatus.choices, default=StageStatus.NOT_STARTED
    )
    skip_reason = models.TextField(_("reason for skipping"), blank=True)
    responsible_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible agency"),
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["case", "stage__order"]
        verbose_name = _("case stage")
        verbose_name_plural = _("case stages")
        constraints = [
            models.UniqueConstraint(fields=["case", "stage"], name="case_stage_unique"),
            models.CheckConstraint(
                condition=~Q(status="skipped") | ~Q(skip_reason=""),
                name="case_stage_skip_has_reason",
                violation_error_message=_("Give the reason for skipping the stage."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.stage}"


class ChecklistTick(models.Model):
    case_stage = models.ForeignKey(
        CaseStage, on_delete=models.CASCADE, related_name="ticks", verbose_name=_("stage")
    )
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    # Nobody when Polku ticked it on an event it noticed itself (a release date reached).
    ticked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    ticked_at = models.DateTimeField(_("ticked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("checklist tick")
        verbose_name_plural = _("checklist ticks")
        constraints = [
            models.UniqueConstraint(fields=["case_stage", "item"], name="checklist_tick_once")
        ]

    def __str__(self) -> str:
        return f"{self.case_stage_id} ✓ {self.item_id}"


class CaseChange(models.TextChoices):
    STARTED = "started", pgettext_lazy("case event", "started")
    COMPLETED = "completed", pgettext_lazy("case event", "done")
    SKIPPED = "skipped", pgettext_lazy("case event", "skipped")
    REOPENED = "reopened", pgettext_lazy("case event", "reopened")
    TICKED = "ticked", pgettext_lazy("case event", "ticked")
    UNTICKED = "unticked", pgettext_lazy("case event", "unticked")
    NOTED = "noted", pgettext_lazy("case event", "noted")


class CaseEvent(models.Model):
    """One line of a case's timeline: what moved on the path, and why.

    `cause` is the path event that moved it (PathEvent), or empty when a person moved it
    by hand. An event that moved nothing still leaves a NOTED line, so the timeline says
    what happened and a scan knows it has already announced it.
    """

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("case")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    cause = models.CharField(_("cause"), max_length=40, choices=PathEvent.choices, blank=True)
    change = models.CharField(_("change"), max_length=20, choices=CaseChange.choices)
    stage = models.ForeignKey(
        StageTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stage"),
    )
    item = models.ForeignKey(
        ChecklistItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checklist item"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # Kept as text: the timeline still says who it was after the user is removed.
    actor_name = models.CharField(_("by"), max_length=200, blank=True)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agency"),
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [models.Index(fields=["case", "-at"], name="case_event_timeline")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(change="noted") | ~Q(cause=""),
                name="case_event_noted_has_cause",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.cause or 'manual'} {self.change}"
