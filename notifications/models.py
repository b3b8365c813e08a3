"""In-app notifications, their e-mail delivery, and the claims that make each reminder go
out exactly once.

This app knows only users: what a notification is about travels as its kind, a link and
a few parameters, so that the layers above (referrals, pathways, plans, meetings) can
notify without this one importing them. They register their kinds (notifications.kinds).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from notifications.kinds import notification_kind_choices


class Notification(models.Model):
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=notification_kind_choices)
    # Names of stages in fi/sv/en and dates, never client data: e-mail is not a safe
    # channel for it, and the page behind `url` checks access when it is opened.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=200)
    due_on = models.DateField(_("due on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_list"),
            models.Index(
                fields=["created_at"],
                condition=models.Q(emailed_at__isnull=True),
                name="notification_unmailed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient_id} ({self.due_on})"


class ReminderClaim(models.Model):
    """A reminder that has gone out. The unique row is taken in the same transaction that
    creates its notifications, so a reminder is delivered once however many scans run."""

    kind = models.CharField(_("kind"), max_length=30, choices=notification_kind_choices)
    subject = models.CharField(_("subject"), max_length=100)
    due_on = models.DateField(_("due on"))
    scan = models.UUIDField(_("scan"))
    claimed_at = models.DateTimeField(_("claimed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder claim")
        verbose_name_plural = _("reminder claims")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject", "due_on"], name="reminder_claim_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject} {self.due_on}"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    DROPPED = "dropped", _("Not sent: outdated")


class OutboxKind(models.TextChoices):
    NOTIFICATION = "notification", _("Notification")
    DIGEST = "digest", _("Daily digest")
    INVITATION = "invitation", _("Calendar invitation")


class OutboxMessage(models.Model):
    """An e-mail to send, written in the transaction of the change it follows; the sender
    claims it, sends it and marks it sent (docs/adr: the outbox). The status moves only
    through the transitions in notifications.outbox."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OutboxKind.choices)
    # Rows of one thread (an invitee's invitations) replace each other: a newer one makes
    # the older ones still waiting outdated.
    thread = models.CharField(_("thread"), max_length=200, blank=True)
    thread_order = models.IntegerField(_("order in thread"), default=0)
    message_id = models.CharField(_("Message-ID"), max_length=200, unique=True)
    to = models.EmailField(_("recipient"), max_length=254)
    subject = models.CharField(pgettext_lazy("e-mail", "subject"), max_length=300)
    body = models.TextField(_("body"))
    reply_to = models.EmailField(_("reply to"), max_length=254, blank=True)
    calendar = models.TextField(_("calendar"), blank=True)
    calendar_method = models.CharField(_("calendar method"), max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    dispatched_at = models.DateTimeField(_("handed to the worker at"), null=True, blank=True)
    discard_after = models.DateTimeField(_("outdated after"), null=True, blank=True)
    claim = models.UUIDField(_("claim"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="outbox_due",
            ),
            models.Index(
                fields=["claimed_at"],
                condition=models.Q(status="sending"),
                name="outbox_sending",
            ),
            models.Index(fields=["thread"], name="outbox_thread"),
            models.Index(fields=["status", "-created_at"], name="outbox_status"),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.to} ({self.status})"
