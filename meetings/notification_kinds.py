"""The notifications network meetings and gatherings send to the people they concern
(meetings.services, meetings.gatherings.services)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from notifications.kinds import Variants, needs, notification_kinds_register


class MeetingNotificationKind(models.TextChoices):
    MEETING_INVITATION = "meeting_invitation", _("An invitation to a network meeting")
    MEETING_CHANGED = "meeting_changed", _("A network meeting changed")
    MEETING_CANCELLED = "meeting_cancelled", _("A network meeting was cancelled")
    GATHERING_CHANGED = "gathering_changed", _("A network gathering changed")
    GATHERING_CANCELLED = "gathering_cancelled", _("A network gathering was cancelled")


TEXTS: dict[str, Variants] = {
    MeetingNotificationKind.MEETING_INVITATION: (
        (
            needs("agency", "date", "time"),
            _("%(agency)s invites you to a network meeting on %(date)s at %(time)s."),
        ),
        (
            needs("date", "time"),
            _("You are invited to a network meeting on %(date)s at %(time)s."),
        ),
    ),
    MeetingNotificationKind.MEETING_CHANGED: (
        (
            needs("agency", "date", "time"),
            _("%(agency)s changed a network meeting: it is now on %(date)s at %(time)s."),
        ),
        (
            needs("date", "time"),
            _("A network meeting changed: it is now on %(date)s at %(time)s."),
        ),
    ),
    MeetingNotificationKind.MEETING_CANCELLED: (
        (
            needs("agency", "date", "time"),
            _("%(agency)s cancelled the network meeting on %(date)s at %(time)s."),
        ),
        (
            needs("date", "time"),
            _("The network meeting on %(date)s at %(time)s was cancelled."),
        ),
    ),
    MeetingNotificationKind.GATHERING_CHANGED: (
        (
            needs("agency", "date", "time"),
            _("%(agency)s changed the network gathering; it is now on %(date)s at %(time)s."),
        ),
    ),
    MeetingNotificationKind.GATHERING_CANCELLED: (
        (
            needs("agency", "date", "time"),
            _("%(agency)s cancelled the network gathering on %(date)s at %(time)s."),
        ),
    ),
}


def register() -> None:
    """Called by MeetingsConfig.ready()."""
    notification_kinds_register(kinds=MeetingNotificationKind, texts=TEXTS)
