"""Reads of a user's own notifications. Nobody reads another user's: they are personal."""

from uuid import UUID

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from agencies.models import User
from notifications.models import Notification


def notification_list(*, user: User) -> QuerySet[Notification]:
    """The user's notifications, newest first (the model's order, which an index serves)."""
    return Notification.objects.filter(recipient=user)


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_for_user(*, user: User, public_id: UUID) -> Notification:
    """The user's own notification, or 404: someone else's is not theirs to know about."""
    return get_object_or_404(Notification, recipient=user, public_id=public_id)
