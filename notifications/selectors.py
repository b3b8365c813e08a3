"""Reads of a user's own notifications. Nobody reads another user's: they are personal."""

from uuid import UUID

from django.db.models import Func, IntegerField, OuterRef, QuerySet, Subquery
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


def unread_notifications_subquery(*, user_ref: str = "pk") -> Subquery:
    """The unread count of the user at OuterRef(user_ref), as an expression.

    The navigation needs it on every page; as a subquery it rides along in a query that
    runs anyway instead of adding one. COUNT(*) without GROUP BY returns one row also when
    there is nothing to count, so the value is 0, never NULL.
    """
    return Subquery(
        Notification.objects.filter(recipient=OuterRef(user_ref), read_at__isnull=True)
        .order_by()
        .annotate(unread=Func(template="COUNT(*)", output_field=IntegerField()))
        .values("unread"),
        output_field=IntegerField(),
    )
