"""Network meetings about one client (verkostopalaveri), network gatherings open to the
agencies of a region, and each user's calendar feed.

A meeting and a gathering carry an iCalendar UID that never changes and a SEQUENCE that
goes up with every change sent out (RFC 5545), so calendar programs update the event
they already have instead of adding another.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from meetings.calendar.models import CalendarFeed, EventStatus
from meetings.gatherings.models import Gathering, ProgrammeItem, Registration
from pathways.models import Case
from plans.models import PlanAction

# Defined in the sub-packages; imported here so that Django registers them.
__all__ = [
    "CalendarFeed",
    "EventStatus",
    "Gathering",
    "ProgrammeItem",
    "Registration",
]


class Meeting(models.Model):
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    uid = models.CharField(_("calendar UID"), max_length=100, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("case")
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organiser"),
    )
    organiser_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("organising agency")
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=EventStatus.choices, default=EventStatus.SCHEDULED
    )
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("network meeting")
        verbose_name_plural = _("network meetings")
        # Calendars and feeds ask for a time range across all cases.
        indexes = [models.Index(fields=["case", "starts_at"]), models.Index(fields=["starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0) & Q(duration_minutes__lte=600),
                name="meeting_duration_sensible",
                violation_error_message=_("A meeting lasts from 1 minute to 10 hours."),
            ),
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(video_url=""),
                name="meeting_has_place_or_link",
                violation_error_message=_("Give a place or a video link."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.starts_at:%Y-%m-%d %H:%M}"


class Rsvp(models.TextChoices):
    PENDING = "pending", _("Not answered")
    ACCEPTED = "accepted", _("Attending")
    TENTATIVE = "tentative", _("Maybe")
    DECLINED = "declined", _("Not attending")


class Invitee(models.Model):
    """An agency (with its person, if named) or the client, who takes part without an
    account and is reached by e-mail if at all."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="invitees", verbose_name=_("meeting")
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agency"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_invitations",
        verbose_name=_("person"),
    )
    is_client = models.BooleanField(_("the client"), default=False)
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    rsvp = models.CharField(_("answer"), max_length=20, choices=Rsvp.choices, default=Rsvp.PENDING)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("invitee")
        verbose_name_plural = _("invitees")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_client=True, agency__isnull=True)
                | Q(is_client=False, agency__isnull=False),
                name="invitee_agency_or_client",
                violation_error_message=_("An invitee is an agency or the client."),
            ),
            models.UniqueConstraint(
                fields=["meeting", "agency"],
                condition=Q(person__isnull=True, agency__isnull=False),
                name="invitee_agency_once",
            ),
            models.UniqueConstraint(
                fields=["meeting", "person"],
                condition=Q(person__isnull=False),
                name="invitee_person_once",
            ),
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(is_client=True), name="invitee_client_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} → {self.person_id or self.agency_id or 'client'}"


class ActionItem(models.Model):
    """An action agreed in the meeting; recording it adds a PlanAction to the case's plan."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("meeting")
    )
    text = models.TextField(_("action"))
    owner_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner agency")
    )
    due_on = models.DateField(_("due on"))
    plan_action = models.OneToOneField(
        PlanAction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_item",
        verbose_name=_("plan action"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["meeting", "due_on", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self) -> str:
        return self.text[:60]
