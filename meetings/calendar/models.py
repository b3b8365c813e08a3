"""Each user's personal calendar feed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from history.models import ChangeAction
from history.transitions import Transitions


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


# A meeting's and a gathering's one move: a cancelled event stays cancelled.
EVENT_TRANSITIONS: Transitions[models.Model] = Transitions(
    moves={EventStatus.SCHEDULED: {"cancel": EventStatus.CANCELLED}, EventStatus.CANCELLED: {}},
    actions={"cancel": ChangeAction.CANCELLED},
)


class CalendarFeed(models.Model):
    """A personal .ics feed. Only a hash of its secret token is stored: the URL is shown
    once, and a leaked database does not give anyone's calendar away."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"feed {self.user_id}"
