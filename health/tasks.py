from celery import shared_task
from django.db import OperationalError

from health.services import heartbeat_record


@shared_task(
    name="health.heartbeat",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=10,
    time_limit=20,
)
def heartbeat() -> None:
    heartbeat_record()
