"""Pathway templates: versions, their stages, checklists and reminder rules."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import AgencyKind, LocalizedName
from referrals.events import PathEvent


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
    KELA_GUIDANCE = "kela-guidance"

    code = models.SlugField(_("code"), max_length=50)
    version = models.PositiveIntegerField(_("version"), default=1)
    description_fi = models.TextField(_("description in Finnish"), blank=True)
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    anchor = models.CharField(_("anchor"), max_length=30, choices=AnchorKind.choices)
    # A draft until published; a published version is never edited again.
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("pathway template")
        verbose_name_plural = _("pathway templates")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="pathway_template_version_unique"
            )
        ]


class StageAction(models.TextChoices):
    NONE = "none", _("Nothing")
    REFERRAL = "referral", _("Sends a referral")
    NETWORK_MEETING = "network_meeting", _("Calls a network meeting")


class Audience(models.TextChoices):
    RESPONSIBLE = "responsible", _("The responsible person")
    CONTACT_PERSON = "contact_person", _("The named contact person")
    COORDINATOR = "coordinator", _("The coordinator")


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
    action = models.CharField(
        _("action"), max_length=20, choices=StageAction.choices, default=StageAction.NONE
    )
    # Path events (PathEvent values) that move a running case's stage by themselves:
    # the first starts a stage not yet started, the second completes one not yet settled.
    start_events = models.JSONField(_("events that start the stage"), default=list, blank=True)
    complete_events = models.JSONField(
        _("events that complete the stage"), default=list, blank=True
    )

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

    @property
    def start_event_labels(self) -> list[str]:
        return [str(PathEvent(e).label) for e in self.start_events if e in PathEvent.values]

    @property
    def complete_event_labels(self) -> list[str]:
        return [str(PathEvent(e).label) for e in self.complete_events if e in PathEvent.values]


class ChecklistItem(LocalizedName):
    stage = models.ForeignKey(
        StageTemplate, on_delete=models.CASCADE, related_name="checklist", verbose_name=_("stage")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    # The path event that ticks the item by itself, if any.
    ticked_on = models.CharField(
        _("event that ticks the item"), max_length=40, choices=PathEvent.choices, blank=True
    )

    class Meta:
        ordering = ["stage", "order"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(fields=["stage", "order"], name="checklist_item_order_unique")
        ]


class ReminderRule(LocalizedName):
    """A reminder of a stage: `name` is its message, sent `offset_days` from the anchor."""

    stage = models.ForeignKey(
        StageTemplate, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("stage")
    )
    offset_days = models.SmallIntegerField(_("days from the anchor"))
    audience = models.CharField(_("to whom"), max_length=20, choices=Audience.choices)

    class Meta:
        ordering = ["stage", "offset_days", "audience"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "offset_days", "audience"], name="reminder_rule_unique"
            )
        ]
