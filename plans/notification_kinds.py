"""The notifications the employment plan and the outcome's follow-ups send
(plans.reminders)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from notifications.kinds import Variants, needs, notification_kinds_register


class PlanNotificationKind(models.TextChoices):
    PLAN_DUE = "plan_due", _("The employment plan is due")
    PLAN_REVIEW = "plan_review", _("The employment plan is due for review")
    ACTION_DUE = "action_due", _("A plan action is due")
    FOLLOW_UP_DUE = "follow_up_due", _("An outcome follow-up is due")


TEXTS: dict[str, Variants] = {
    PlanNotificationKind.PLAN_DUE: (
        (needs("date"), _("A client's employment plan is due by %(date)s.")),
    ),
    PlanNotificationKind.PLAN_REVIEW: (
        (needs("date"), _("A client's employment plan is due for review by %(date)s.")),
    ),
    PlanNotificationKind.ACTION_DUE: (
        (needs("date"), _("An action of an employment plan is due on %(date)s.")),
    ),
    PlanNotificationKind.FOLLOW_UP_DUE: (
        (needs("date"), _("A follow-up of a client's outcome is due on %(date)s.")),
    ),
}


def register() -> None:
    """Called by PlansConfig.ready()."""
    notification_kinds_register(kinds=PlanNotificationKind, texts=TEXTS)
