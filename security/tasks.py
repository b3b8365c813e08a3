from celery import shared_task
from django.db import OperationalError

from security.services import user_sessions_prune


@shared_task(
    name="security.sessions_prune",
    autoretry_for=(OperationalError,),
    max_retries=3,
    retry_backoff=True,
    soft_time_limit=120,
    time_limit=150,
)
def sessions_prune() -> int:
    """Drop the rows of sessions that have ended and Django's expired sessions (idempotent)."""
    return user_sessions_prune()
