import datetime
from typing import Any

from agencies.models import User
from notifications.models import Notification
from pathways.cases.notification_kinds import CaseNotificationKind


def notify(
    recipient: User,
    *,
    kind: str = CaseNotificationKind.STAGE_OPENS,
    url: str = "/directory/",
    params: dict[str, Any] | None = None,
    read: bool = False,
) -> Notification:
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        params={"stage": {"fi": "Työnhaku", "sv": "Jobbsökning", "en": "Job search"}}
        if params is None
        else params,
        url=url,
        due_on=datetime.date(2026, 3, 5),
    )
    if read:
        Notification.objects.filter(pk=notification.pk).update(read_at=notification.created_at)
        notification.refresh_from_db()
    return notification
