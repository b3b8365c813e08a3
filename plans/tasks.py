from celery import shared_task
from django.utils import timezone

from pathways.stages.services import release_dates_reached
from plans.reminders import reminders_scan_all


# The name is the one beat has always enqueued (config/settings.py): the scan moved here,
# to the top of the layers it reads, when the plans' reminders joined it.
@shared_task(
    name="pathways.reminders_scan",
    autoretry_for=(OSError,),
    retry_backoff=60,
    max_retries=3,
    soft_time_limit=240,
    time_limit=300,
)
def reminders_scan_task() -> int:
    """Every few minutes: record the releases whose day has come, so that their paths
    move, then claim and deliver what is due today in Helsinki."""
    day = timezone.localdate()
    release_dates_reached(day=day)
    return reminders_scan_all(today=day)
