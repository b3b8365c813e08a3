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


class ChangeAction(models.TextChoices):
    """What a change record says was done. The values are stored: a new action is a new
    member, and a value is never renamed, or the records already written lose their label."""

    CREATED = "created", _("Created")
    UPDATED = "updated", _("Updated")
    # Clients
    CONSENT_RECORDED = "consent recorded", _("Consent recorded")
    CONSENT_WITHDRAWN = "consent withdrawn", _("Consent withdrawn")
    # Referrals: the status each move leads to
    SENT = "sent", _("Sent")
    OPENED = "opened", _("Opened")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CLOSED = "closed", _("Closed")
    # Cases and their stages
    STARTED = "started", _("Path started")
    STAGE_START = "stage start", _("Stage started")
    STAGE_COMPLETE = "stage complete", _("Stage marked done")
    STAGE_SKIP = "stage skip", _("Stage skipped")
    STAGE_REOPEN = "stage reopen", _("Stage reopened")
    STAGE_ASSIGNED = "stage assigned", _("Responsible person named")
    CHECKLIST_TICKED = "checklist ticked", _("Checklist item ticked")
    CHECKLIST_UNTICKED = "checklist unticked", _("Checklist item unticked")
    RELEASE_DATE_MOVED = "release date moved", _("Release date moved")
    RELEASE_RECORDED = "release recorded", _("Release recorded")
    # The path's own moves (pathways.cases.reactions), one per path event: "path: <event>".
    PATH_REFERRAL_SENT = "path: referral_sent", _("Path moved: referral sent")
    PATH_REFERRAL_OPENED = "path: referral_opened", _("Path moved: referral opened")
    PATH_REFERRAL_ACCEPTED = "path: referral_accepted", _("Path moved: referral accepted")
    PATH_REFERRAL_RETURNED = "path: referral_returned", _("Path moved: referral returned")
    PATH_ASSESSMENT_COMPLETED = (
        "path: assessment_completed",
        _("Path moved: service-need assessment completed"),
    )
    PATH_RELEASE_RECORDED = "path: release_recorded", _("Path moved: release recorded")
    PATH_PLAN_SIGNED = "path: plan_signed", _("Path moved: employment plan signed")
    PATH_PLAN_REVIEWED = "path: plan_reviewed", _("Path moved: employment plan reviewed")
    PATH_MEETING_HELD = "path: meeting_held", _("Path moved: network meeting held")
    PATH_OUTCOME_RECORDED = "path: outcome_recorded", _("Path moved: outcome recorded")
    PATH_KELA_REGISTRATION_RECORDED = (
        "path: kela_registration_recorded",
        _("Path moved: Kela registration recorded"),
    )
    # Assessments, plans and outcomes
    OUTCOME_RECORDED = "outcome recorded", _("Outcome recorded")
    ENTRIES_SAVED = "entries saved", _("Assessment entries saved")
    SUMMARY_SAVED = "summary saved", _("Summary saved")
    COMPLETED = "completed", _("Completed")
    REOPENED = "reopened", _("Reopened")
    GOAL_ADDED = "goal added", _("Goal added")
    GOAL_REMOVED = "goal removed", _("Goal removed")
    ACTION_ADDED = "action added", _("Action added")
    ACTION_START = "action start", _("Action started")
    ACTION_COMPLETE = "action complete", _("Action done")
    ACTION_CANCEL = "action cancel", _("Action cancelled")
    ACTION_REOPEN = "action reopen", _("Action reopened")
    VERSION_FROZEN = "version frozen", _("Version sent for sign-off")
    SIGNED_OFF = "signed off", _("Signed off")
    FOLLOW_UP_RECORDED = "follow-up recorded", _("Follow-up recorded")
    # Meetings
    SCHEDULED = "scheduled", _("Meeting scheduled")
    CANCELLED = "cancelled", _("Cancelled")
    INVITED = "invited", _("Invited")
    UNINVITED = "uninvited", _("Invitation withdrawn")
    ANSWERED = "answered", _("Invitation answered")
    MINUTES_RECORDED = "minutes recorded", _("Minutes recorded")
    # Retention
    CLEAR = "clear", _("Data cleared after retention")
    ANONYMISE = "anonymise", _("Anonymised after retention")
    DELETE = "delete", _("Deleted after retention")


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
    action = models.CharField(_("action"), max_length=50, choices=ChangeAction.choices)
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
