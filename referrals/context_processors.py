from django.db.models import IntegerField, Value
from django.db.models.expressions import BaseExpression
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from agencies.models import User
from notifications.selectors import unread_notifications_subquery
from referrals.selectors import referral_unread_subquery


def inbox(request: HttpRequest) -> dict[str, object]:
    """The unread referrals and notifications in the navigation: both in one query, run
    only when a page shows either of them."""
    acting = getattr(request, "acting", None)
    user = getattr(request, "user", None)

    def counts() -> dict[str, int]:
        if user is None or not user.is_authenticated:
            return {"inbox": 0, "notifications": 0}
        works = acting is not None and acting.agency is not None and acting.works_with_clients
        referrals: BaseExpression = (
            referral_unread_subquery(agency=acting.agency)
            if works and acting is not None
            else Value(0, output_field=IntegerField())
        )
        row = (
            User.objects.filter(pk=user.pk)
            .order_by()
            .values(
                unread_referrals=referrals, unread_notifications=unread_notifications_subquery()
            )
            .first()
        )
        return {
            "inbox": int(row["unread_referrals"] or 0) if row else 0,
            "notifications": int(row["unread_notifications"] or 0) if row else 0,
        }

    both = SimpleLazyObject(counts)
    return {
        "inbox_unread": SimpleLazyObject(lambda: both["inbox"]),
        "notifications_unread": SimpleLazyObject(lambda: both["notifications"]),
    }
