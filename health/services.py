from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from health.models import Heartbeat

HEARTBEAT = "heartbeat"


@transaction.atomic
def heartbeat_record(*, name: str = HEARTBEAT, at: datetime | None = None) -> Heartbeat:
    at = at or timezone.now()
    heartbeat, created = Heartbeat.objects.get_or_create(
        name=name, defaults={"last_run_at": at, "run_count": 1}
    )
    if not created:
        Heartbeat.objects.filter(pk=heartbeat.pk).update(
            last_run_at=at, run_count=F("run_count") + 1
        )
        heartbeat.refresh_from_db()
    return heartbeat
