"""The notifications a referral sends when it waits too long (referrals.reminders)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from notifications.kinds import Variants, needs, notification_kinds_register


class ReferralNotificationKind(models.TextChoices):
    REFERRAL_NOT_OPENED = "referral_not_opened", _("A referral has not been opened")
    REFERRAL_ESCALATED = "referral_escalated", _("A referral has not been accepted")


TEXTS: dict[str, Variants] = {
    ReferralNotificationKind.REFERRAL_NOT_OPENED: (
        (
            needs("date"),
            _("A referral sent on %(date)s has not been opened in three business days."),
        ),
        (needs(), _("A referral has not been opened in three business days.")),
    ),
    ReferralNotificationKind.REFERRAL_ESCALATED: (
        (
            needs("date", "agency"),
            _(
                "A referral sent on %(date)s to %(agency)s has not been accepted in five "
                "business days."
            ),
        ),
        (
            needs("date"),
            _("A referral sent on %(date)s has not been accepted in five business days."),
        ),
        (
            needs("agency"),
            _("A referral to %(agency)s has not been accepted in five business days."),
        ),
        (needs(), _("A referral has not been accepted in five business days.")),
    ),
}


def register() -> None:
    """Called by ReferralsConfig.ready()."""
    notification_kinds_register(kinds=ReferralNotificationKind, texts=TEXTS)
