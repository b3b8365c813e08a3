"""Writes a user makes to their own notifications and e-mail choice.

Kept apart from services.py, which creates and e-mails notifications; these are the
reader's side of the same rows.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import EmailDelivery, User
from notifications.models import Notification

INVALID_DELIVERY = _("Choose one of the options.")


@transaction.atomic
def notification_read(*, user: User, notification: Notification) -> None:
    """Mark the user's notification read; one already read keeps its first read time."""
    if notification.recipient_id != user.pk:
        raise PermissionDenied
    now = timezone.now()
    # A conditional update: two tabs opening the same notification record one read time.
    updated = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=now
    )
    if updated:
        notification.read_at = now


@transaction.atomic
def notifications_read_all(*, user: User) -> int:
    """Mark every unread notification of the user read; returns how many there were."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def email_delivery_set(*, user: User, value: str) -> None:
    """Set how the user gets their notifications by e-mail."""
    if value not in EmailDelivery.values:
        raise ValidationError({"email_delivery": INVALID_DELIVERY}, code="invalid_choice")
    user.email_delivery = value
    user.save(update_fields=["email_delivery"])
