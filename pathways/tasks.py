from celery import shared_task
from django.utils import timezone

from pathways.reminders import reminders_scan


@shared_task(
    name="pathways.reminders_scan",
    autoretry_for=(OSError,),
    retry_backoff=60,
    max_retries=3,
    soft_time_limit=240,
    time_limit=300,
)
def pathways_reminders_scan() -> int:
    """Every few minutes: claim and deliver what is due today in Helsinki."""
    return reminders_scan(today=timezone.localdate())
