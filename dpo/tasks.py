from celery import shared_task
from django.db import OperationalError

from dpo.services import log_chains_verify, logs_seal


@shared_task(
    name="dpo.logs_seal",
    autoretry_for=(OperationalError,),
    max_retries=2,
    soft_time_limit=240,
    time_limit=280,
)
def logs_seal_task() -> int:
    """Every few minutes: seal the log rows written since the last run (beat)."""
    return logs_seal()


@shared_task(
    name="dpo.logs_verify",
    autoretry_for=(OperationalError,),
    retry_backoff=300,
    max_retries=3,
    soft_time_limit=3000,
    time_limit=3300,
)
def logs_verify_task() -> int:
    """Nightly: check every chain, keep the outcome for the officers' page. The number
    of broken chains."""
    return sum(1 for state in log_chains_verify() if not state.intact)
