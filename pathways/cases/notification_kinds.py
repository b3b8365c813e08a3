"""The notifications a case's path sends (pathways.cases.reminders): the countdown to the
client's release and the stages' windows and reminders."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from notifications.kinds import Variants, needs, notification_kinds_register


class CaseNotificationKind(models.TextChoices):
    RELEASE_IN_3_MONTHS = "release_90", _("Release in three months")
    RELEASE_IN_2_MONTHS = "release_60", _("Release in two months")
    RELEASE_IN_1_MONTH = "release_30", _("Release in one month")
    RELEASE_IN_1_WEEK = "release_7", _("Release in one week")
    STAGE_OPENS = "stage_opens", _("A stage's window opens")
    STAGE_OVERDUE = "stage_overdue", _("A stage is overdue")
    STAGE_REMINDER = "stage_reminder", _("A stage's reminder")


TEXTS: dict[str, Variants] = {
    CaseNotificationKind.RELEASE_IN_3_MONTHS: (
        (needs("date"), _("A client's release is in three months (%(date)s).")),
    ),
    CaseNotificationKind.RELEASE_IN_2_MONTHS: (
        (needs("date"), _("A client's release is in two months (%(date)s).")),
    ),
    CaseNotificationKind.RELEASE_IN_1_MONTH: (
        (needs("date"), _("A client's release is in one month (%(date)s).")),
    ),
    CaseNotificationKind.RELEASE_IN_1_WEEK: (
        (needs("date"), _("A client's release is in one week (%(date)s).")),
    ),
    CaseNotificationKind.STAGE_OPENS: (
        (needs("stage", "date"), _("The stage “%(stage)s” opens on %(date)s.")),
        (needs("stage"), _("The stage “%(stage)s” opens soon.")),
        (needs("date"), _("A stage opens on %(date)s.")),
    ),
    CaseNotificationKind.STAGE_OVERDUE: (
        (
            needs("stage", "date"),
            _("The stage “%(stage)s” is overdue: its window closed on %(date)s."),
        ),
        (needs("stage"), _("The stage “%(stage)s” is overdue.")),
        (needs("date"), _("A stage is overdue: its window closed on %(date)s.")),
    ),
    CaseNotificationKind.STAGE_REMINDER: (
        (needs("stage", "date"), _("A reminder of the stage “%(stage)s” (%(date)s).")),
        (needs("stage"), _("A reminder of the stage “%(stage)s”.")),
    ),
}


def register() -> None:
    """Called by PathwaysConfig.ready()."""
    notification_kinds_register(kinds=CaseNotificationKind, texts=TEXTS)
