from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from retention.services import retention_execute


@shared_task(
    name="retention.run",
    autoretry_for=(OperationalError,),
    retry_backoff=300,
    max_retries=3,
    soft_time_limit=3000,
    time_limit=3300,
)
def retention_run(run_id: int | None = None) -> int | None:
    """Nightly, or when the data protection officer asks: act on what a fresh dry run of
    today (in Helsinki) finds. The run's id, or None when another run had it."""
    run = retention_execute(run_id=run_id, today=timezone.localdate())
    return run.pk if run else None
